// Presence is only a hint (docs/security.md "Bounds, oracles, presence"): a member who tracks presence on the
// office channel in a colleague's name, through the real Realtime protocol of the local stack, does not make the
// admin's devices dashboard show that colleague online. Honest PCs still show.
import { createClient, type RealtimeChannel, type SupabaseClient } from '@supabase/supabase-js';
import { SignJWT } from 'jose';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import ws from 'ws';
import type { OfficeDevice } from '../admin/office';
import { Office, type Pc, SLOW, STARTUP } from './office';

async function eventually(check: () => Promise<boolean>, ms = 15_000): Promise<void> {
  const end = Date.now() + ms;
  while (!(await check())) {
    if (Date.now() > end) throw new Error('condition not met in time');
    await new Promise((r) => setTimeout(r, 50));
  }
}

describe('presence on the office channel', () => {
  let office: Office;
  let admin: Pc;
  let emp: Pc;
  let bob: Pc;
  let rogue: SupabaseClient | undefined;
  const ids = { admin: '', emp: '', bob: '' };

  const devices = () => admin.core.office.devices();
  const deviceOf = (list: OfficeDevice[], userId: string) => list.find((d) => d.userId === userId);

  beforeAll(async () => {
    office = await Office.start('pglite');
    admin = await office.firstAdmin();
    emp = await office.colleague(admin, 'emp@office.test');
    bob = await office.colleague(admin, 'bob@office.test');
    ids.admin = admin.core.accountUserId!;
    ids.emp = emp.core.accountUserId!;
    ids.bob = bob.core.accountUserId!;
    // Honest PCs show online; then bob's PC closes and his shows offline: the claims below must not light it.
    await eventually(async () => {
      const list = await devices();
      return [ids.admin, ids.emp, ids.bob].every((id) => deviceOf(list, id)?.online === true);
    });
    await bob.core.dispose();
    await eventually(async () => deviceOf(await devices(), ids.bob)?.online === false);
  }, STARTUP);
  afterAll(async () => {
    await rogue?.removeAllChannels();
    await office?.stop();
  });

  /** A socket signed in as emp (a token the stack's legacy secret signs, as GoTrue would for emp). */
  async function rogueChannel(presenceKey: string): Promise<RealtimeChannel> {
    const token = await new SignJWT({ sub: ids.emp, role: 'authenticated', aud: 'authenticated' })
      .setProtectedHeader({ alg: 'HS256', typ: 'JWT' })
      .setExpirationTime('10m')
      .sign(new TextEncoder().encode(office.stack.jwtSecret));
    rogue ??= createClient(office.stack.url, office.stack.publishableKey, {
      auth: { persistSession: false, autoRefreshToken: false },
      realtime: { transport: ws as never },
      accessToken: async () => token,
    });
    await rogue.realtime.setAuth(token);
    const channel = rogue.channel('office', { config: { private: true, presence: { key: presenceKey } } });
    // As the app does: a presence listener makes realtime-js enable presence at join.
    channel.on('presence', { event: 'sync' }, () => {});
    await new Promise<void>((resolve, reject) => {
      channel.subscribe((status) => {
        if (status === 'SUBSCRIBED') resolve();
        else if (status !== 'CLOSED') reject(new Error(status));
      });
    });
    return channel;
  }

  /** Tracks a claim and waits until the claim is in the room (the sender sees it in its own state). */
  async function claim(channel: RealtimeChannel, meta: Record<string, string>): Promise<void> {
    await channel.track(meta);
    await eventually(async () =>
      Object.values(channel.presenceState()).some((metas) =>
        metas.some((m) => (m as Record<string, unknown>).device_id === meta.device_id),
      ),
    );
    // The admin's PC receives the same presence_diff; give it a moment to apply it.
    await new Promise((r) => setTimeout(r, 500));
  }

  it(
    'drops a claim made under the claimant’s own key in a colleague’s name',
    async () => {
      const bobDevice = deviceOf(await devices(), ids.bob)!.id;
      const channel = await rogueChannel(ids.emp);
      try {
        await claim(channel, { user_id: ids.bob, device_id: bobDevice, app_version: '1.0.0' });
        expect(admin.core.presence().some((p) => p.userId === ids.bob)).toBe(false);
        const list = await devices();
        expect(deviceOf(list, ids.bob)?.online).toBe(false);
        expect(deviceOf(list, ids.emp)?.online).toBe(true);
      } finally {
        await rogue!.removeChannel(channel);
      }
    },
    SLOW,
  );

  it(
    'does not light a colleague’s PC from a claim of it in the claimant’s own name',
    async () => {
      const bobDevice = deviceOf(await devices(), ids.bob)!.id;
      const channel = await rogueChannel(ids.emp);
      try {
        await claim(channel, { user_id: ids.emp, device_id: bobDevice, app_version: '9.9.9' });
        const list = await devices();
        expect(deviceOf(list, ids.bob)?.online).toBe(false);
        // The versions shown are those the database wrote for each PC's own user, never a claim's.
        expect(list.map((d) => d.appVersion)).not.toContain('9.9.9');
      } finally {
        await rogue!.removeChannel(channel);
      }
    },
    SLOW,
  );
  // Last: it disables emp. Realtime authorizes at join (and at a token refresh), so a socket joined before the
  // disable can keep claiming until it is kicked; a client that ignores the kick must not look online.
  it(
    'does not light a disabled person’s PC from a socket that stayed joined after the disable',
    async () => {
      const empDevice = deviceOf(await devices(), ids.emp)!.id;
      const channel = await rogueChannel(ids.emp);
      try {
        await claim(channel, { user_id: ids.emp, device_id: empDevice });
        await emp.core.dispose();
        expect(deviceOf(await devices(), ids.emp)?.online).toBe(true);
        await admin.core.admin.disable(ids.emp);
        expect(admin.core.presence().some((p) => p.userId === ids.emp && p.deviceId === empDevice)).toBe(
          true,
        );
        expect(deviceOf(await devices(), ids.emp)?.online).toBe(false);
      } finally {
        await rogue!.removeChannel(channel);
      }
    },
    SLOW,
  );
});
