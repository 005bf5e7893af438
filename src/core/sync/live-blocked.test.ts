// "Live updates blocked by the network" must mean the network: a socket that cannot connect while pulls get
// through (here a real tinyproxy refusing the socket's CONNECT tunnel), never a channel the server refused
// to join (no grant: Realtime's RLS on realtime.messages) on a socket that is up.
import { randomUUID } from 'node:crypto';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createClient } from '@supabase/supabase-js';
import { afterAll, beforeAll, expect, it } from 'vitest';
import WebSocket from 'ws';
import { type RunningStack, startStack } from '../../../scripts/local-stack/server';
import { Tinyproxy } from '../../../scripts/test/tinyproxy';
import { Backend } from '../backend/client';
import { envNetwork, type Network } from '../backend/network/network';
import { FileCacheStore, FileOutboxStore } from '../storage/file';
import { type ConnectionState, SyncEngine } from './engine';
import { LocalState } from './state';

const PASSWORD = 'correct horse battery staple 42';
const KEY43 = (c: string) => c.repeat(43);

let stack: RunningStack;
let proxy: Tinyproxy;
let dir: string;
let member: { id: string; email: string };
let granted: string;
let notGranted: string;
const engines: SyncEngine[] = [];

async function until(what: string, check: () => boolean, ms = 20_000): Promise<void> {
  const end = Date.now() + ms;
  while (!check()) {
    if (Date.now() > end) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 20));
  }
}

beforeAll(async () => {
  stack = await startStack({ port: 0 });
  proxy = await Tinyproxy.start({ connectPorts: [443] });
  dir = await mkdtemp(join(tmpdir(), 'keyroom-live-blocked-'));
  const service = createClient(stack.url, stack.secretKey, {
    auth: { persistSession: false },
    realtime: { transport: WebSocket as never },
  });
  const sql = (text: string, params: unknown[] = []) => stack.db.query(text, params);
  const user = async (role: 'admin' | 'member') => {
    const email = `${role}-${randomUUID()}@office.test`;
    const created = await service.auth.admin.createUser({ email, password: PASSWORD, email_confirm: true });
    if (created.error) throw created.error;
    await sql(
      `insert into public.profiles (id, email, display_name, role, status, x25519_public, ed25519_public)
       values ($1, $2, $2, $3, 'active', $4, $5)`,
      [created.data.user.id, email, role, KEY43(role[0]!.toUpperCase()), KEY43('N')],
    );
    return { id: created.data.user.id, email };
  };
  const boss = await user('admin');
  member = await user('member');
  granted = randomUUID();
  notGranted = randomUUID();
  for (const id of [granted, notGranted])
    await sql(`insert into public.vaults (id, name, created_by) values ($1, 'v', $2)`, [id, boss.id]);
  await sql(
    `insert into public.vault_grants (vault_id, member_id, key_version, sealed_key, member_public, granted_by,
       signature) values ($1, $2, 1, 'sealed', $3, $4, 'sig')`,
    [granted, member.id, KEY43('M'), boss.id],
  );
}, 300_000);

afterAll(async () => {
  for (const e of engines) await e.stop();
  await proxy?.stop();
  await stack?.stop();
  await rm(dir, { recursive: true, force: true });
});

async function engineOn(
  network: Network,
  name: string,
): Promise<{ engine: SyncEngine; states: ConnectionState[] }> {
  const backend = new Backend({ url: stack.url, publishableKey: stack.publishableKey, network });
  await backend.signIn(member.email, PASSWORD);
  const local = new LocalState({
    cache: await FileCacheStore.open(join(dir, `${name}-cache.json`)),
    outbox: await FileOutboxStore.open(join(dir, `${name}-outbox.json`)),
  });
  const states: ConnectionState[] = [];
  const engine = new SyncEngine(
    backend,
    local,
    member.id,
    {
      accept: () => 'ok',
      changed: () => {},
      rollback: () => {},
      damaged: () => {},
      memberEvent: () => {},
      officeEvent: () => {},
      presence: () => {},
      connection: (c) => states.push(c),
    },
    { pollMs: 500 },
  );
  engines.push(engine);
  await engine.start([granted, notGranted]);
  return { engine, states };
}

it('a channel the server refuses to join, on a socket that is up, is not "blocked by the network"', async () => {
  const { engine } = await engineOn(envNetwork({}), 'direct');
  await until('the granted vault pulled', () => engine.connection.lastSyncedAt !== null);
  // Several poll beats with the refused vault channel rejoined on each.
  await new Promise((r) => setTimeout(r, 2_000));
  expect(engine.connection).toMatchObject({ online: true, live: false, liveBlocked: false });
});

it('a socket the proxy refuses while pulls get through is "blocked", online, never offline', async () => {
  const network = envNetwork({ HTTP_PROXY: proxy.url, NO_PROXY: '' });
  const { engine, states } = await engineOn(network, 'proxied');
  await until('live updates blocked', () => engine.connection.liveBlocked);
  expect(engine.connection).toMatchObject({ online: true, live: false });
  expect(states.map((s) => s.online)).not.toContain(false);
  expect(await proxy.log()).toMatch(/Refused CONNECT method on port/);
});
