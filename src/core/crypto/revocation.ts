// Revoked key certificates. A certificate stays a valid signature forever, so a server that keeps serving the
// certificate of someone who was disabled (or puts back an old grant of theirs) would get that person sealed into
// the next rotation. Before an admin's PC disables, resets or re-roles a person it signs a revocation of the
// certificate the person holds, and no admin PC seals a vault key to a revoked certificate again.
//
// A revocation only ever takes access away, so a PC honours every one it is shown, signed or not (fail closed:
// a forged one can withhold a key, which a server can do anyway by dropping grants). The signature names who
// revoked, for the audit and the admin's list. What a server can still do is withhold a revocation from a PC that
// never saw it; the PC that signed one keeps it (see admin/recipients.ts).
import { ed25519 } from '@noble/curves/ed25519.js';
import { z } from 'zod';
import { base64UrlBytes, canonical, toBase64Url } from './bytes';
import { type KeyCertificate, KeyCertificateSchema } from './trust';

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
 * The certificates to refuse: the ones this PC revoked itself and every one the server lists, except the office
 * root's, which is never revoked (its key is pinned on every PC; a listed revocation of it is the server's).
 */
export function revokedSet(
  rootId: string,
  listed: { user_id: string; certificate: Pick<KeyCertificate, 'sig'> }[],
  own: ReadonlySet<string> = new Set(),
): Set<string> {
  const all = new Set(own);
  for (const r of listed) {
    if (r.user_id.toLowerCase() !== rootId.toLowerCase()) all.add(certificateKey(r.user_id, r.certificate));
  }
  return all;
}
