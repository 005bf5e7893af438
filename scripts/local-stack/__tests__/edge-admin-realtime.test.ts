// admin-users and Realtime: a disabled member's channels close right after the `disabled` poke, and later
// office pokes reach their colleagues only (local stack on PGlite, through supabase-js end to end).
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

/** Joins a private channel as the app does and records its broadcast events and whether it closed. */
async function watch(person: Person, topic: string) {
  const session = (await person.client.auth.getSession()).data.session!;
  await person.client.realtime.setAuth(session.access_token);
  const seen = { events: [] as string[], closed: false };
  const channel = person.client.channel(topic, { config: { private: true } });
  channel.on('broadcast', { event: '*' }, (m) => seen.events.push(m.event));
  await new Promise<void>((resolve, reject) =>
    channel.subscribe((status, err) => {
      if (status === 'SUBSCRIBED') resolve();
      else if (status === 'CLOSED' || status === 'CHANNEL_ERROR') {
        seen.closed = true;
        reject(err ?? new Error(status));
      }
    }),
  );
  return seen;
}

describe('disable and realtime', () => {
  it("closes a disabled member's channels after the disabled poke, while colleagues keep receiving", async () => {
    const leaver = await colleague(office, 'rt-leaver@office.test');
    const witness = await colleague(office, 'rt-witness@office.test');
    const own = await watch(leaver, `member:${leaver.id}`);
    const leaverOffice = await watch(leaver, 'office');
    const witnessOffice = await watch(witness, 'office');

    expect((await admin({ action: 'disable', user_id: leaver.id })).status).toBe(200);
    await until(
      'the leaver sees the disabled poke and loses both channels',
      () => own.events.includes('disabled') && own.closed && leaverOffice.closed,
    );
    // A later office poke (a policy change) reaches the colleague only.
    const policy = await call(office.root.client, 'app-updates', { action: 'policy', auto_lock_minutes: 7 });
    expect(policy.status).toBe(200);
    await until('the witness sees the policy poke', () => witnessOffice.events.includes('policy'));
    expect(leaverOffice.events).not.toContain('policy');
    expect(own.events).toEqual(['disabled']);
  }, 60_000);
});
