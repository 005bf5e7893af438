// Signed grants and key certificates, and the chain check that ties every grant to the office
// root pinned at enrollment. Public keys from the server are never trusted on their own: a grant
// verifies only under the pinned root key, or under an admin key the root has certified.
import { ed25519 } from '@noble/curves/ed25519.js';
import { randomBytes } from '@noble/hashes/utils.js';
import { z } from 'zod';
import { base64UrlBytes, canonical, equalBytes, fromBase64Url, toBase64Url } from './bytes';
import { DamagedError } from './damaged';

/** The office root as pinned at enrollment (from the invitation sheet fingerprint). */
export interface PinnedRoot {
  id: string;
  ed25519Public: Uint8Array;
}

export type Role = 'admin' | 'member';

/** The public half of a colleague as listed by the server (`public.colleagues`). */
export interface ColleagueKeys {
  id: string;
  x25519Public: string;
  ed25519Public: string;
  keyCertificate: KeyCertificate | null;
}

/**
 * `n` is a fresh random nonce under the signature: Ed25519 is deterministic, and without it confirming the same
 * person again (after a re-enable) would reproduce a certificate that was revoked (crypto/revocation.ts).
 */
export const KeyCertificateSchema = z.strictObject({
  signer: z.uuid(),
  n: base64UrlBytes(16),
  sig: base64UrlBytes(64),
});
export type KeyCertificate = z.infer<typeof KeyCertificateSchema>;

/** `vault_grants` row fields that the signature covers, plus who signed. */
export const GrantSchema = z.object({
  vault_id: z.uuid(),
  member_id: z.uuid(),
  member_public: base64UrlBytes(32),
  key_version: z.int().min(1).max(0x7fffffff),
  sealed_key: z.string().max(512),
  granted_by: z.uuid(),
  signature: base64UrlBytes(64),
});
export type Grant = z.infer<typeof GrantSchema>;

export interface GrantFields {
  vaultId: string;
  memberId: string;
  memberPublic: string;
  keyVersion: number;
  sealedKey: string;
}

function grantMessage(g: GrantFields): Uint8Array {
  return canonical(
    'keyroom/v1/grant',
    g.vaultId.toLowerCase(),
    g.memberId.toLowerCase(),
    g.memberPublic,
    g.keyVersion,
    g.sealedKey,
  );
}

/**
 * The role is part of what the certificate signs: a member's certificate cannot be passed off as
 * an admin's, so only keys the root certified as admin can sign grants. Promoting a member to
 * admin therefore needs a new certificate from the root.
 */
function certificateMessage(
  memberId: string,
  role: Role,
  x25519Public: string,
  ed25519Public: string,
  nonce: string,
) {
  return canonical(
    'keyroom/v1/key-certificate',
    memberId.toLowerCase(),
    role,
    x25519Public,
    ed25519Public,
    nonce,
  );
}

export function signGrant(fields: GrantFields, signerSecret: Uint8Array): string {
  return toBase64Url(ed25519.sign(grantMessage(fields), signerSecret));
}

export function signKeyCertificate(
  subject: { id: string; role: Role; x25519Public: string; ed25519Public: string },
  signer: { id: string; ed25519Secret: Uint8Array },
): KeyCertificate {
  const n = toBase64Url(randomBytes(16));
  const msg = certificateMessage(subject.id, subject.role, subject.x25519Public, subject.ed25519Public, n);
  return { signer: signer.id, n, sig: toBase64Url(ed25519.sign(msg, signer.ed25519Secret)) };
}

/** Strict RFC 8032 verification (no ZIP-215 leniency); malformed input is simply "not valid". */
export function verifySig(sig: string, msg: Uint8Array, publicKey: Uint8Array): boolean {
  const s = fromBase64Url(sig);
  if (s?.length !== 64 || publicKey.length !== 32) return false;
  try {
    return ed25519.verify(s, msg, publicKey, { zip215: false });
  } catch {
    return false;
  }
}

function certifiedBy(subject: ColleagueKeys, role: Role, signerPublic: Uint8Array): boolean {
  const cert = KeyCertificateSchema.safeParse(subject.keyCertificate);
  if (!cert.success) return false;
  return verifySig(
    cert.data.sig,
    certificateMessage(subject.id, role, subject.x25519Public, subject.ed25519Public, cert.data.n),
    signerPublic,
  );
}

export type Lookup = (id: string) => ColleagueKeys | undefined;

/**
 * The Ed25519 key allowed to speak for `signerId`: the pinned root key itself, or an admin
 * key whose certificate (role admin) the root signed. Anything else is DamagedError.
 */
export function trustedAdminKey(signerId: string, root: PinnedRoot, lookup: Lookup): Uint8Array {
  if (signerId.toLowerCase() === root.id.toLowerCase()) return root.ed25519Public;
  const signer = lookup(signerId);
  if (!signer || signer.keyCertificate?.signer.toLowerCase() !== root.id.toLowerCase()) {
    throw new DamagedError();
  }
  const pub = fromBase64Url(signer.ed25519Public);
  if (pub?.length !== 32 || !certifiedBy(signer, 'admin', root.ed25519Public)) throw new DamagedError();
  return pub;
}

/**
 * Verifies a member's certificate (as listed by the server) chains to the root: signed by the
 * root or by a root-certified admin, for the given role. An admin calls this before sealing a
 * vault key to a colleague, so a server-replaced public key is refused. The office root itself
 * passes only with a self-signed certificate (signer = its own id, role admin), made once at
 * bootstrap: that is what covers the root's X25519 key, which the pinned fingerprint does not.
 */
export function verifyColleague(subject: ColleagueKeys, role: Role, root: PinnedRoot, lookup: Lookup): void {
  if (!subject.keyCertificate) throw new DamagedError();
  const signerKey = trustedAdminKey(subject.keyCertificate.signer, root, lookup);
  if (!certifiedBy(subject, role, signerKey)) throw new DamagedError();
}

/**
 * Verifies a grant row (untrusted) for this member: it must be for `self.id`, sealed to the
 * X25519 key this client holds, and signed by the root or a root-certified admin.
 * Returns the parsed grant, ready for `openSealedVaultKey`.
 */
export function verifyGrant(
  untrusted: unknown,
  self: { id: string; x25519Public: Uint8Array },
  root: PinnedRoot,
  lookup: Lookup,
): Grant {
  const parsed = GrantSchema.safeParse(untrusted);
  if (!parsed.success) throw new DamagedError();
  const g = parsed.data;
  if (g.member_id.toLowerCase() !== self.id.toLowerCase()) throw new DamagedError();
  if (!equalBytes(fromBase64Url(g.member_public)!, self.x25519Public)) throw new DamagedError();
  const signerKey = trustedAdminKey(g.granted_by, root, lookup);
  const msg = grantMessage({
    vaultId: g.vault_id,
    memberId: g.member_id,
    memberPublic: g.member_public,
    keyVersion: g.key_version,
    sealedKey: g.sealed_key,
  });
  if (!verifySig(g.signature, msg, signerKey)) throw new DamagedError();
  return g;
}
