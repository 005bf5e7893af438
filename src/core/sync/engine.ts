// Delta sync for one signed-in PC. Realtime pokes only say "pull"; the data always comes from a pull by seq
// after the vault's cursor, so a missed poke costs latency, never data (DESIGN.md §5). Rows are checked
// against the highest version seen (rollback) and handed to the vault layer, which decrypts and verifies
// them; only verified rows enter the cache.
//
// Realtime checks access to a channel only when it is joined or its token refreshed (supabase/realtime
// realtime_channel.ex), so a member whose access ends keeps receiving the pokes of a vault channel already
// joined. This engine therefore leaves vault channels itself: all of them on the member's `disabled` poke,
// the named one on a `grants` poke that deletes or revokes a grant; the core rejoins those it still holds
// once it has re-read the grants or the account (setVaults). What a member may read is decided by RLS at
// each pull, never by which channels it listens to.
import { z } from 'zod';
import type { Backend } from '../backend/client';
import { CoreError } from '../backend/errors';
import { type EntryRow, entryPokeSchema } from '../backend/rows';
import { Channels, type Presence } from './channels';
import type { LocalState } from './state';

export type Verdict = 'ok' | 'damaged';

export interface Change {
  id: string;
  vaultId: string;
  /** Who wrote the change (a user id), as the server says. */
  by: string | null;
  op: 'upsert' | 'delete';
}

export interface SyncHooks {
  /**
   * Decrypts and indexes a row (or forgets it when it is a tombstone); says whether it verified. `prev` is the
   * row last accepted for that id (a delete or restore is checked against it).
   */
  accept(row: EntryRow, prev: EntryRow | undefined): Verdict;
  changed(entries: Change[]): void;
  rollback(entryId: string, seen: number, offered: number): void;
  damaged(row: EntryRow): void;
  memberEvent(event: 'disabled' | 'grants' | 'profile' | 'devices'): void;
  officeEvent(event: 'policy' | 'profile'): void;
  presence(): void;
  connection(state: ConnectionState): void;
}

export interface ConnectionState {
  online: boolean;
  syncing: boolean;
  /** Every channel joined: pokes arrive, no polling needed. */
  live: boolean;
  /** The Realtime socket does not get through while pulls do (a proxy or firewall refusing WebSockets). */
  liveBlocked: boolean;
  lastSyncedAt: string | null;
}

export interface SyncOptions {
  pageSize?: number;
  /** Pull interval while the socket is not live; DESIGN.md says 30 s. */
  pollMs?: number;
  presence?: Presence;
}

const PAGE = 500;

// The member-channel poke of the grants trigger: which vault, and whether the grant was made or taken.
const grantsPokeSchema = z.object({ vault_id: z.string(), op: z.string() }).passthrough();
const GRANT_ENDED = new Set(['delete', 'revoke']);
/** How often a PC that cannot reach the server tries again, so that a recovery shows within seconds. */
const OFFLINE_CHECK_MS = 5_000;

export class SyncEngine {
  private readonly channels: Channels;
  private readonly running = new Map<string, Promise<void>>();
  private readonly again = new Set<string>();
  private vaults = new Set<string>();
  private timer: NodeJS.Timeout | null = null;
  private stopped = false;
  private readonly state: ConnectionState = {
    online: true,
    syncing: false,
    live: false,
    liveBlocked: false,
    lastSyncedAt: null,
  };
  private inFlight = 0;

  constructor(
    private readonly backend: Backend,
    private readonly local: LocalState,
    private readonly userId: string,
    private readonly hooks: SyncHooks,
    private readonly opts: SyncOptions = {},
  ) {
    this.channels = new Channels(backend, {
      status: (topic, live, wasLive) => this.channelStatus(topic, live, wasLive),
      presence: () => this.hooks.presence(),
    });
  }

  get connection(): ConnectionState {
    return { ...this.state };
  }

  /** Joins the member and office channels and one channel per vault, then pulls everything. */
  async start(vaultIds: string[]): Promise<void> {
    this.stopped = false;
    this.channels.join(`member:${this.userId}`, {
      disabled: () => {
        // Before anything else: no more pokes of any vault while the core checks the account.
        this.leaveVaults();
        this.hooks.memberEvent('disabled');
      },
      grants: (payload) => {
        const poke = grantsPokeSchema.safeParse(payload);
        if (poke.success && GRANT_ENDED.has(poke.data.op)) this.leaveVaults(poke.data.vault_id);
        this.hooks.memberEvent('grants');
      },
      profile: () => this.hooks.memberEvent('profile'),
      // One of this person's PCs signed in for the first time, or one was signed out.
      devices: () => this.hooks.memberEvent('devices'),
    });
    this.channels.join(
      'office',
      { policy: () => this.hooks.officeEvent('policy'), profile: () => this.hooks.officeEvent('profile') },
      this.opts.presence,
    );
    await this.setVaults(vaultIds);
    const every = this.opts.pollMs ?? 30_000;
    let last = Date.now();
    // While the server is known unreachable the beat is OFFLINE_CHECK_MS, so a recovery is noticed soon;
    // otherwise (Realtime not joined, the server answering) it stays at `every`, as before.
    this.timer = setInterval(
      () => {
        if (this.allLive()) return;
        if (this.state.online && Date.now() - last < every) return;
        last = Date.now();
        this.channels.rejoinClosed();
        void this.pullAll().catch(() => {});
      },
      Math.min(every, OFFLINE_CHECK_MS),
    );
    this.timer.unref?.();
  }

  /**
   * Follows grant changes: joins the vaults that have no channel (new ones, and those left on a poke that
   * are still held) and pulls them from their cursor; leaves and forgets the vaults no longer held.
   */
  async setVaults(vaultIds: string[]): Promise<void> {
    if (this.stopped) return;
    const next = new Set(vaultIds);
    for (const id of this.vaults) if (!next.has(id)) this.leaveVaults(id);
    const joining = [...next].filter((id) => !this.channels.has(`vault:${id}`));
    this.vaults = next;
    for (const id of joining) {
      await this.local.loadCursor(id);
      if (this.stopped || !this.vaults.has(id) || this.channels.has(`vault:${id}`)) continue;
      this.channels.join(`vault:${id}`, {
        entry: (payload) => {
          const poke = entryPokeSchema.safeParse(payload);
          // A malformed poke still means "something changed here": pull, which costs one request.
          if (poke.success && poke.data.seq <= (this.local.cursors.get(id) ?? 0)) return;
          void this.pull(id).catch(() => {});
        },
      });
    }
    await Promise.all(joining.map((id) => this.pull(id).catch(() => {})));
    this.publishState();
  }

  /**
   * Leaves one vault's channel, or every vault channel, at once. The vaults stay known (cursors, the poll
   * beat): until setVaults says otherwise they are pulled, and RLS decides what such a pull returns.
   */
  leaveVaults(vaultId?: string): void {
    this.channels.leave(
      (topic) => topic.startsWith('vault:') && (vaultId === undefined || topic === `vault:${vaultId}`),
    );
    this.publishState();
  }

  /** Topics of the channels this engine holds (joined or joining), for diagnostics and tests. */
  topics(): string[] {
    return this.channels.topics();
  }

  private channelStatus(topic: string, live: boolean, wasLive: boolean): void {
    // A (re)join may have missed pokes: catch up from the cursor, and re-read the grants.
    if (live && !wasLive && topic.startsWith('vault:')) void this.pull(topic.slice(6)).catch(() => {});
    if (live && !wasLive && topic.startsWith('member:')) this.hooks.memberEvent('grants');
    // The socket dropped a joined channel: one light pull says at once whether the server is gone,
    // rather than the next poll beat (one check for however many channels drop together).
    if (wasLive && !live) this.checkSoon();
    this.publishState();
  }

  presenceState(): Record<string, unknown[]> {
    return (this.channels.channel('office')?.presenceState() ?? {}) as Record<string, unknown[]>;
  }

  private checking: NodeJS.Timeout | null = null;

  private checkSoon(): void {
    if (this.checking || this.stopped) return;
    this.checking = setTimeout(() => {
      this.checking = null;
      if (!this.stopped) void this.pullAll().catch(() => {});
    }, 200);
    this.checking.unref?.();
  }

  /** Every channel joined, none missing: pokes arrive for every vault, no polling needed. */
  private allLive(): boolean {
    if (!this.channels.allJoined()) return false;
    for (const id of this.vaults) if (!this.channels.has(`vault:${id}`)) return false;
    return true;
  }

  private publishState(): void {
    this.state.live = this.allLive();
    this.state.liveBlocked = this.channels.socketBlocked() && this.state.online && !this.state.live;
    this.state.syncing = this.inFlight > 0;
    this.hooks.connection({ ...this.state });
  }

  async pullAll(): Promise<void> {
    await Promise.all([...this.vaults].map((id) => this.pull(id)));
  }

  /** Pulls one vault; concurrent requests fold into one more pass after the running one. */
  pull(vaultId: string): Promise<void> {
    const running = this.running.get(vaultId);
    if (running) {
      this.again.add(vaultId);
      return running;
    }
    const run = (async () => {
      try {
        do {
          this.again.delete(vaultId);
          await this.pullOnce(vaultId);
        } while (this.again.has(vaultId) && !this.stopped);
      } finally {
        this.running.delete(vaultId);
      }
    })();
    this.running.set(vaultId, run);
    return run;
  }

  private async pullOnce(vaultId: string): Promise<void> {
    this.inFlight += 1;
    this.publishState();
    try {
      for (;;) {
        if (this.stopped) return;
        const cursor = this.local.cursors.get(vaultId) ?? 0;
        const page = await this.backend.pullEntries(vaultId, cursor, this.opts.pageSize ?? PAGE);
        this.state.online = true;
        this.channels.pulled();
        this.applyPage(vaultId, page.rows);
        if (page.pageSize < (this.opts.pageSize ?? PAGE)) break;
      }
      this.state.lastSyncedAt = new Date().toISOString();
    } catch (err) {
      if (err instanceof CoreError && err.code === 'offline') this.state.online = false;
      throw err;
    } finally {
      this.inFlight -= 1;
      this.publishState();
    }
  }

  /** Applies one pulled page in seq order and moves the vault's cursor past it. */
  applyPage(vaultId: string, rows: EntryRow[]): void {
    let cursor = this.local.cursors.get(vaultId) ?? 0;
    const changed: Change[] = [];
    for (const row of rows) {
      if (row.seq > cursor) cursor = row.seq;
      const c = this.applyRow(vaultId, row);
      if (c) changed.push(c);
    }
    this.local.cursors.set(vaultId, cursor);
    void this.local.persist().catch(() => {});
    if (changed.length) this.hooks.changed(changed);
  }

  /**
   * Applies a row the server returned for this PC's own write. The cursor stays: rows of other writers with
   * a lower seq may still be uncommitted, and the next pull must not skip them.
   */
  applyOwn(row: EntryRow): void {
    this.applyOwnMany([row]);
  }

  /** Several own writes at once (an import batch): one save and one change event for all of them. */
  applyOwnMany(rows: EntryRow[]): void {
    const changed = rows.flatMap((row) => this.applyRow(row.vault_id, row) ?? []);
    void this.local.persist().catch(() => {});
    if (changed.length) this.hooks.changed(changed);
  }

  private applyRow(vaultId: string, row: EntryRow): Change | null {
    // A row filed under another vault than asked for is the server's word against the AD; the AD wins.
    if (row.vault_id !== vaultId) {
      this.markDamaged(row);
      return null;
    }
    const seen = this.local.seen.get(row.id);
    if (seen !== undefined && row.version < seen) {
      this.hooks.rollback(row.id, seen, row.version);
      return null;
    }
    const cached = this.local.rows.get(row.id);
    if (cached && cached.version === row.version && cached.seq === row.seq) return null;
    if (this.hooks.accept(row, cached) === 'damaged') {
      this.markDamaged(row);
      return null;
    }
    this.local.setRow(row);
    this.local.damaged.delete(row.id);
    return {
      id: row.id,
      vaultId,
      by: row.updated_by ?? row.created_by,
      op: row.deleted_at ? 'delete' : 'upsert',
    };
  }

  private markDamaged(row: EntryRow): void {
    this.local.damaged.set(row.id, { version: row.version, seq: row.seq });
    this.hooks.damaged(row);
  }

  /**
   * New keys arrived (a grant, a rotation): rows that failed before may open now. Moves the vault's cursor
   * back to just before the oldest of them and pulls again; rows already applied are skipped.
   */
  async retry(vaultId: string, damagedSeqs: number[]): Promise<void> {
    if (damagedSeqs.length === 0) return;
    await this.running.get(vaultId)?.catch(() => {});
    const from = Math.min(...damagedSeqs) - 1;
    if (from < (this.local.cursors.get(vaultId) ?? 0)) this.local.cursors.set(vaultId, from);
    await this.pull(vaultId);
  }

  async stop(): Promise<void> {
    this.stopped = true;
    if (this.timer) clearInterval(this.timer);
    if (this.checking) clearTimeout(this.checking);
    this.checking = null;
    this.timer = null;
    await this.channels.leaveAll();
    this.vaults.clear();
    await Promise.allSettled([...this.running.values()]);
  }
}
