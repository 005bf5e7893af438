// Realtime's LISTEN connection on PostgreSQL comes back by itself: after its backend is terminated (what a
// server restart or a dropped connection does to it), the service listens again, fails every channel so
// that clients rejoin and catch up, and database broadcasts reach subscribers again.
import { randomUUID } from 'node:crypto';
import { createClient, type SupabaseClient, type WebSocketLikeConstructor } from '@supabase/supabase-js';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import WebSocket from 'ws';
import { createTestDatabase, type TestDatabase } from '../../test/pg';
import { type RunningStack, startStack } from '../server';

const realtime = { transport: WebSocket as unknown as WebSocketLikeConstructor, timeout: 5_000 };

async function waitFor(what: string, cond: () => boolean | Promise<boolean>, timeoutMs = 10_000) {
  const until = Date.now() + timeoutMs;
  while (!(await cond())) {
    if (Date.now() > until) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 25));
  }
}

describe('realtime LISTEN on PostgreSQL', () => {
  let db: TestDatabase;
  let stack: RunningStack;
  let client: SupabaseClient;

  beforeAll(async () => {
    db = await createTestDatabase('keyroom_relisten');
    stack = await startStack({ port: 0, dbUrl: db.url });
    client = createClient(stack.url, stack.anonKey, { auth: { persistSession: false }, realtime });
  }, 240_000);

  afterAll(async () => {
    await client?.removeAllChannels();
    await stack?.stop();
    await db?.drop();
  });

  /** The backends of this database that LISTEN for Realtime (other stacks share the server; REST listens on pgrst). */
  const listenBackends = async () =>
    (
      await stack.db.query<{ pid: number }>(
        `select pid from pg_stat_activity where datname = current_database() and query ilike 'listen%realtime_broadcast%'`,
      )
    ).rows.map((r) => r.pid);

  const send = (topic: string, n: number) =>
    stack.db.query(`select realtime.send(jsonb_build_object('n', $1::int), 'change', $2, false)`, [n, topic]);

  it('listens again after its backend is terminated, makes channels rejoin, and delivers later changes', async () => {
    const topic = `relisten:${randomUUID()}`;
    const got: number[] = [];
    const statuses: string[] = [];
    const channel = client.channel(topic);
    channel.on('broadcast', { event: 'change' }, (m) => got.push(Number(m.payload.n)));
    channel.subscribe((status) => statuses.push(status));
    await waitFor('the channel to join', () => statuses.includes('SUBSCRIBED'));

    await send(topic, 1);
    await waitFor('the first change', () => got.includes(1));

    const before = await listenBackends();
    expect(before).toHaveLength(1);
    await stack.db.query(
      `select pg_terminate_backend(pid) from pg_stat_activity
       where datname = current_database() and query ilike 'listen%realtime_broadcast%'`,
    );
    // A new backend LISTENs, and the channel is failed and rejoined so that its client catches up.
    await waitFor('a new LISTEN backend', async () => {
      const now = await listenBackends();
      return now.length === 1 && now[0] !== before[0];
    });
    await waitFor('the channel to rejoin', () => statuses.filter((s) => s === 'SUBSCRIBED').length === 2);
    expect(statuses).toEqual(['SUBSCRIBED', 'CHANNEL_ERROR', 'SUBSCRIBED']);

    await send(topic, 2);
    await waitFor('the change sent after the reconnect', () => got.includes(2));
    expect(got).toEqual([1, 2]);
  }, 60_000);
});
