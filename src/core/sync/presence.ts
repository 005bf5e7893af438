// Who is online, from the office channel's presence: a hint, never a proof (docs/security.md "Bounds, oracles,
// presence"). Realtime lets every client choose its presence key and payload (supabase/realtime
// lib/realtime_web/channels/payloads/join.ex presence_key: the join's config.presence.key, else a fresh UUID) and
// RLS on realtime.messages sees neither, so a claim carries only what its sender typed. Two rules keep a member from
// showing as someone else: a claim counts only under the claimant's own key (the user id the app tracks with, see
// KeyroomCore's presence), and a PC shows online only when the claim names that PC's row in `devices` for the same
// user, a row the database writes for its caller and members cannot read for others. Versions come from those
// rows, never from presence.
import { z } from 'zod';

export interface PresenceClaim {
  userId: string;
  deviceId: string;
}

const Meta = z.object({ user_id: z.uuid(), device_id: z.uuid() });

/** The claims in a presence state (key → metas) made under the claimant's own user id; the rest are dropped. */
export function ownClaims(state: Record<string, unknown[]>): PresenceClaim[] {
  const out: PresenceClaim[] = [];
  for (const [key, metas] of Object.entries(state)) {
    for (const meta of metas) {
      const m = Meta.safeParse(meta);
      if (m.success && m.data.user_id === key) out.push({ userId: key, deviceId: m.data.device_id });
    }
  }
  return out;
}

/** Whether a device row is online: some claim names it under the user the database recorded it for. */
export function onlineDevices(claims: PresenceClaim[]): (device: { id: string; user_id: string }) => boolean {
  const seen = new Set(claims.map((c) => `${c.userId}/${c.deviceId}`));
  return (device) => seen.has(`${device.user_id}/${device.id}`);
}
