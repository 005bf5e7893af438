// An admin's upkeep of the vaults, and everyone's health flags: password health from the decrypted replica,
// the trash (tombstones the server still holds, restored by the signed restore path or purged for good) and the
// export of one vault for leaving Keyroom. Each reads what this PC already decrypted; the server only hears of
// an export (one audit row) and a purge.
import type { Backend } from '../backend/client';
import { CoreError } from '../backend/errors';
import type { Entry } from './entry-schema';
import { sealExport, toBitwardenCsv, toBitwardenJson } from './export';
import { assessHealth, countByVault, type HealthFlag, type VaultHealth } from './health';
import type { EntrySummary, VaultOperations } from './operations';
import type { Replica } from './replica';

export interface UpkeepContext {
  backend: Backend;
  replica: Replica;
  vault: VaultOperations;
  isAdmin(): boolean;
  nameOf(userId: string | null): string;
  vaultName(vaultId: string): string;
}

export interface HealthReport {
  vaults: (VaultHealth & { name: string })[];
  /** Every live entry with a flag, worst first (most flags), then by title. */
  entries: { summary: EntrySummary; flags: HealthFlag[] }[];
}

export interface TrashItem {
  summary: EntrySummary;
  deletedAt: string;
  deletedBy: string;
}

export interface VaultExport {
  fileName: string;
  text: string;
  count: number;
  /** Entries of the vault that do not open on this PC (damaged): left out, and said so. */
  skipped: number;
}

const ADMIN_ONLY = 'Only an admin can do this.';

export class VaultUpkeep {
  constructor(private readonly ctx: UpkeepContext) {}

  private guard(): void {
    if (!this.ctx.isAdmin()) throw new CoreError('forbidden', ADMIN_ONLY);
  }

  /** Live entries this PC opens (damaged ones have no password to judge). */
  private live() {
    return [...this.ctx.replica.all()].filter((e) => !e.deletedAt && !this.ctx.replica.isDamaged(e.id));
  }

  /** Flags per entry id for everyone's list: within what this person reads, nothing leaves the PC. */
  flags(maxAgeDays: number): Map<string, HealthFlag[]> {
    return assessHealth(
      this.live().map((e) => ({
        id: e.id,
        vaultId: e.vaultId,
        title: e.entry.title,
        username: e.entry.username,
        url: e.entry.url,
        password: e.entry.password,
        updatedAt: e.updatedAt,
        source: e.entry,
      })),
      { maxAgeDays },
    );
  }

  /** The admins' Health view: counts per vault and the entries to change. */
  health(maxAgeDays: number): HealthReport {
    this.guard();
    const live = this.live();
    const flags = this.flags(maxAgeDays);
    const entries = live
      .filter((e) => flags.has(e.id))
      .map((e) => ({ summary: this.ctx.vault.summary(e), flags: flags.get(e.id) ?? [] }))
      .sort((a, b) => b.flags.length - a.flags.length || a.summary.title.localeCompare(b.summary.title));
    const vaults = countByVault(live, flags).map((v) => ({ ...v, name: this.ctx.vaultName(v.vaultId) }));
    return { vaults: vaults.sort((a, b) => a.name.localeCompare(b.name)), entries };
  }

  /**
   * The tombstones the server holds now, as this PC decrypted them. Asking the server (not only the replica)
   * keeps an entry another admin purged out of this list: a purge sends no row for the delta pull to carry.
   */
  async trash(): Promise<TrashItem[]> {
    this.guard();
    const onServer = await this.ctx.backend.tombstones();
    const out: TrashItem[] = [];
    for (const t of onServer) {
      const e = this.ctx.replica.get(t.id);
      if (!e?.deletedAt) continue;
      out.push({
        summary: this.ctx.vault.summary(e),
        deletedAt: e.deletedAt,
        deletedBy: this.ctx.nameOf(t.deleted_by),
      });
    }
    return out.sort((a, b) => b.deletedAt.localeCompare(a.deletedAt));
  }

  /** Back into the vault through the signed restore (a state proof by this admin's key). */
  restore(id: string, baseVersion: number): Promise<EntrySummary> {
    this.guard();
    return this.ctx.vault.restore(id, baseVersion);
  }

  /** Removes a tombstone for good; the server keeps its history and audit trail, and audits the purge. */
  async purge(id: string): Promise<void> {
    this.guard();
    const e = this.ctx.replica.get(id);
    if (!e) throw new CoreError('not_found', 'That entry is no longer in the trash.');
    if (!e.deletedAt) throw new CoreError('invalid_request', 'Only an entry in the trash can be purged.');
    await this.ctx.backend.purgeEntry(id);
    this.ctx.replica.forget(id);
  }

  /**
   * Every live entry of one vault as a Bitwarden CSV or JSON, the JSON sealed when a passphrase is given. The
   * export is audited before the text is handed out: an export the server did not record does not happen.
   */
  async exportVault(vaultId: string, format: 'csv' | 'json', passphrase?: string): Promise<VaultExport> {
    this.guard();
    if (format === 'csv' && passphrase !== undefined)
      throw new CoreError('invalid_request', 'Only the JSON export can be protected with a passphrase.');
    const entries: Entry[] = this.live()
      .filter((e) => e.vaultId === vaultId)
      .map((e) => ({ ...e.entry, fields: e.entry.fields.map((f) => ({ ...f })) }))
      .sort((a, b) => a.title.localeCompare(b.title));
    const name = this.ctx.vaultName(vaultId);
    if (!name) throw new CoreError('not_found', 'That vault is not available.');
    const plain = format === 'csv' ? toBitwardenCsv(entries) : toBitwardenJson(entries);
    const text = passphrase === undefined ? plain : await sealExport(plain, passphrase);
    const kind =
      format === 'csv' ? 'bitwardencsv' : passphrase === undefined ? 'bitwardenjson' : 'sealedjson';
    await this.ctx.backend.logExport(vaultId, entries.length, kind);
    const safe = name.replace(/[^\p{L}\p{N} _-]+/gu, '').trim() || 'vault';
    const ext = format === 'csv' ? 'csv' : 'json';
    const skipped = this.ctx.replica.damagedEntries().filter((d) => d.vaultId === vaultId).length;
    return { fileName: `${safe} export.${ext}`, text, count: entries.length, skipped };
  }
}
