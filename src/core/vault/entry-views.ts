// Entries as the UI lists and opens them, read from the decrypted replica (so they work offline). Nothing here
// hands out a secret: the password and hidden fields come as null (secrets.ts reveals them, audited).
import { CoreError } from '../backend/errors';
import type { VaultContext } from './context';
import type { OpenEntry } from './replica';

export interface EntrySummary {
  id: string;
  vaultId: string;
  title: string;
  username: string;
  url: string;
  category: string;
  version: number;
  updatedAt: string;
  /** Display name of who changed it last. */
  updatedBy: string;
  hasTotp: boolean;
  /** Failed to decrypt or verify: listed so nothing silently disappears, but opens nothing. */
  damaged: boolean;
  deletedAt: string | null;
  /** Created on this PC and still in the outbox: the server (and every other PC) has not got it yet. */
  pending: boolean;
}

export interface EntryDetail extends EntrySummary {
  notes: string;
  hasPassword: boolean;
  /** Hidden fields come with value null, like the password. */
  fields: { name: string; value: string | null; hidden: boolean }[];
  createdAt: string;
  createdBy: string;
  canEdit: boolean;
}

export class EntryViews {
  constructor(private readonly ctx: VaultContext) {}

  summary(e: OpenEntry): EntrySummary {
    return {
      id: e.id,
      vaultId: e.vaultId,
      title: e.entry.title,
      username: e.entry.username,
      url: e.entry.url,
      category: e.entry.category,
      version: e.version,
      updatedAt: e.updatedAt,
      updatedBy: this.ctx.nameOf(e.updatedBy),
      hasTotp: e.entry.totp !== '',
      damaged: this.ctx.replica.isDamaged(e.id),
      deletedAt: e.deletedAt,
      pending: this.ctx.replica.isPending(e.id),
    };
  }

  list(includeDeleted = false): EntrySummary[] {
    const out: EntrySummary[] = [];
    for (const e of this.ctx.replica.all()) if (includeDeleted || !e.deletedAt) out.push(this.summary(e));
    const known = new Set(out.map((s) => s.id));
    for (const d of this.ctx.replica.damagedEntries()) {
      if (known.has(d.id)) continue;
      out.push({
        id: d.id,
        vaultId: d.vaultId,
        title: '',
        username: '',
        url: '',
        category: '',
        version: d.version,
        updatedAt: d.updatedAt,
        updatedBy: '',
        hasTotp: false,
        damaged: true,
        deletedAt: null,
        pending: this.ctx.replica.isPending(d.id),
      });
    }
    return out.sort((a, b) => a.title.localeCompare(b.title));
  }

  search(query: string, limit = 50): EntrySummary[] {
    if (query.trim() === '') return this.list().slice(0, limit);
    const out: EntrySummary[] = [];
    for (const hit of this.ctx.replica.index.search(query, limit)) {
      const e = this.ctx.replica.get(hit.id);
      if (e && !e.deletedAt) out.push(this.summary(e));
    }
    return out;
  }

  openEntry(id: string): OpenEntry {
    if (this.ctx.replica.isDamaged(id)) throw new CoreError('damaged');
    const e = this.ctx.replica.get(id);
    if (!e) throw new CoreError('not_found');
    return e;
  }

  get(id: string): EntryDetail {
    const e = this.openEntry(id);
    return {
      ...this.summary(e),
      notes: e.entry.notes,
      hasPassword: e.entry.password !== '',
      fields: e.entry.fields.map((f) => ({
        name: f.name,
        value: f.hidden ? null : f.value,
        hidden: f.hidden,
      })),
      createdAt: e.createdAt,
      createdBy: this.ctx.nameOf(e.createdBy),
      canEdit: this.ctx.isAdmin(),
    };
  }
}
