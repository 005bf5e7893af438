// This person's PCs and the office's as the database keeps them (supabase/migrations: register_device,
// revoke_device, my_device_status): every PC registers under its Auth session, and a revoked PC's session is shut
// out by the database itself.
import { z } from 'zod';
import { type Connection, many } from './connection';
import { CoreError } from './errors';
import { type DeviceRow, deviceRowSchema } from './rows';

/** This PC as the devices table lists it. */
export interface DeviceReport {
  id: string;
  name: string;
  platform: string;
  app_version: string;
}

/**
 * Registers this PC under the signed-in session. `fresh`: the app holds nothing of this account yet (a first
 * sign-in), which is what may clear an earlier revocation of this PC; a revoked PC that is not fresh is refused
 * with device_revoked.
 */
export async function registerDevice(
  c: Connection,
  device: DeviceReport,
  fresh: boolean,
): Promise<{ added: boolean }> {
  c.requireUser();
  const data = await c.call(() =>
    c.client.rpc('register_device', {
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

/** Signs a PC out for good: another PC of the owner's, or any PC for an admin. */
export async function revokeDevice(c: Connection, id: string): Promise<void> {
  c.requireUser();
  await c.call(() => c.client.rpc('revoke_device', { p_id: id }), {
    forbidden: 'You can sign out only your own PCs; an administrator can sign out any.',
    notFound: 'That PC is not listed any more.',
  });
}

/** Whether this PC was revoked: answered even to a session the revocation shut out. */
export async function deviceStatus(c: Connection, id: string): Promise<'active' | 'revoked' | 'unknown'> {
  c.requireUser();
  const data = await c.call(() => c.client.rpc('my_device_status', { p_id: id }));
  const parsed = z.enum(['active', 'revoked', 'unknown']).safeParse(data);
  if (!parsed.success) throw new CoreError('internal');
  return parsed.data;
}

export async function devices(c: Connection): Promise<DeviceRow[]> {
  const data = await c.call(() =>
    c.client.from('devices').select('id,user_id,name,platform,app_version,last_seen,created_at,revoked_at'),
  );
  return many(deviceRowSchema, data);
}
