// Gathers the payload of a backup from what this PC has decrypted, after a fresh pull. History is read only for
// entries past version 1: the database writes a history row on every update (entries_after), so a version-1
// entry has none, and an office of fresh imports costs no request per entry.
import type { BackupContext, LiveEntry, OldVersion, OnProgress } from './context';
import type { BackupEntry, BackupPayload, BackupVault } from './payload';

/** History requests in flight at once: enough to hide the round trip, few enough to spare a small server. */
const HISTORY_PARALLEL = 4;

export interface CollectResult {
  payload: BackupPayload;
  entries: number;
  historyVersions: number;
  /** Earlier versions that did not decrypt: left out (the History dialog shows them as damaged). */
  damagedVersions: number;
}

export async function collect(ctx: BackupContext, onProgress: OnProgress, now: Date): Promise<CollectResult> {
  await ctx.refresh();
  const vaults = ctx.vaults();
  const live = ctx.liveEntries();
  onProgress({ phase: 'reading', done: live.length, total: live.length });

  const withHistory = live.filter((e) => e.version > 1);
  const histories = new Map<string, OldVersion[]>();
  let next = 0;
  let done = 0;
  const worker = async () => {
    while (next < withHistory.length) {
      const e = withHistory[next++]!;
      histories.set(e.id, await ctx.history(e.id));
      onProgress({ phase: 'history', done: ++done, total: withHistory.length });
    }
  };
  await Promise.all(Array.from({ length: HISTORY_PARALLEL }, worker));

  let historyVersions = 0;
  let damagedVersions = 0;
  const byVault = new Map<string, LiveEntry[]>(vaults.map((v) => [v.id, []]));
  for (const e of live) byVault.get(e.vaultId)?.push(e);
  const out: BackupVault[] = vaults.map((v) => {
    const entries: BackupEntry[] = (byVault.get(v.id) ?? []).map((e) => {
      const history: BackupEntry['history'] = [];
      for (const h of histories.get(e.id) ?? []) {
        if (!h.entry) {
          damagedVersions++;
          continue;
        }
        history.push({ version: h.version, changedAt: h.changedAt, deleted: h.deleted, entry: h.entry });
      }
      historyVersions += history.length;
      return {
        id: e.id,
        version: e.version,
        createdAt: e.createdAt,
        updatedAt: e.updatedAt,
        entry: e.entry,
        history,
      };
    });
    const categories = [...new Set(entries.map((e) => e.entry.category).filter((c) => c !== ''))].sort();
    return { id: v.id, name: v.name, categories, entries };
  });
  const entries = out.reduce((n, v) => n + v.entries.length, 0);
  return {
    payload: {
      kind: 'keyroom-office-backup',
      v: 1,
      createdAt: now.toISOString(),
      source: ctx.source,
      vaults: out,
      skippedDamaged: ctx.damagedLive(),
    },
    entries,
    historyVersions,
    damagedVersions,
  };
}
