// admin-users and Realtime: a member disabled through the function gets the `disabled` poke on member:<id>.
// Supabase Realtime authorizes a private channel at join (and on a token refresh), not on later messages, so
// a joined channel is not closed by the server: the app leaves on that poke, and what stops the member is
// that a rejoin is refused and RLS returns nothing at the next pull. Later office pokes reach the colleagues
// who are still joined (local stack on PGlite, through supabase-js end to end).
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { call, colleague, type Office, type Person, startOffice } from './edge-office';

let office: Office;

// A fresh stack takes over a minute to start on a loaded two-core machine.
beforeAll(async () => {
  office = await startOffice();
}, 300_000);
afterAll(async () => {
  await office?.stack.stop();
});

const admin = (body: Record<string, unknown>) => call(office.root.client, 'admin-users', body);

async function until(what: string, ok: () => boolean, ms = 5_000) {
  const end = Date.now() + ms;
  while (!ok()) {
    if (Date.now() > end) throw new Error(`timed out: ${what}`);
    await new Promise((r) => setTimeout(r, 25));
  }
}

/** Joins a private channel as the app does and records its broadcast events. */
async function watch(person: Person, topic: string) {
  const session = (await person.client.auth.getSession()).data.session!;
  await person.client.realtime.setAuth(session.access_token);
  const events: string[] = [];
  const channel = person.client.channel(topic, { config: { private: true } });
  channel.on('broadcast', { event: '*' }, (m) => events.push(m.event));
  await new Promise<void>((resolve, reject) =>
    channel.subscribe((status, err) => {
      if (status === 'SUBSCRIBED') resolve();
      else if (status === 'CLOSED' || status === 'CHANNEL_ERROR' || status === 'TIMED_OUT')
        reject(err ?? new Error(status));
    }),
  );
  return { events, leave: () => person.client.removeChannel(channel) };
}

describe('disable and realtime', () => {
  it('pokes a disabled member on member:<id>; after the app leaves, their rejoin is refused while colleagues keep receiving', async () => {
    const leaver = await colleague(office, 'rt-leaver@office.test');
    const witness = await colleague(office, 'rt-witness@office.test');
    const own = await watch(leaver, `member:${leaver.id}`);
    const leaverOffice = await watch(leaver, 'office');
    const witnessOffice = await watch(witness, 'office');

    expect((await admin({ action: 'disable', user_id: leaver.id })).status).toBe(200);
    await until('the leaver sees the disabled poke', () => own.events.includes('disabled'));
    // What the app does on that poke (src/core/sync/engine.ts): leave, then find the account disabled.
    await own.leave();
    await leaverOffice.leave();
    await expect(watch(leaver, 'office')).rejects.toThrow();
    await expect(watch(leaver, `member:${leaver.id}`)).rejects.toThrow();
    expect((await leaver.client.from('colleagues').select('id')).data ?? []).toEqual([]);

    // A later office poke (a policy change) reaches the colleague.
    const policy = await call(office.root.client, 'app-updates', { action: 'policy', auto_lock_minutes: 7 });
    expect(policy.status).toBe(200);
    await until('the witness sees the policy poke', () => witnessOffice.events.includes('policy'));
    expect(leaverOffice.events).not.toContain('policy');
    expect(own.events).toEqual(['disabled']);
  }, 60_000);
});
