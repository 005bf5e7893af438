// When Realtime checks access to a private channel, through @supabase/supabase-js, on PGlite and PostgreSQL
// or (with SUPABASE_URL and keys set) a real project. Supabase Realtime evaluates the RLS policies on
// realtime.messages at join and on an access_token refresh (reads), at the first send after either
// (writes), and never per message (supabase/realtime realtime_channel.ex, broadcast_handler.ex,
// message_dispatcher.ex). So a member whose access ends keeps a channel it already joined until it
// re-authorizes, and Keyroom's client leaves such channels itself; these cases pin that timing down.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { STARTUP_TIMEOUT_MS } from './conformance/target';
import { backends, RealtimeFixture, sleep, subscribe, waitFor, watch } from './conformance-realtime-fixture';

const unauthorized = (t: string) => `You do not have permissions to read from this Channel topic: ${t}`;

describe.each(backends)('realtime authorization timing on $name', (backend) => {
  let fx: RealtimeFixture;

  beforeAll(async () => {
    fx = await RealtimeFixture.start(backend);
  }, STARTUP_TIMEOUT_MS);

  afterAll(async () => {
    await fx?.close();
  }, STARTUP_TIMEOUT_MS);

  it('a reader whose access is withdrawn keeps its joined channel until it re-authorizes; a rejoin is refused', async () => {
    const m = await fx.member();
    const t = fx.topic();
    await fx.allow(m.id, t);
    const w = watch(m.client.channel(t, { config: { private: true } }), 'entry');
    await w.subscribed;

    await fx.withdraw(m.id, t);
    await fx.send(t, 'entry', { seq: 1 });
    await waitFor('the poke after the withdrawal', () => w.got.length === 1);
    expect(w.closed).toBe(false);

    // Joining again asks RLS again.
    const again = await fx.withToken(m.id);
    const refused = await subscribe(again.client.channel(t, { config: { private: true } }));
    expect(refused.status).toBe('CHANNEL_ERROR');
    expect(refused.error?.message).toBe(`Unauthorized: ${unauthorized(t)}`);

    // So does the next access_token: the channel ends, and nothing more arrives.
    await m.client.realtime.setAuth(await fx.mint(m.id));
    await waitFor('the refresh closes the channel', () => w.closed);
    expect(w.system.at(-1)).toMatchObject({ extension: 'system', status: 'error', message: unauthorized(t) });
    await fx.send(t, 'entry', { seq: 2 });
    await sleep(300);
    expect(w.got.map((g) => g.payload.seq)).toEqual([1]);
  });

  it('a disabled member keeps its member channel (the disabled poke and later ones arrive) until it rejoins', async () => {
    const m = await fx.member();
    const own = watch(m.client.channel(`member:${m.id}`, { config: { private: true } }));
    await own.subscribed;
    // The project's profiles trigger pokes member:<id> `disabled` in the same transaction.
    await fx.target.sql(`update public.profiles set status = 'disabled' where id = $1`, [m.id]);
    await fx.send(`member:${m.id}`, 'grants', { op: 'delete' });
    await waitFor('both pokes', () => own.got.length === 2);
    expect(own.got.map((g) => g.event)).toEqual(['disabled', 'grants']);
    expect(own.closed).toBe(false);

    const again = await fx.withToken(m.id);
    const refused = await subscribe(again.client.channel(`member:${m.id}`, { config: { private: true } }));
    expect(refused.status).toBe('CHANNEL_ERROR');
    expect(refused.error?.message).toBe(`Unauthorized: ${unauthorized(`member:${m.id}`)}`);
  });

  it('checks the right to send at the first send after a join or refresh, then keeps the answer', async () => {
    const reader = await fx.member();
    const sender = await fx.member();
    const t = fx.topic();
    await fx.allow(reader.id, t);
    await fx.right('readers', sender.id, t, true);
    await fx.right('writers', sender.id, t, true);
    const w = watch(reader.client.channel(t, { config: { private: true } }), 'x');
    await w.subscribed;
    const ch = sender.client.channel(t, { config: { private: true, broadcast: { ack: true } } });
    expect((await subscribe(ch)).status).toBe('SUBSCRIBED');
    const sendN = (n: number) =>
      ch.send({ type: 'broadcast', event: 'x', payload: { n } }, { timeout: 1_000 });

    // Withdrawn after the join but before the first send: that send asks RLS and is dropped, unacknowledged.
    await fx.right('writers', sender.id, t, false);
    expect(await sendN(1)).toBe('timed out');
    // Given back, the kept answer still drops the message.
    await fx.right('writers', sender.id, t, true);
    expect(await sendN(2)).toBe('timed out');
    // A refreshed token clears it: the next send asks again, and that answer is kept too.
    await sender.client.realtime.setAuth(await fx.mint(sender.id));
    expect(await sendN(3)).toBe('ok');
    await fx.right('writers', sender.id, t, false);
    expect(await sendN(4)).toBe('ok');
    await waitFor('the two sends that went out', () => w.got.length === 2);
    expect(w.got.map((g) => g.payload.n)).toEqual([3, 4]);
  });

  it('ends a channel whose refreshed token is forged or expired, with the messages Realtime sends', async () => {
    const m = await fx.member();
    const cases: Array<[string, () => Promise<string>, RegExp]> = [
      // A bad signature reaches handle_in("access_token")'s catch-all clause: inspect(:signature_error).
      ['forged', async () => `${(await fx.mint(m.id)).slice(0, -6)}AAAAAA`, /^:signature_error$/],
      ['expired', () => fx.mint(m.id, -30), /^Token has expired \d+ seconds ago$/],
      ['malformed', async () => 'not-a-jwt', /^The token provided is not a valid JWT$/],
    ];
    for (const [name, token, message] of cases) {
      const t = fx.topic();
      await fx.allow(m.id, t);
      const c = await fx.withToken(m.id);
      const w = watch(c.client.channel(t, { config: { private: true } }));
      await w.subscribed;
      await c.client.realtime.setAuth(await token());
      await waitFor(`the ${name} token closes the channel`, () => w.closed);
      expect(w.system.at(-1)?.message, name).toMatch(message);
    }
  });
});
