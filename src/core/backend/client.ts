// Typed data access to the office server over @supabase/supabase-js. Every response is parsed with zod
// before it leaves the backend and every failure becomes a CoreError; nothing above it sees a raw server value
// or a server message. This facade composes the calls, grouped one idea a file: the connection
// (connection.ts), Auth (auth.ts), profiles and policy (profiles.ts), devices (devices.ts), vaults and grants (vaults.ts),
// entries (entries.ts), the audit log (audit.ts) and Realtime (realtime.ts).
import type { RealtimeChannel } from '@supabase/supabase-js';
import * as auditCalls from './audit';
import * as authCalls from './auth';
import { type BackendOptions, Connection } from './connection';
import * as deviceCalls from './devices';
import * as entryCalls from './entries';
import type { ErrorContext } from './errors';
import * as profileCalls from './profiles';
import * as realtimeCalls from './realtime';
import type {
  AuditRow,
  ColleagueRow,
  DeviceRow,
  EntryRow,
  GrantRow,
  HistoryRow,
  PolicyRow,
  ProfileRow,
  RevocationRow,
  VaultRow,
} from './rows';
import * as vaultCalls from './vaults';

export type { AuditQuery, ClientEventAction } from './audit';
export type { BackendOptions } from './connection';
export type { NewEntry } from './entries';
export type { ChannelHandlers, RealtimeStatus } from './realtime';
export type { NewGrant, RotatedEntry, RotatedGrant } from './vaults';

export class Backend {
  readonly url: string;
  private readonly c: Connection;

  constructor(opts: BackendOptions) {
    this.c = new Connection(opts);
    this.url = this.c.url;
  }

  get userId(): string | null {
    return this.c.signedInAs?.id ?? null;
  }

  get email(): string | null {
    return this.c.signedInAs?.email ?? null;
  }

  // ---- Auth ----

  prelogin(email: string): Promise<unknown> {
    return authCalls.prelogin(this.c, email);
  }

  signIn(email: string, password: string): Promise<{ id: string; email: string }> {
    return authCalls.signIn(this.c, email, password);
  }

  setAuthPassword(password: string): Promise<void> {
    return authCalls.setAuthPassword(this.c, password);
  }

  signOut(): Promise<void> {
    return authCalls.signOut(this.c);
  }

  /** Stops timers and sockets; the object is not used afterwards. */
  async dispose(): Promise<void> {
    await realtimeCalls.closeRealtime(this.c);
    await this.c.client.auth.stopAutoRefresh().catch(() => {});
  }

  // ---- Profiles, policy and devices ----

  ownProfile(): Promise<ProfileRow | null> {
    return profileCalls.ownProfile(this.c);
  }

  updateOwnProfile(fields: profileCalls.OwnProfileFields): Promise<ProfileRow> {
    return profileCalls.updateOwnProfile(this.c, fields);
  }

  profiles(): Promise<ProfileRow[]> {
    return profileCalls.profiles(this.c);
  }

  colleagues(): Promise<ColleagueRow[]> {
    return profileCalls.colleagues(this.c);
  }

  recoveryKit(): Promise<unknown> {
    return profileCalls.recoveryKit(this.c);
  }

  policy(): Promise<PolicyRow | null> {
    return profileCalls.policy(this.c);
  }

  registerDevice(device: deviceCalls.DeviceReport, fresh: boolean): Promise<{ added: boolean }> {
    return deviceCalls.registerDevice(this.c, device, fresh);
  }

  revokeDevice(id: string): Promise<void> {
    return deviceCalls.revokeDevice(this.c, id);
  }

  deviceStatus(id: string): Promise<'active' | 'revoked' | 'unknown'> {
    return deviceCalls.deviceStatus(this.c, id);
  }

  devices(): Promise<DeviceRow[]> {
    return deviceCalls.devices(this.c);
  }

  // ---- Vaults and grants ----

  vaults(): Promise<VaultRow[]> {
    return vaultCalls.vaults(this.c);
  }

  createVault(name: string): Promise<VaultRow> {
    return vaultCalls.createVault(this.c, name);
  }

  ownGrants(): Promise<GrantRow[]> {
    return vaultCalls.ownGrants(this.c);
  }

  grantsForVault(vaultId: string): Promise<GrantRow[]> {
    return vaultCalls.grantsForVault(this.c, vaultId);
  }

  revocations(): Promise<RevocationRow[]> {
    return vaultCalls.revocations(this.c);
  }

  insertRevocation(r: RevocationRow): Promise<void> {
    return vaultCalls.insertRevocation(this.c, r);
  }

  insertGrants(grants: vaultCalls.NewGrant[]): Promise<void> {
    return vaultCalls.insertGrants(this.c, grants);
  }

  rotateVaultKey(
    vaultId: string,
    oldVersion: number,
    entries: vaultCalls.RotatedEntry[],
    grants: vaultCalls.RotatedGrant[],
  ): Promise<void> {
    return vaultCalls.rotateVaultKey(this.c, vaultId, oldVersion, entries, grants);
  }

  // ---- Entries ----

  pullEntries(
    vaultId: string,
    afterSeq: number,
    limit: number,
  ): Promise<{ rows: EntryRow[]; rejected: number; pageSize: number }> {
    return entryCalls.pullEntries(this.c, vaultId, afterSeq, limit);
  }

  allEntries(vaultId: string): Promise<EntryRow[]> {
    return entryCalls.allEntries(this.c, vaultId);
  }

  insertEntry(entry: entryCalls.NewEntry): Promise<EntryRow> {
    return entryCalls.insertEntry(this.c, entry);
  }

  insertEntries(entries: entryCalls.NewEntry[]): Promise<EntryRow[]> {
    return entryCalls.insertEntries(this.c, entries);
  }

  updateEntry(id: string, baseVersion: number, envelope: unknown, keyVersion: number): Promise<EntryRow> {
    return entryCalls.updateEntry(this.c, id, baseVersion, envelope, keyVersion);
  }

  setEntryDeleted(change: entryCalls.DeletedChange): Promise<EntryRow> {
    return entryCalls.setEntryDeleted(this.c, change);
  }

  history(entryId: string): Promise<HistoryRow[]> {
    return entryCalls.history(this.c, entryId);
  }

  purgeEntry(id: string): Promise<void> {
    return entryCalls.purgeEntry(this.c, id);
  }

  tombstones(): Promise<entryCalls.TombstoneRow[]> {
    return entryCalls.tombstones(this.c);
  }

  // ---- Audit ----

  logEvent(action: auditCalls.ClientEventAction, entryId: string | null): Promise<void> {
    return auditCalls.logEvent(this.c, action, entryId);
  }

  logImport(vaultId: string, count: number, format: string): Promise<void> {
    return auditCalls.logImport(this.c, vaultId, count, format);
  }

  logExport(vaultId: string, count: number, format: string): Promise<void> {
    return auditCalls.logExport(this.c, vaultId, count, format);
  }

  audit(q: auditCalls.AuditQuery = {}): Promise<AuditRow[]> {
    return auditCalls.audit(this.c, q);
  }

  // ---- Edge functions ----

  invoke(name: string, body: Record<string, unknown>, ctx?: ErrorContext): Promise<unknown> {
    return this.c.invoke(name, body, ctx);
  }

  // ---- Realtime ----

  subscribe(topic: string, handlers: realtimeCalls.ChannelHandlers, presenceKey?: string): RealtimeChannel {
    return realtimeCalls.subscribe(this.c, topic, handlers, presenceKey);
  }

  socketOpen(): boolean {
    return realtimeCalls.socketOpen(this.c);
  }

  unsubscribe(channel: RealtimeChannel): Promise<void> {
    return realtimeCalls.unsubscribe(this.c, channel);
  }
}
