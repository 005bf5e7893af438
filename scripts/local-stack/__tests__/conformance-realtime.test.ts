// /realtime/v1 conformance through @supabase/supabase-js, on PGlite and on a fresh PostgreSQL: broadcast
// (self, ack, REST fallback), database → realtime.send → channel, presence, private channels refused and
// accepted by RLS, token expiry and refresh, resuming after a server restart. With SUPABASE_URL,
// SUPABASE_ANON_KEY and SUPABASE_SERVICE_ROLE_KEY set (plus SUPABASE_DB_URL and SUPABASE_JWT_SECRET) the same
// cases run against that project instead, except the one that restarts the server. When access is checked
// (join, refresh, expiry) is the subject of conformance-realtime-authz.test.ts.
import { randomUUID } from 'node:crypto';
import type { RealtimeChannel } from '@supabase/supabase-js';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { STARTUP_TIMEOUT_MS } from './conformance/target';
import { backends, RealtimeFixture, sleep, subscribe, waitFor, watch } from './conformance-realtime-fixture';

describe.each(backends)('realtime on $name', (backend) => {
  let fx: RealtimeFixture;

  beforeAll(async () => {
    fx = await RealtimeFixture.start(backend);
  }, STARTUP_TIMEOUT_MS);

  afterAll(async () => {
    await fx?.close();
  }, STARTUP_TIMEOUT_MS);

  const topic = () => fx.topic();
  const newClient = () => fx.newClient();
  const member = (options: { reconnectAfterMs?: () => number } = {}) => fx.member(options);
  const withToken = (sub: string, expiresInSeconds?: number) => fx.withToken(sub, expiresInSeconds);
  const allow = (userId: string, t: string) => fx.allow(userId, t);
  const send = (t: string, event: string, payload: Record<string, unknown>) => fx.send(t, event, payload);

  it('carries a broadcast between two clients, with self and ack', async () => {
    const room = `room-${randomUUID()}`;
    const a = newClient().channel(room, { config: { broadcast: { self: true, ack: true } } });
    const b = newClient().channel(room);
    const wa = watch(a, 'hello');
    const wb = watch(b, 'hello');
    await Promise.all([wa.subscribed, wb.subscribed]);

    expect(await a.send({ type: 'broadcast', event: 'hello', payload: { n: 1, text: 'hi' } })).toBe('ok');
    await waitFor('both receive', () => wa.got.length === 1 && wb.got.length === 1);
    expect(wb.got[0]?.payload).toEqual({ n: 1, text: 'hi' });
    expect(wa.got[0]?.payload).toEqual({ n: 1, text: 'hi' });

    // b has self: false, so its own message comes back only to a.
    await b.send({ type: 'broadcast', event: 'hello', payload: { n: 2 } });
    await waitFor('a receives b', () => wa.got.length === 2);
    await sleep(150);
    expect(wb.got).toHaveLength(1);
  });

  it('falls back to the REST broadcast endpoint for send() before join, and serves httpSend()', async () => {
    const room = `room-${randomUUID()}`;
    const w = watch(newClient().channel(room));
    await w.subscribed;
    const sender = newClient().channel(room);
    expect(await sender.send({ type: 'broadcast', event: 'rest', payload: { via: 'rest' } })).toBe('ok');
    expect(await sender.httpSend('single', { via: 'httpSend' })).toEqual({ success: true });
    await waitFor('two REST broadcasts', () => w.got.length === 2);
    expect(w.got).toEqual([
      { event: 'rest', payload: { via: 'rest' } },
      { event: 'single', payload: { via: 'httpSend' } },
    ]);
  });

  it('delivers realtime.send from a committed transaction to a subscribed private channel', async () => {
    const { id, client } = await member();
    const t = topic();
    await allow(id, t);
    const w = watch(client.channel(t, { config: { private: true } }), 'entry');
    await w.subscribed;

    // A rolled-back transaction announces nothing.
    await expect(
      fx.target.exec(`do $$ begin
        perform realtime.send('{"op":"lost"}'::jsonb, 'entry', '${t}', true);
        raise exception 'roll back';
      end $$`),
    ).rejects.toThrow(/roll back/);
    await send(t, 'entry', { seq: 7, op: 'insert' });
    await waitFor('the poke', () => w.got.length === 1);
    expect(w.got[0]?.event).toBe('entry');
    expect(w.got[0]?.payload).toMatchObject({ seq: 7, op: 'insert', id: expect.any(String) });
    await sleep(150);
    expect(w.got).toHaveLength(1);
  });

  it('syncs presence across three clients: state, joins and leaves', async () => {
    const room = `presence-${randomUUID()}`;
    const names = ['ann', 'bob', 'cy'] as const;
    const channels = names.map((key) => newClient().channel(room, { config: { presence: { key } } }));
    const [ann, bob, cy] = channels as [RealtimeChannel, RealtimeChannel, RealtimeChannel];
    const joins: string[] = [];
    const leaves: string[] = [];
    ann.on('presence', { event: 'join' }, ({ key }) => joins.push(key));
    ann.on('presence', { event: 'leave' }, ({ key }) => leaves.push(key));
    // A presence binding before subscribe() is what asks the server for presence (and its state) at join.
    for (const ch of [bob, cy]) ch.on('presence', { event: 'sync' }, () => {});
    for (const [i, ch] of channels.entries()) {
      expect((await subscribe(ch)).status).toBe('SUBSCRIBED');
      expect(await ch.track({ name: names[i], app_version: '1.0.0' })).toBe('ok');
    }
    const keys = (ch: RealtimeChannel) => Object.keys(ch.presenceState()).sort().join();
    await waitFor('everyone sees three', () => channels.every((ch) => keys(ch) === 'ann,bob,cy'));
    expect(bob.presenceState().cy?.[0]).toMatchObject({ name: 'cy', app_version: '1.0.0' });
    expect(joins.sort()).toEqual(['ann', 'bob', 'cy']);

    // A late joiner gets the whole state on join, without tracking anything itself.
    const late = newClient().channel(room, { config: { presence: { key: 'dee' } } });
    late.on('presence', { event: 'sync' }, () => {});
    expect((await subscribe(late)).status).toBe('SUBSCRIBED');
    await waitFor('late joiner state', () => keys(late) === 'ann,bob,cy');

    expect(await bob.untrack()).toBe('ok');
    await waitFor('bob leaves', () => leaves.includes('bob'));
    await cy.unsubscribe();
    await waitFor('cy leaves', () => leaves.includes('cy'));
    await waitFor('state shrinks', () => keys(ann) === 'ann' && keys(late) === 'ann');
  });

  it('refuses a private channel to a user whom RLS denies and accepts one it allows', async () => {
    const owner = await member();
    const other = await member();
    const t = `member:${owner.id}`;

    const refused = await subscribe(other.client.channel(t, { config: { private: true } }));
    expect(refused.status).toBe('CHANNEL_ERROR');
    expect(refused.error?.message).toBe(
      `Unauthorized: You do not have permissions to read from this Channel topic: ${t}`,
    );
    const anonRefused = await subscribe(newClient().channel(t, { config: { private: true } }));
    expect(anonRefused.status).toBe('CHANNEL_ERROR');

    const w = watch(owner.client.channel(t, { config: { private: true } }));
    await w.subscribed;
    await send(t, 'grants', { vault_id: randomUUID(), op: 'insert' });
    await waitFor('the owner gets its member poke', () => w.got.length === 1);
  });

  it('does not let a member without INSERT send on a private channel', async () => {
    const reader = await member();
    const writer = await member();
    const t = topic();
    await allow(reader.id, t);
    // The writer may read (a second policy) but not insert.
    await fx.target.exec(`drop policy if exists rt_fixture_ro on realtime.messages;
      create policy rt_fixture_ro on realtime.messages for select to authenticated
      using (realtime.topic() = '${t}' and auth.uid() = '${writer.id}')`);
    const w = watch(reader.client.channel(t, { config: { private: true } }));
    await w.subscribed;
    const ch = writer.client.channel(t, { config: { private: true, broadcast: { ack: true } } });
    expect((await subscribe(ch)).status).toBe('SUBSCRIBED');
    expect(await ch.send({ type: 'broadcast', event: 'x', payload: {} }, { timeout: 500 })).toBe('timed out');
    await sleep(100);
    expect(w.got).toEqual([]);
  });

  it('closes a channel whose token expires without refresh, with the system message Realtime sends', async () => {
    const id = randomUUID();
    const t = topic();
    await allow(id, t);
    const { client } = await withToken(id, 2);
    const w = watch(client.channel(t, { config: { private: true } }));
    await w.subscribed;
    await waitFor('expiry closes the channel', () => w.closed, 6_000);
    expect(w.system.at(-1)?.message).toMatch(/^Token has expired \d+ seconds ago$/);
  });

  it('re-authorizes on access_token refresh: a token without access closes the channel', async () => {
    const { id, client } = await member();
    const t = topic();
    await allow(id, t);
    const w = watch(client.channel(t, { config: { private: true } }), 'entry');
    await w.subscribed;
    // A refreshed token of the same user keeps the channel.
    const refreshed = await client.auth.refreshSession();
    expect(refreshed.error).toBeNull();
    await client.realtime.setAuth();
    await send(t, 'entry', { after: 'refresh' });
    await waitFor('poke after refresh', () => w.got.length === 1);
    expect(w.closed).toBe(false);
    // A token of someone RLS refuses ends it.
    const stranger = await withToken(randomUUID());
    await client.realtime.setAuth(stranger.token);
    await waitFor('channel closed', () => w.closed);
    expect(w.system.at(-1)?.message).toBe(
      `You do not have permissions to read from this Channel topic: ${t}`,
    );
  });

  if (backend.local)
    it(
      'resumes the subscription after the server restarts on the same data and port',
      async () => {
        const { id, client } = await member({ reconnectAfterMs: () => 300 });
        const t = topic();
        await allow(id, t);
        const ch = client.channel(t, { config: { private: true } });
        const got: unknown[] = [];
        let joins = 0;
        ch.on('broadcast', { event: 'entry' }, (m) => got.push(m.payload));
        ch.subscribe((status) => {
          if (status === 'SUBSCRIBED') joins++;
        });
        await waitFor('first join', () => joins === 1);

        await fx.target.restart?.();
        await waitFor('rejoin after restart', () => joins === 2, 15_000);
        await send(t, 'entry', { after: 'restart' });
        await waitFor('poke after restart', () => got.length === 1);
        expect(got[0]).toMatchObject({ after: 'restart' });
      },
      STARTUP_TIMEOUT_MS,
    );
});
