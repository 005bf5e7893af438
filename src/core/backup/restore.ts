// A restore in two steps, like an import: the preview says, per vault, what the file holds, where it goes (a
// vault of the same name this admin holds, or a new one) and how much of it is already there; nothing is
// written until commit(). Entries go through the ordinary create path (vault/operations.ts createMany), so each
// is encrypted under the target vault's current key, for a new id, audited by the server as a create.
//
// Idempotence is by content, not by id: the create path picks each new entry's id itself (the id is bound into
// the ciphertext's associated data), and a restore into another office must not depend on ids that mean nothing
// there. An entry counts as already there when a live entry of the target vault has exactly the same fields
// (a fingerprint of all of them); copies are counted, so a vault holding two identical entries restores two.
// A second run, or a run after an interruption, finds what the first wrote and adds only the rest. An entry
// changed in the office since the backup is not overwritten: the backed-up version arrives beside it.
//
// History: the file carries every earlier version and the preview counts them, but the restore writes the
// current version of each entry only; the target's own history starts at the restore (the database writes
// history rows itself, from updates, and a replay of every version would make an interrupted run ambiguous).
import { sha256 } from '@noble/hashes/sha2.js';
import { bytesToHex } from '@noble/hashes/utils.js';
import { BACKUP_MESSAGES } from '../../shared/errors';
import { CoreError } from '../backend/errors';
import type { Entry } from '../vault/entry-schema';
import type { BackupContext, OnProgress } from './context';
import type { BackupPayload, BackupVault } from './payload';

export interface RestoreVaultPreview {
  name: string;
  /** The id of the vault of that name this admin holds, or null: a new vault is created. */
  targetId: string | null;
  entries: number;
  /** Entries with exactly these fields already in the target vault: skipped. */
  duplicates: number;
  toAdd: number;
  historyVersions: number;
  categories: number;
}

export interface RestorePreview {
  createdAt: string;
  source: string;
  vaults: RestoreVaultPreview[];
  entries: number;
  duplicates: number;
  toAdd: number;
  newVaults: number;
  /** Entries the backing-up PC could not open, so the file does not hold them. */
  skippedDamaged: number;
}

export interface RestoreSummary {
  added: number;
  skippedDuplicates: number;
  vaultsCreated: number;
  /** Encrypted but waiting in this PC's outbox (the server stopped answering); they go out later. */
  queued: number;
  /** Left out because the server refused them: run the restore again once the cause is fixed. */
  failed: number;
}

/** Every field, in a fixed order: two entries with this same fingerprint are the same entry to a person. */
export function entryFingerprint(e: Entry): string {
  const fields = e.fields.map((f) => [f.name, f.value, f.hidden]);
  const canonical = [e.title, e.username, e.password, e.url, e.notes, e.category, e.totp, fields];
  return bytesToHex(sha256(new TextEncoder().encode(JSON.stringify(canonical))));
}

interface VaultPlan {
  source: BackupVault;
  targetId: string | null;
  add: Entry[];
  duplicates: number;
}

function plan(ctx: BackupContext, payload: BackupPayload): VaultPlan[] {
  const held = ctx.vaults();
  const live = ctx.liveEntries();
  // Two backed-up vaults of one name share the one target and its counts: each entry there excuses one copy.
  const there = new Map<string, Map<string, number>>();
  const countsOf = (vaultId: string) => {
    let m = there.get(vaultId);
    if (!m) {
      m = new Map();
      for (const e of live) {
        if (e.vaultId !== vaultId) continue;
        const f = entryFingerprint(e.entry);
        m.set(f, (m.get(f) ?? 0) + 1);
      }
      there.set(vaultId, m);
    }
    return m;
  };
  return payload.vaults.map((v) => {
    // The vault's own id first (a restore into the same office): its grant is signed, its name is only what the
    // server says, and a server that renamed vaults must not steer entries into another one. By name in another
    // office, where the ids mean nothing (the preview shows the target by name for the admin to check).
    const targetId =
      held.find((h) => h.id.toLowerCase() === v.id.toLowerCase())?.id ??
      held.find((h) => h.name === v.name)?.id ??
      null;
    // A vault still to be created holds nothing yet: all of it is added (a second run then matches by name).
    if (!targetId) return { source: v, targetId, add: v.entries.map((e) => e.entry), duplicates: 0 };
    const counts = countsOf(targetId);
    const add: Entry[] = [];
    let duplicates = 0;
    for (const e of v.entries) {
      const f = entryFingerprint(e.entry);
      const n = counts.get(f) ?? 0;
      if (n > 0) {
        counts.set(f, n - 1);
        duplicates++;
      } else add.push(e.entry);
    }
    return { source: v, targetId, add, duplicates };
  });
}

export class RestorePlan {
  private used = false;

  private constructor(
    private readonly ctx: BackupContext,
    private readonly payload: BackupPayload,
    readonly preview: RestorePreview,
  ) {}

  static async read(ctx: BackupContext, payload: BackupPayload): Promise<RestorePlan> {
    if (!ctx.isAdmin()) throw new CoreError('forbidden', BACKUP_MESSAGES.adminOnly);
    await ctx.refresh();
    return new RestorePlan(ctx, payload, previewOf(payload, plan(ctx, payload)));
  }

  /**
   * Writes what is missing. The plan is made again against a fresh pull first, so what someone (or an earlier,
   * interrupted run) added since the preview is not added twice.
   */
  async commit(onProgress: OnProgress = () => {}): Promise<RestoreSummary> {
    if (this.used) throw new CoreError('invalid_request', BACKUP_MESSAGES.used);
    this.used = true;
    await this.ctx.refresh();
    const plans = plan(this.ctx, this.payload);
    const total = plans.reduce((n, p) => n + p.add.length, 0);
    const summary: RestoreSummary = {
      added: 0,
      skippedDuplicates: 0,
      vaultsCreated: 0,
      queued: 0,
      failed: 0,
    };
    const created = new Map<string, string>();
    let before = 0;
    onProgress({ phase: 'restoring', done: 0, total });
    for (const p of plans) {
      summary.skippedDuplicates += p.duplicates;
      if (p.add.length === 0) continue;
      let vaultId = p.targetId ?? created.get(p.source.name);
      if (!vaultId) {
        vaultId = (await this.ctx.createVault(p.source.name)).id;
        created.set(p.source.name, vaultId);
        summary.vaultsCreated++;
      }
      const r = await this.ctx.createMany(vaultId, p.add, (done) =>
        onProgress({ phase: 'restoring', done: before + done, total }),
      );
      before += p.add.length;
      summary.added += r.created;
      summary.queued += r.queued;
      summary.failed += r.failed;
      if (r.created + r.queued > 0)
        await logWithRetry(() => this.ctx.logRestore(vaultId!, r.created + r.queued));
      if (r.failed > 0) {
        // The create path stops at a refusal; the rest of the file waits for the next run.
        for (const rest of plans.slice(plans.indexOf(p) + 1)) summary.failed += rest.add.length;
        break;
      }
    }
    return summary;
  }
}

function previewOf(payload: BackupPayload, plans: VaultPlan[]): RestorePreview {
  const vaults = plans.map((p) => ({
    name: p.source.name,
    targetId: p.targetId,
    entries: p.source.entries.length,
    duplicates: p.duplicates,
    toAdd: p.add.length,
    historyVersions: p.source.entries.reduce((n, e) => n + e.history.length, 0),
    categories: p.source.categories.length,
  }));
  const sum = (k: 'entries' | 'duplicates' | 'toAdd') => vaults.reduce((n, v) => n + v[k], 0);
  return {
    createdAt: payload.createdAt,
    source: payload.source,
    vaults,
    entries: sum('entries'),
    duplicates: sum('duplicates'),
    toAdd: sum('toAdd'),
    newVaults: new Set(vaults.filter((v) => v.targetId === null).map((v) => v.name)).size,
    skippedDamaged: payload.skippedDamaged,
  };
}

/**
 * log_import allows 10 rows at once per person, then one a minute (private.take_token): an office of more vaults
 * waits for the next token rather than leaving a vault's restore unaudited.
 */
async function logWithRetry(log: () => Promise<void>, tries = 12): Promise<void> {
  for (let i = 1; ; i++) {
    try {
      return await log();
    } catch (err) {
      if (!(err instanceof CoreError && err.code === 'rate_limited') || i >= tries) throw err;
      await new Promise((r) => setTimeout(r, 6_000));
    }
  }
}
