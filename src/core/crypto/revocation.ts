// Revoked key certificates. A certificate stays a valid signature forever, so a server that keeps serving the
// certificate of someone who was disabled (or puts back an old grant of theirs) would get that person sealed into
// the next rotation. Before an admin's PC disables, resets or re-roles a person it signs a revocation of the
// certificate the person holds, and no admin PC seals a vault key to a revoked certificate again.
//
// A revocation takes a person's certificate away for good (every PC keeps the ones it saw), and an admin's
// certificate carries every grant and certificate that admin signed: so a revocation counts only when its signature
// verifies under the pinned root, or under an admin whose certificate chains to the root and is not itself revoked.
// Anything else (a junk signature, a signer nobody certified, a revoked admin) is ignored and reported: a server or
// a rogue insider cannot cut a colleague off permanently with a row. What a server can still do is withhold a
// revocation from a PC that never saw it; the PC that signed one keeps it (see admin/recipients.ts).
import { ed25519 } from '@noble/curves/ed25519.js';
import { z } from 'zod';
import { base64UrlBytes, canonical, toBase64Url } from './bytes';
import {
  type KeyCertificate,
  KeyCertificateSchema,
  type Lookup,
  type PinnedRoot,
  trustedAdminKey,
  verifySig,
} from './trust';

/** A `key_revocations` row as the server lists it. */
export const RevocationSchema = z.object({
  user_id: z.uuid(),
  certificate: KeyCertificateSchema,
  revoked_by: z.uuid(),
  signature: base64UrlBytes(64),
});
export type Revocation = z.infer<typeof RevocationSchema>;

function revocationMessage(userId: string, cert: KeyCertificate): Uint8Array {
  return canonical(
    'keyroom/v1/revocation',
    userId.toLowerCase(),
    cert.signer.toLowerCase(),
    cert.n,
    cert.sig,
  );
}

export function signRevocation(
  userId: string,
  certificate: KeyCertificate,
  signer: { id: string; ed25519Secret: Uint8Array },
): Revocation {
  const sig = ed25519.sign(revocationMessage(userId, certificate), signer.ed25519Secret);
  return { user_id: userId, certificate, revoked_by: signer.id, signature: toBase64Url(sig) };
}

/** The key that names one certificate of one person: its signature bytes are unique to it (the nonce). */
export function certificateKey(userId: string, certificate: Pick<KeyCertificate, 'sig'>): string {
  return `${userId.toLowerCase()}:${certificate.sig}`;
}

/**
 * The listed revocations that verify, as certificate keys (with the `known` ones this PC kept), and the ones that
 * do not. The root's own certificate is
 * never revoked (its key is pinned on every PC; a listed revocation of it is the server's) and is left out of both.
 *
 * Whether an admin's revocation counts depends on whether that admin is revoked, which may hang on other
 * revocations, cycles included (two admins revoking each other). The root's count first; then, round by round,
 * those whose signer is not revoked by what counted in the rounds before. Every row of a round is judged against
 * the same set, so the order the server lists them in decides nothing, and two admins who revoked each other are
 * both revoked (it only ever takes access away).
 */
export function verifiedRevocations(
  root: PinnedRoot,
  listed: Revocation[],
  lookup: Lookup,
  known: ReadonlySet<string> = new Set(),
): { revoked: Set<string>; refused: Revocation[] } {
  const isRoot = (id: string) => id.toLowerCase() === root.id.toLowerCase();
  let pending = listed.filter((r) => !isRoot(r.user_id));
  // What this PC saw revoked before still counts: a row the server deleted since does not bring a signer back.
  const revoked = new Set(known);
  const signedBy = (r: Revocation, key: Uint8Array) =>
    verifySig(r.signature, revocationMessage(r.user_id, r.certificate), key);
  const signerKey = (signerId: string, counted: ReadonlySet<string>): Uint8Array | null => {
    const signer = lookup(signerId);
    if (!signer?.keyCertificate || counted.has(certificateKey(signer.id, signer.keyCertificate))) return null;
    try {
      return trustedAdminKey(signerId, root, lookup);
    } catch {
      return null;
    }
  };
  const byRoot = pending.filter((r) => isRoot(r.revoked_by));
  for (const r of byRoot)
    if (signedBy(r, root.ed25519Public)) revoked.add(certificateKey(r.user_id, r.certificate));
  pending = pending.filter((r) => !isRoot(r.revoked_by));
  for (let round = true; round && pending.length > 0; ) {
    const counted = new Set(revoked);
    const left: Revocation[] = [];
    for (const r of pending) {
      const key = signerKey(r.revoked_by, counted);
      if (key && signedBy(r, key)) revoked.add(certificateKey(r.user_id, r.certificate));
      else left.push(r);
    }
    round = left.length < pending.length;
    pending = left;
  }
  return { revoked, refused: pending.filter((r) => !revoked.has(certificateKey(r.user_id, r.certificate))) };
}
