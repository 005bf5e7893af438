// Typed data access to the office server over @supabase/supabase-js. Every response is parsed with zod
// before it leaves this module and every failure becomes a CoreError; nothing above this file sees a raw
// server value or a server message.
import { randomUUID } from 'node:crypto';
import { createClient, type RealtimeChannel, type SupabaseClient } from '@supabase/supabase-js';
import { z } from 'zod';
import type { StateProof } from '../crypto/entry-state';
import type { KeyCertificate } from '../crypto/trust';
import { CoreError, type ErrorContext, mapServerError } from './errors';
import type { Network } from './network/network';
import {
  type AuditRow,
  auditRowSchema,
  type ColleagueRow,
  colleagueRowSchema,
  type DeviceRow,
  deviceRowSchema,
  type EntryRow,
  entryRowSchema,
  type GrantRow,
  grantRowSchema,
  type HistoryRow,
  historyRowSchema,
  type PolicyRow,
  type ProfileRow,
  parseRows,
  policyRowSchema,
  profileRowSchema,
  type RevocationRow,
  revocationRowSchema,
  type VaultRow,
  vaultRowSchema,
} from './rows';

export interface BackendOptions {
  url: string;
  /** The project's publishable key (`sb_publishable_…`), or its legacy anon key. */
  publishableKey: string;
  /** Where fetch and the Realtime socket come from: one route for REST, Auth, Functions and Realtime. */
  network: Network;
}

const COLLEAGUE_COLUMNS =
  'id,email,display_name,role,status,x25519_public,ed25519_public,key_certificate,confirmed_at';
const PROFILE_COLUMNS = `${COLLEAGUE_COLUMNS},kdf,wrapped_keys,enrolled_at,confirmed_by,created_at`;
const ENTRY_COLUMNS =
  'id,vault_id,envelope,key_version,version,seq,created_by,created_at,updated_by,updated_at,deleted_at,state_proof';
const GRANT_COLUMNS =
  'id,vault_id,member_id,key_version,sealed_key,member_public,granted_by,signature,revoked_at';
const POLICY_COLUMNS =
  'min_version,latest_version,critical,release_notes,auto_lock_minutes,allow_stay_unlocked,office_root_id,office_root_public,root_holder,updated_at';

export interface NewEntry {
  id: string;
  vault_id: string;
  envelope: unknown;
  key_version: number;
}

/** A grant as rotate_vault_key takes it (the vault, key version and signer are implied). */
export interface RotatedGrant {
  member_id: string;
  member_public: string;
  sealed_key: string;
  signature: string;
}

export interface NewGrant extends RotatedGrant {
  vault_id: string;
  key_version: number;
  granted_by: string;
}

export interface RotatedEntry {
  id: string;
  base_version: number;
  envelope: unknown;
  /** A tombstone's delete proof for the rotated row; null keeps a live row's proof. */
  state_proof: StateProof | null;
}

export type ClientEventAction =
  | 'entry.reveal'
  | 'entry.copy'
  | 'entry.copy_username'
  | 'entry.totp'
  | 'vault.export';

export interface AuditQuery {
  actorId?: string;
  entryId?: string;
  action?: string;
  actions?: string[];
  /** Only rows with a smaller id (paging newest-first). */
  before?: string;
  /** ISO times, inclusive. */
  from?: string;
  to?: string;
  limit?: number;
}

/** Result of one failed or successful PostgREST / RPC call, as supabase-js returns it. */
interface Response {
  data: unknown;
  error: unknown;
}

export type RealtimeStatus = 'SUBSCRIBED' | 'TIMED_OUT' | 'CLOSED' | 'CHANNEL_ERROR';

export interface ChannelHandlers {
  /** Broadcast events by name; the payload is untrusted and parsed by the caller. */
  broadcast: Record<string, (payload: unknown) => void>;
  status?: (status: RealtimeStatus) => void;
  presence?: () => void;
}

function check(res: Response, ctx?: ErrorContext): unknown {
  if (res.error) throw mapServerError(res.error, ctx);
  return res.data;
}

function one<T>(schema: z.ZodType<T>, data: unknown): T {
  const r = schema.safeParse(Array.isArray(data) ? data[0] : data);
  if (!r.success) throw new CoreError('damaged');
  return r.data;
}

function many<T>(schema: z.ZodType<T>, data: unknown): T[] {
  // Listing calls fail closed: a list with a malformed row is refused whole, except for entries (see pull).
  const { rows, rejected } = parseRows(schema, data);
  if (rejected > 0) throw new CoreError('damaged');
  return rows;
}

const sessionSchema = z.object({
  access_token: z.string().min(1),
  user: z.object({ id: z.uuid(), email: z.string().max(254).optional() }),
});

export class Backend {
  readonly url: string;
  private readonly client: SupabaseClient;
  private signedInAs: { id: string; email: string } | null = null;

  constructor(opts: BackendOptions) {
    this.url = opts.url;
    this.client = createClient(opts.url, opts.publishableKey, {
      global: { fetch: retryStaleSocket(opts.network.fetch) },
      auth: { persistSession: false, autoRefreshToken: true, detectSessionInUrl: false },
      // Realtime's own HTTP calls (broadcast over REST) take the same route as everything else: realtime-js
      // falls back to the global fetch otherwise, which would go around the proxy and Chromium's certificates.
      realtime: {
        transport: opts.network.WebSocket as never,
        fetch: opts.network.fetch,
        heartbeatIntervalMs: 15_000,
      },
    });
  }

  get userId(): string | null {
    return this.signedInAs?.id ?? null;
  }

  get email(): string | null {
    return this.signedInAs?.email ?? null;
  }

  private requireUser(): string {
    if (!this.signedInAs) throw new CoreError('not_signed_in');
    return this.signedInAs.id;
  }

  // ---- Auth ----

  async signIn(email: string, password: string): Promise<{ id: string; email: string }> {
    let res: Awaited<ReturnType<SupabaseClient['auth']['signInWithPassword']>>;
    try {
      res = await this.client.auth.signInWithPassword({ email, password });
    } catch (err) {
      throw mapServerError(err);
    }
    if (res.error) throw mapServerError(res.error);
    const s = sessionSchema.safeParse(res.data.session);
    if (!s.success) throw new CoreError('internal');
    this.signedInAs = { id: s.data.user.id, email: s.data.user.email ?? email };
    await this.client.realtime.setAuth(s.data.access_token);
    return this.signedInAs;
  }

  /** Changes the Supabase Auth password (the derived authSecret, never the master password). */
  async setAuthPassword(password: string): Promise<void> {
    this.requireUser();
    const res = await this.client.auth.updateUser({ password }).catch((err: unknown) => ({ error: err }));
    if (res.error) throw mapServerError(res.error);
  }

  async signOut(): Promise<void> {
    await this.closeRealtime();
    if (this.signedInAs) await this.client.auth.signOut({ scope: 'local' }).catch(() => {});
    this.signedInAs = null;
  }

  /** Stops timers and sockets; the object is not used afterwards. */
  async dispose(): Promise<void> {
    await this.closeRealtime();
    await this.client.auth.stopAutoRefresh().catch(() => {});
  }

  private async call(run: () => PromiseLike<Response>, ctx?: ErrorContext): Promise<unknown> {
    let res: Response;
    try {
      res = await run();
    } catch (err) {
      throw mapServerError(err, ctx);
    }
    return check(res, ctx);
  }

  // ---- Profiles and policy ----

  /** The own profile, or null when the server shows none (a disabled account sees nothing). */
  async ownProfile(): Promise<ProfileRow | null> {
    const id = this.requireUser();
    const data = await this.call(() =>
      this.client.from('profiles').select(PROFILE_COLUMNS).eq('id', id).limit(1),
    );
    if (Array.isArray(data) && data.length === 0) return null;
    return one(profileRowSchema, data);
  }

  async updateOwnProfile(fields: {
    x25519_public?: string;
    ed25519_public?: string;
    kdf?: unknown;
    wrapped_keys?: unknown;
    key_certificate?: KeyCertificate;
    display_name?: string;
  }): Promise<ProfileRow> {
    const id = this.requireUser();
    const data = await this.call(() =>
      this.client.from('profiles').update(fields).eq('id', id).select(PROFILE_COLUMNS),
    );
    if (Array.isArray(data) && data.length === 0) throw new CoreError('forbidden');
    return one(profileRowSchema, data);
  }

  /** Every profile with all columns (admins only; RLS returns only the own row to others). */
  async profiles(): Promise<ProfileRow[]> {
    const data = await this.call(() => this.client.from('profiles').select(PROFILE_COLUMNS).order('email'));
    return many(profileRowSchema, data);
  }

  async colleagues(): Promise<ColleagueRow[]> {
    const data = await this.call(() => this.client.from('colleagues').select(COLLEAGUE_COLUMNS));
    return many(colleagueRowSchema, data);
  }

  /** The office recovery kit as the server keeps it (untrusted: crypto/recovery-kit.ts opens it), or null. */
  async recoveryKit(): Promise<unknown> {
    const data = await this.call(() => this.client.from('client_policy').select('recovery_kit').limit(1));
    return Array.isArray(data)
      ? ((data[0] as { recovery_kit?: unknown } | undefined)?.recovery_kit ?? null)
      : null;
  }

  async policy(): Promise<PolicyRow | null> {
    const data = await this.call(() => this.client.from('client_policy').select(POLICY_COLUMNS).limit(1));
    if (Array.isArray(data) && data.length === 0) return null;
    return one(policyRowSchema, data);
  }

  // ---- Vaults and grants ----

  async vaults(): Promise<VaultRow[]> {
    const data = await this.call(() =>
      this.client.from('vaults').select('id,name,key_version').order('name'),
    );
    return many(vaultRowSchema, data);
  }

  /**
   * The id is chosen here and the row read back separately: the vaults select policy goes through a stable
   * function that cannot see the row its own INSERT … RETURNING is adding, so RETURNING is refused.
   */
  async createVault(name: string): Promise<VaultRow> {
    const id = randomUUID();
    await this.call(() => this.client.from('vaults').insert({ id, name }), {
      forbidden: 'Only an admin can create a vault.',
    });
    const data = await this.call(() => this.client.from('vaults').select('id,name,key_version').eq('id', id));
    return one(vaultRowSchema, data);
  }

  /** The signed-in user's live grants (admins see everyone's; the filter keeps the own ones). */
  async ownGrants(): Promise<GrantRow[]> {
    const id = this.requireUser();
    const data = await this.call(() =>
      this.client.from('vault_grants').select(GRANT_COLUMNS).eq('member_id', id).is('revoked_at', null),
    );
    return many(grantRowSchema, data);
  }

  async grantsForVault(vaultId: string): Promise<GrantRow[]> {
    const data = await this.call(() =>
      this.client.from('vault_grants').select(GRANT_COLUMNS).eq('vault_id', vaultId).is('revoked_at', null),
    );
    return many(grantRowSchema, data);
  }

  async revocations(): Promise<RevocationRow[]> {
    const data = await this.call(() =>
      this.client.from('key_revocations').select('user_id,certificate,revoked_by,signature'),
    );
    return many(revocationRowSchema, data);
  }

  /** Idempotent: revoking a certificate that is already revoked changes nothing. */
  async insertRevocation(r: RevocationRow): Promise<void> {
    try {
      await this.call(() => this.client.from('key_revocations').insert(r), {
        forbidden: 'Only an admin can revoke a certificate.',
      });
    } catch (err) {
      if (!(err instanceof CoreError && err.code === 'conflict')) throw err;
    }
  }

  async insertGrants(grants: NewGrant[]): Promise<void> {
    if (grants.length === 0) return;
    await this.call(() => this.client.from('vault_grants').insert(grants), {
      forbidden: 'Only an admin can grant access to a vault.',
    });
  }

  // ---- Entries ----

  /** One page of the delta: rows of one vault after a cursor, in seq order. Malformed rows are counted. */
  async pullEntries(
    vaultId: string,
    afterSeq: number,
    limit: number,
  ): Promise<{ rows: EntryRow[]; rejected: number; pageSize: number }> {
    const data = await this.call(() =>
      this.client
        .from('entries')
        .select(ENTRY_COLUMNS)
        .eq('vault_id', vaultId)
        .gt('seq', afterSeq)
        .order('seq', { ascending: true })
        .limit(limit)
        // postgrest-js retries a failed GET three times (1 s, 2 s, 4 s): 7 s before an outage shows. A pull
        // is repeated by the sync engine anyway, so it fails at once and the PC says it is offline.
        .retry(false),
    );
    const pageSize = Array.isArray(data) ? data.length : 0;
    return { ...parseRows(entryRowSchema, data), pageSize };
  }

  async allEntries(vaultId: string): Promise<EntryRow[]> {
    const out: EntryRow[] = [];
    let cursor = 0;
    for (;;) {
      const page = await this.pullEntries(vaultId, cursor, 1000);
      out.push(...page.rows);
      if (page.pageSize < 1000) return out;
      cursor = page.rows.at(-1)?.seq ?? cursor;
    }
  }

  async insertEntry(entry: NewEntry): Promise<EntryRow> {
    const data = await this.call(() => this.client.from('entries').insert(entry).select(ENTRY_COLUMNS), {
      forbidden: 'You cannot add entries to this vault.',
    });
    return one(entryRowSchema, data);
  }

  /** One request for many rows (an import): RLS and the insert triggers still see each row. */
  async insertEntries(entries: NewEntry[]): Promise<EntryRow[]> {
    if (entries.length === 0) return [];
    const data = await this.call(() => this.client.from('entries').insert(entries).select(ENTRY_COLUMNS), {
      forbidden: 'You cannot add entries to this vault.',
    });
    const rows = many(entryRowSchema, data);
    if (rows.length !== entries.length) throw new CoreError('damaged');
    return rows;
  }

  async updateEntry(
    id: string,
    baseVersion: number,
    envelope: unknown,
    keyVersion: number,
  ): Promise<EntryRow> {
    const data = await this.call(
      () =>
        this.client.rpc('update_entry', {
          p_id: id,
          p_base_version: baseVersion,
          p_envelope: envelope,
          p_key_version: keyVersion,
        }),
      { forbidden: 'Only an admin can change this entry.' },
    );
    return this.changedRow(data, 'Only an admin can change this entry.');
  }

  /** A delete or restore: the ciphertext re-written for the new state and the admin's proof, in one call. */
  async setEntryDeleted(change: {
    id: string;
    baseVersion: number;
    deleted: boolean;
    envelope: unknown;
    keyVersion: number;
    proof: StateProof;
  }): Promise<EntryRow> {
    const msg = change.deleted
      ? 'Only an admin can delete this entry.'
      : 'Only an admin can restore this entry.';
    const data = await this.call(
      () =>
        this.client.rpc('set_entry_deleted', {
          p_id: change.id,
          p_base_version: change.baseVersion,
          p_deleted: change.deleted,
          p_envelope: change.envelope,
          p_key_version: change.keyVersion,
          p_proof: change.proof,
        }),
      { forbidden: msg },
    );
    return this.changedRow(data, msg);
  }

  // RLS hides the row from a member's UPDATE, so the RPC returns nothing instead of raising: a refusal.
  private changedRow(data: unknown, forbidden: string): EntryRow {
    if (data === null || (Array.isArray(data) && data.length === 0))
      throw new CoreError('forbidden', forbidden);
    return one(entryRowSchema, data);
  }

  async history(entryId: string): Promise<HistoryRow[]> {
    const data = await this.call(
      () =>
        this.client
          .from('entry_history')
          .select('entry_id,vault_id,envelope,key_version,version,changed_by,changed_at,deleted_at')
          .eq('entry_id', entryId)
          .order('version', { ascending: false }),
      { forbidden: 'Only an admin can see the history of an entry.' },
    );
    return parseRows(historyRowSchema, data).rows;
  }

  async rotateVaultKey(
    vaultId: string,
    oldVersion: number,
    entries: RotatedEntry[],
    grants: RotatedGrant[],
  ): Promise<void> {
    await this.call(
      () =>
        this.client.rpc('rotate_vault_key', {
          p_vault_id: vaultId,
          p_old_version: oldVersion,
          p_entries: entries,
          p_grants: grants,
        }),
      { forbidden: 'Only an admin can rotate a vault key.' },
    );
  }

  // ---- Audit and devices ----

  async logEvent(action: ClientEventAction, entryId: string | null): Promise<void> {
    await this.call(() => this.client.rpc('log_event', { p_action: action, p_entry_id: entryId }));
  }

  /** The one audit event of an import (the entries themselves are audited one by one by the server). */
  async logImport(vaultId: string, count: number, format: string): Promise<void> {
    await this.call(() =>
      this.client.rpc('log_import', { p_vault_id: vaultId, p_count: count, p_format: format }),
    );
  }

  async audit(q: AuditQuery = {}): Promise<AuditRow[]> {
    const data = await this.call(
      () => {
        let b = this.client
          .from('audit_log')
          .select('id,at,actor_id,actor_email,action,entry_id,vault_id,target_user_id,details');
        if (q.actorId) b = b.eq('actor_id', q.actorId);
        if (q.entryId) b = b.eq('entry_id', q.entryId);
        if (q.action) b = b.eq('action', q.action);
        if (q.actions) b = b.in('action', q.actions);
        if (q.before) b = b.lt('id', q.before);
        if (q.from) b = b.gte('at', q.from);
        if (q.to) b = b.lte('at', q.to);
        return b.order('id', { ascending: false }).limit(q.limit ?? 1000);
      },
      { forbidden: 'Only an admin can read the audit log.' },
    );
    return many(auditRowSchema, data);
  }

  /**
   * Registers this PC under the signed-in session (supabase/migrations: register_device). `fresh`: the app holds
   * nothing of this account yet (a first sign-in), which is what may clear an earlier revocation of this PC.
   */
  async registerDevice(
    device: { id: string; name: string; platform: string; app_version: string },
    fresh: boolean,
  ): Promise<{ added: boolean }> {
    this.requireUser();
    const data = await this.call(() =>
      this.client.rpc('register_device', {
        p_id: device.id,
        // devices_fields_size bounds the name at 200 characters; a long host name is cut, not refused.
        p_name: device.name.slice(0, 200),
        p_platform: device.platform.slice(0, 32),
        p_app_version: device.app_version.slice(0, 64),
        p_fresh: fresh,
      }),
    );
    const parsed = z.object({ new: z.boolean() }).safeParse(data);
    if (!parsed.success) throw new CoreError('internal');
    return { added: parsed.data.new };
  }

  /** Signs a PC out for good: the owner's other PC, or any PC for an admin (revoke_device). */
  async revokeDevice(id: string): Promise<void> {
    this.requireUser();
    await this.call(() => this.client.rpc('revoke_device', { p_id: id }), {
      forbidden: 'You can sign out only your own PCs; an administrator can sign out any.',
      notFound: 'That PC is not listed any more.',
    });
  }

  /** Whether this PC was revoked: readable even by a session the revocation shut out (my_device_status). */
  async deviceStatus(id: string): Promise<'active' | 'revoked' | 'unknown'> {
    this.requireUser();
    const data = await this.call(() => this.client.rpc('my_device_status', { p_id: id }));
    const parsed = z.enum(['active', 'revoked', 'unknown']).safeParse(data);
    if (!parsed.success) throw new CoreError('internal');
    return parsed.data;
  }

  /** The KDF parameters for an email before any sign-in (prelogin): real ones, or stable fake ones. */
  async prelogin(email: string): Promise<unknown> {
    return this.call(() => this.client.rpc('prelogin', { p_email: email.trim().toLowerCase() }));
  }

  async devices(): Promise<DeviceRow[]> {
    const data = await this.call(() =>
      this.client
        .from('devices')
        .select('id,user_id,name,platform,app_version,last_seen,created_at,revoked_at'),
    );
    return many(deviceRowSchema, data);
  }

  // ---- Edge functions ----

  /** Calls an edge function; its failures are {error: {code, message}} (DESIGN.md §6). */
  async invoke(name: string, body: Record<string, unknown>, ctx?: ErrorContext): Promise<unknown> {
    let res: { data: unknown; error: unknown };
    try {
      res = await this.client.functions.invoke(name, { body });
    } catch (err) {
      throw mapServerError(err, ctx);
    }
    if (res.error) throw mapServerError(await functionError(res.error), ctx);
    return res.data;
  }

  // ---- Realtime ----

  /** Joins a private broadcast channel; returns a function that leaves it. */
  subscribe(topic: string, handlers: ChannelHandlers, presenceKey?: string): RealtimeChannel {
    const channel = this.client.channel(topic, {
      config: {
        private: true,
        broadcast: { self: true },
        ...(presenceKey ? { presence: { key: presenceKey } } : {}),
      },
    });
    for (const [event, cb] of Object.entries(handlers.broadcast)) {
      channel.on('broadcast', { event }, (msg: { payload?: unknown }) => cb(msg.payload));
    }
    if (handlers.presence) channel.on('presence', { event: 'sync' }, handlers.presence);
    channel.subscribe((status) => handlers.status?.(status as RealtimeStatus));
    return channel;
  }

  /** Realtime's socket is open (a channel error with it closed is the network, not a refused join). */
  socketOpen(): boolean {
    return this.client.realtime.isConnected();
  }

  async unsubscribe(channel: RealtimeChannel): Promise<void> {
    await this.client.removeChannel(channel).catch(() => {});
  }

  private async closeRealtime(): Promise<void> {
    await this.client.removeAllChannels().catch(() => {});
    this.client.realtime.disconnect();
  }

  // ---- Trash and export (issue 16) ----

  /** Removes a tombstone for good (admins); its history and audit rows stay on the server. */
  async purgeEntry(id: string): Promise<void> {
    await this.call(() => this.client.rpc('purge_entry', { p_id: id }), {
      forbidden: 'Only an admin can purge an entry.',
      notFound: 'That entry is no longer in the trash.',
    });
  }

  /** The tombstones the server holds (admins read every vault): ids only, the rows come through sync. */
  async tombstones(): Promise<{ id: string; vault_id: string; deleted_by: string | null }[]> {
    const data = await this.call(() =>
      this.client
        .from('entries')
        .select('id,vault_id,deleted_by')
        .not('deleted_at', 'is', null)
        .limit(10_000),
    );
    return z.array(tombstoneSchema).parse(data);
  }

  /** The one audit event of an export: vault, how many entries, which format (admins). */
  async logExport(vaultId: string, count: number, format: string): Promise<void> {
    await this.call(
      () => this.client.rpc('log_export', { p_vault_id: vaultId, p_count: count, p_format: format }),
      { forbidden: 'Only an admin can export a vault.' },
    );
  }
}

/**
 * A kept-alive connection the server closed while idle fails the next request at once ("other side closed")
 * before the server has read it; that one failure is retried on a fresh connection. Anything else, and a
 * second failure, is reported as it is (offline).
 */
function retryStaleSocket(fetch: typeof globalThis.fetch): typeof globalThis.fetch {
  return async (input, init) => {
    try {
      return await fetch(input, init);
    } catch (err) {
      const cause = (err as { cause?: { code?: unknown; message?: unknown } }).cause;
      if (cause?.code !== 'UND_ERR_SOCKET' || cause.message !== 'other side closed') throw err;
      return fetch(input, init);
    }
  };
}

const tombstoneSchema = z.object({ id: z.uuid(), vault_id: z.uuid(), deleted_by: z.uuid().nullable() });

const functionErrorBody = z.object({ error: z.object({ code: z.string().max(64), message: z.string() }) });

// FunctionsHttpError carries the Response; its JSON body holds the function's own error code.
async function functionError(err: unknown): Promise<unknown> {
  const ctx = (err as { context?: unknown }).context;
  if (ctx && typeof (ctx as { json?: unknown }).json === 'function') {
    const res = ctx as globalThis.Response;
    const body = functionErrorBody.safeParse(await res.json().catch(() => null));
    if (body.success)
      return { code: body.data.error.code, status: res.status, message: body.data.error.message };
    return { status: res.status };
  }
  return err;
}
