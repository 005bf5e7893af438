// Office administration beyond the member list: the audit log, the office's PCs, and the client policy
// (releases, minimum version, auto-lock). Reads go through RLS (admins only); writes go through the
// `app-updates` edge function, which checks the admin again. Entry titles in the log are decrypted here, on
// this PC: the server only ever holds ids.
import { z } from 'zod';
import type { Backend } from '../backend/client';
import { CoreError } from '../backend/errors';
import type { AuditRow, PolicyRow } from '../backend/rows';
import { onlineDevices, type PresenceClaim } from '../sync/presence';

export interface AuditFilter {
  actorId?: string;
  entryId?: string;
  action?: string;
  from?: string;
  to?: string;
}

export interface AuditEntry {
  id: string;
  at: string;
  actorId: string | null;
  actorEmail: string;
  action: string;
  entryId: string | null;
  /** Null when the entry no longer opens on this PC (deleted for good, or a vault this admin lacks). */
  entryTitle: string | null;
  targetEmail: string | null;
  details: string;
}

export interface OfficeDevice {
  id: string;
  userId: string;
  userEmail: string;
  userName: string;
  name: string;
  platform: string;
  appVersion: string;
  lastSeen: string | null;
  /** When it was signed out for good (by its owner from another PC, or by an admin); null while in use. */
  revokedAt: string | null;
  online: boolean;
}

export interface OfficePolicy {
  minVersion: string | null;
  latestVersion: string | null;
  critical: boolean;
  releaseNotes: string;
  autoLockMinutes: number;
  allowStayUnlocked: boolean;
  updatedAt: string | null;
}

export interface OfficeContext {
  backend: Backend;
  isAdmin(): boolean;
  /** Who says they are on the office presence channel now, and from which PC (own claims only). */
  presence(): PresenceClaim[];
  titleOf(entryId: string): string | null;
  /** This PC's device id (it is not signed out from here). */
  deviceId: string;
}

const DETAILS_MAX = 2000;
const PAGE = 1000;

// What app-updates answers; the function is a trust boundary like any server reply.
const functionPolicySchema = z.object({
  policy: z.object({
    min_version: z.string().max(64).nullable(),
    latest_version: z.string().max(64).nullable(),
    critical: z.boolean(),
    release_notes: z.string().max(10_000).nullable(),
    auto_lock_minutes: z
      .number()
      .int()
      .min(1)
      .max(24 * 60),
    allow_stay_unlocked: z.boolean(),
  }),
});

type PolicyFields = Omit<PolicyRow, 'office_root_id' | 'office_root_public' | 'updated_at'> & {
  updated_at?: string | null;
};

function toPolicy(p: PolicyFields): OfficePolicy {
  return {
    minVersion: p.min_version,
    latestVersion: p.latest_version,
    critical: p.critical,
    releaseNotes: p.release_notes ?? '',
    autoLockMinutes: p.auto_lock_minutes,
    allowStayUnlocked: p.allow_stay_unlocked,
    updatedAt: p.updated_at ?? null,
  };
}

function detailsText(details: unknown): string {
  if (details === null || details === undefined) return '';
  const text = typeof details === 'string' ? details : JSON.stringify(details);
  return text.length > DETAILS_MAX ? `${text.slice(0, DETAILS_MAX - 1)}…` : text;
}

export class OfficeAdmin {
  constructor(private readonly ctx: OfficeContext) {}

  private requireAdmin(what: string): void {
    if (!this.ctx.isAdmin()) throw new CoreError('forbidden', `Only an admin can ${what}.`);
  }

  /** One page of the log, newest first; `nextBefore` continues it (null at the oldest row). */
  async audit(
    filter: AuditFilter,
    page: { before?: string; limit?: number } = {},
  ): Promise<{ events: AuditEntry[]; nextBefore: string | null }> {
    this.requireAdmin('read the audit log');
    const limit = page.limit ?? 100;
    const rows = await this.ctx.backend.audit({
      ...filter,
      ...(page.before ? { before: page.before } : {}),
      limit,
    });
    const events = await this.describe(rows);
    const last = rows.at(-1);
    return { events, nextBefore: rows.length === limit && last ? String(last.id) : null };
  }

  /** Every row the filter matches, newest first (for the CSV export). */
  async auditAll(filter: AuditFilter): Promise<AuditEntry[]> {
    this.requireAdmin('export the audit log');
    const rows: AuditRow[] = [];
    let before: string | undefined;
    for (;;) {
      const batch = await this.ctx.backend.audit({ ...filter, ...(before ? { before } : {}), limit: PAGE });
      rows.push(...batch);
      if (batch.length < PAGE) break;
      before = String(batch.at(-1)?.id);
    }
    return this.describe(rows);
  }

  private async describe(rows: AuditRow[]): Promise<AuditEntry[]> {
    const needsPeople = rows.some((r) => r.target_user_id !== null);
    const emails = new Map(
      needsPeople ? (await this.ctx.backend.profiles()).map((p) => [p.id, p.email] as const) : [],
    );
    return rows.map((r) => ({
      id: String(r.id),
      at: r.at,
      actorId: r.actor_id,
      actorEmail: r.actor_email ?? '',
      action: r.action,
      entryId: r.entry_id,
      entryTitle: r.entry_id ? this.ctx.titleOf(r.entry_id) : null,
      targetEmail: r.target_user_id ? (emails.get(r.target_user_id) ?? null) : null,
      details: detailsText(r.details),
    }));
  }

  /** Every PC that has signed in, with who uses it and whether it is connected now. */
  async devices(): Promise<OfficeDevice[]> {
    this.requireAdmin('list the office PCs');
    const [devices, profiles] = await Promise.all([this.ctx.backend.devices(), this.ctx.backend.profiles()]);
    const people = new Map(profiles.map((p) => [p.id, p]));
    // Everything shown comes from the rows the database wrote for each device's user; presence only lights
    // "online" for a row its own user claims, and never for a person who is not active: a disabled person's
    // client may ignore the kick and keep claiming (docs/security.md, "Presence is only a hint").
    const claimed = onlineDevices(this.ctx.presence());
    const online = (d: { id: string; user_id: string }) =>
      people.get(d.user_id)?.status === 'active' && claimed(d);
    return devices
      .map((d) => ({
        id: d.id,
        userId: d.user_id,
        userEmail: people.get(d.user_id)?.email ?? '',
        userName: people.get(d.user_id)?.display_name ?? '',
        name: d.name,
        platform: d.platform,
        appVersion: d.app_version,
        lastSeen: d.last_seen,
        revokedAt: d.revoked_at,
        online: d.revoked_at === null && online(d),
      }))
      .sort((a, b) => Number(b.online) - Number(a.online) || a.userEmail.localeCompare(b.userEmail));
  }

  /**
   * Signs any PC out for good (a lost laptop, a PC handed on): its next request is refused, it erases its copy on
   * contact, and its user signs in again with email and master password. Audited by the database.
   */
  async revokeDevice(id: string): Promise<void> {
    this.requireAdmin('sign out an office PC');
    if (id.toLowerCase() === this.ctx.deviceId.toLowerCase())
      throw new CoreError('invalid_request', 'This is the PC you are using. Use Sign out here instead.');
    await this.ctx.backend.revokeDevice(id);
  }

  async policy(): Promise<OfficePolicy> {
    this.requireAdmin('open the office policy');
    const row = await this.ctx.backend.policy();
    if (!row) throw new CoreError('not_found', 'The office has no client policy yet.');
    return toPolicy(row);
  }

  async publishRelease(version: string, releaseNotes: string, critical: boolean): Promise<OfficePolicy> {
    this.requireAdmin('publish a release');
    return this.appUpdates({ action: 'publish', version, notes: releaseNotes, critical });
  }

  /**
   * Raises or lowers the version every PC must run, or (null) switches the forced update off. app-updates keeps it
   * at or below the published release.
   */
  async setMinVersion(minVersion: string | null): Promise<OfficePolicy> {
    this.requireAdmin('set the minimum version');
    return this.appUpdates({ action: 'minimum', min_version: minVersion });
  }

  async setPolicy(autoLockMinutes: number, allowStayUnlocked: boolean): Promise<OfficePolicy> {
    this.requireAdmin('change the office policy');
    return this.appUpdates({
      action: 'policy',
      auto_lock_minutes: autoLockMinutes,
      allow_stay_unlocked: allowStayUnlocked,
    });
  }

  private async appUpdates(body: Record<string, unknown>): Promise<OfficePolicy> {
    const data = await this.ctx.backend.invoke('app-updates', body, {
      forbidden: 'Only an admin can change releases and the office policy.',
    });
    const parsed = functionPolicySchema.safeParse(data);
    if (!parsed.success) throw new CoreError('internal');
    // The function's answer carries no update time; the row does.
    const row = await this.ctx.backend.policy();
    return toPolicy({ ...parsed.data.policy, updated_at: row?.updated_at ?? null });
  }
}
