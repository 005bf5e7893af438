// Which certificates an admin's PC revokes, and which revocations it counts (crypto/revocation.ts). The server is
// never asked what to revoke: a server that lists no certificate (or another one) for a person at the moment of a
// disable would otherwise have this PC revoke nothing, and the next rotation seal the person back in. What this
// PC verified for the person in this session is revoked whatever the server lists now.
import type { Backend } from '../backend/client';
import { CoreError } from '../backend/errors';
import type { ColleagueRow } from '../backend/rows';
import { certificateKey, type Revocation, signRevocation, verifiedRevocations } from '../crypto/revocation';
import { type KeyCertificate, type Role, verifyColleague } from '../crypto/trust';
import type { LocalState } from '../sync/state';
import { colleagueKeys, type Keyring } from '../vault/keyring';

export interface RevokingContext {
  backend: Backend;
  keyring: Keyring;
  /** The colleagues as this session listed and checked them (session/colleagues.ts), not as the server says now. */
  colleagues(): ColleagueRow[];
  revoked: Pick<LocalState, 'rememberRevoked' | 'revokedCertificates'>;
}

/** Every revocation this PC has signed or seen, and the ones the server lists now that verify (kept from here on). */
export async function revokedNow(ctx: RevokingContext, colleagues?: ColleagueRow[]): Promise<Set<string>> {
  const [rows, listed] = await Promise.all([
    colleagues ?? ctx.backend.colleagues(),
    ctx.backend.revocations(),
  ]);
  const keys = colleagueKeys(rows);
  const known = await ctx.revoked.revokedCertificates();
  const lookup = (id: string) => keys.get(id.toLowerCase());
  return ctx.revoked.rememberRevoked(verifiedRevocations(ctx.keyring.root, listed, lookup, known).revoked);
}

/** The person's certificate in `rows`, when it chains to the root (as admin or member, whatever role is listed). */
function verifiedCertificate(
  rows: ColleagueRow[],
  memberId: string,
  ctx: RevokingContext,
): KeyCertificate | null {
  const keys = colleagueKeys(rows);
  const subject = keys.get(memberId.toLowerCase());
  if (!subject?.keyCertificate) return null;
  for (const role of ['admin', 'member'] satisfies Role[]) {
    try {
      verifyColleague(subject, role, ctx.keyring.root, (id) => keys.get(id.toLowerCase()));
      return subject.keyCertificate;
    } catch {}
  }
  return null;
}

/**
 * Disable, reset and a role change clear the person's certificate on the server; the admin's PC revokes it
 * once that went through, so no admin PC seals to it again when a server serves it back (crypto/revocation.ts).
 * Revoked: the certificate this session verified for the person, and the one the server lists just before the
 * change when it verifies too. When the server lists none, or one that does not verify, for a person this PC
 * knows as certified, what this PC knows is revoked all the same and the admin is told. Each is kept on this PC's disk
 * before it is sent, so this PC refuses it even when the upload fails; a failed upload is reported, the change
 * stays.
 */
export async function revoking<T>(
  ctx: RevokingContext,
  memberId: string,
  change: () => Promise<T>,
): Promise<T> {
  const me = ctx.keyring;
  const known = verifiedCertificate(ctx.colleagues(), memberId, ctx);
  const listed = verifiedCertificate(await ctx.backend.colleagues(), memberId, ctx);
  const result = await change();
  // The root's certificate vouches for the key every PC pinned; what becomes of the root is not a revocation.
  if (memberId.toLowerCase() === me.root.id.toLowerCase()) return result;
  const certs = [known, listed].filter((c): c is KeyCertificate => c !== null);
  const unique = certs.filter((c, i) => certs.findIndex((d) => d.sig === c.sig) === i);
  if (unique.length === 0) return result;
  const signer = { id: me.userId, ed25519Secret: me.user.ed25519Secret };
  const revocations: Revocation[] = unique.map((c) => signRevocation(memberId, c, signer));
  await ctx.revoked.rememberRevoked(unique.map((c) => certificateKey(memberId, c)));
  try {
    for (const r of revocations) await ctx.backend.insertRevocation(r);
  } catch (err) {
    throw new CoreError(
      err instanceof CoreError && err.code === 'offline' ? 'offline' : 'internal',
      'The change was made, but revoking the old certificate did not reach the server: do it again.',
    );
  }
  if (known && !listed) {
    throw new CoreError(
      'damaged',
      'The change was made and the certificate this PC verified was revoked, but the server did not list it for this person: tell whoever runs the server.',
    );
  }
  return result;
}

/**
 * The revocations an admin signed that still count, signed again by this PC before that admin stops being one:
 * a revoked admin's revocations count for nothing (crypto/revocation.ts), so without this a disabled person whom
 * the leaving admin revoked would be revoked no more on a PC that had not seen it yet. Returns what to upload.
 */
export async function takeOverRevocations(
  ctx: RevokingContext,
  fromId: string,
  revoked: ReadonlySet<string>,
): Promise<Revocation[]> {
  const me = ctx.keyring;
  const signer = { id: me.userId, ed25519Secret: me.user.ed25519Secret };
  return (await ctx.backend.revocations())
    .filter((r) => r.revoked_by.toLowerCase() === fromId.toLowerCase())
    .filter((r) => revoked.has(certificateKey(r.user_id, r.certificate)))
    .map((r) => signRevocation(r.user_id, r.certificate, signer));
}
