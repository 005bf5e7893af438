// The person's own PCs as their PC sees them: the list (this one marked), "signed in on a new PC" when another
// of theirs registers for the first time, and signing another of them out. The database decides who may sign
// out what (revoke_device) and shuts a revoked PC's session out at once (is_active_member); this PC only asks.
import type { Backend } from '../backend/client';
import { CoreError } from '../backend/errors';
import type { DeviceRow } from '../backend/rows';

export interface OwnDevice {
  id: string;
  name: string;
  platform: string;
  appVersion: string;
  lastSeen: string | null;
  addedAt: string | null;
  revokedAt: string | null;
  /** The PC this is. */
  current: boolean;
}

/** Another PC of this person signed in for the first time. */
export interface DeviceAdded {
  id: string;
  name: string;
  platform: string;
  at: string;
}

interface DevicesContext {
  backend: Backend;
  userId: string;
  deviceId: string;
  announce(added: DeviceAdded): void;
}

export class OwnDevices {
  /** The ids this session has listed, in use (true) or signed out; null before the first listing (silent). */
  private known: Map<string, boolean> | null = null;

  constructor(private readonly ctx: DevicesContext) {}

  private async rows(): Promise<DeviceRow[]> {
    const uid = this.ctx.userId.toLowerCase();
    // An admin's read lists every PC of the office: the own ones are those of this user.
    return (await this.ctx.backend.devices()).filter((d) => d.user_id.toLowerCase() === uid);
  }

  /** The list as it is now; what counts as news is left to the pokes (a list open in Settings hides nothing). */
  async list(): Promise<OwnDevice[]> {
    const rows = await this.rows();
    const me = this.ctx.deviceId.toLowerCase();
    return rows
      .map((d) => ({
        id: d.id,
        name: d.name,
        platform: d.platform,
        appVersion: d.app_version,
        lastSeen: d.last_seen,
        addedAt: d.created_at,
        revokedAt: d.revoked_at,
        current: d.id.toLowerCase() === me,
      }))
      .sort((a, b) => Number(b.current) - Number(a.current) || a.name.localeCompare(b.name));
  }

  /**
   * What is news since the last listing: a PC not listed before, or one signed out then and in use again (signed
   * in afresh with the master password, which is worth the same notice).
   */
  private remember(rows: DeviceRow[]): DeviceRow[] {
    const before = this.known;
    this.known = new Map(rows.map((d) => [d.id.toLowerCase(), d.revoked_at === null]));
    if (!before) return [];
    const me = this.ctx.deviceId.toLowerCase();
    return rows.filter((d) => {
      const id = d.id.toLowerCase();
      return id !== me && d.revoked_at === null && before.get(id) !== true;
    });
  }

  /** The first listing of a session: what is there now is not news. */
  async start(): Promise<void> {
    this.remember(await this.rows());
  }

  /**
   * After a `devices` poke: 'revoked' when it was this PC that was signed out; else every PC of this person not
   * listed before is announced.
   */
  async follow(): Promise<'revoked' | 'ok'> {
    if ((await this.ctx.backend.deviceStatus(this.ctx.deviceId)) === 'revoked') return 'revoked';
    for (const d of this.remember(await this.rows()))
      this.ctx.announce({
        id: d.id,
        name: d.name,
        platform: d.platform,
        at: d.created_at ?? d.last_seen ?? new Date().toISOString(),
      });
    return 'ok';
  }

  /** Signs out another PC of this person's; this one is locked or signed out instead. */
  async signOut(id: string): Promise<void> {
    if (id.toLowerCase() === this.ctx.deviceId.toLowerCase())
      throw new CoreError(
        'invalid_request',
        'This is the PC you are using. Use Sign out here instead; it keeps nothing unlocked.',
      );
    const own = await this.rows();
    if (!own.some((d) => d.id.toLowerCase() === id.toLowerCase()))
      throw new CoreError('forbidden', 'You can sign out only your own PCs.');
    await this.ctx.backend.revokeDevice(id);
  }
}
