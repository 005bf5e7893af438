// The colleagues list every trust decision on this PC reads, with the revocations applied.
import type { ColleagueRow } from '../backend/rows';
import { certificateKey, verifiedRevocations } from '../crypto/revocation';
import { colleagueKeys } from '../vault/keyring';
import type { CoreContext } from './context';

/**
 * The colleagues as every trust decision on this PC sees them: a revoked certificate (crypto/revocation.ts) is
 * taken off its holder, so nothing they sign as an admin verifies, whatever the server still serves. Revocations
 * seen once are kept (LocalState.rememberRevoked), and the rows are cached like this, offline unlocks included.
 * Only revocations an admin's key signed count, and only those are kept.
 */
export async function listColleagues(ctx: CoreContext): Promise<ColleagueRow[]> {
  const [rows, listed] = await Promise.all([ctx.backend.colleagues(), ctx.backend.revocations()]);
  const keys = colleagueKeys(rows);
  const verified = verifiedRevocations(
    ctx.pinnedRoot(ctx.account!),
    listed,
    (id) => keys.get(id.toLowerCase()),
    await ctx.local.revokedCertificates(),
  );
  if (verified.refused.length > 0) ctx.events.emit('revocationRefused', { count: verified.refused.length });
  const revoked = await ctx.local.rememberRevoked(verified.revoked);
  return rows.map((c) =>
    c.key_certificate && revoked.has(certificateKey(c.id, c.key_certificate))
      ? { ...c, key_certificate: null }
      : c,
  );
}
