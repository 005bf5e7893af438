// A proxy that demands Windows-account sign-in (NTLM/Negotiate) on CONNECT: Chromium does that handshake for
// REST (net.fetch), but the Realtime socket's tunnel is Node's and cannot. The honest outcome is polling with
// "live updates blocked by the network; checking every 30 s" — online, never offline, and no password prompt.
// The proxy here is a test-only stand-in (a loopback stub answering every CONNECT 407 with
// `Proxy-Authenticate: NTLM` and `Negotiate`); REST's stand-in for Chromium is Node's fetch straight to the office.
import { randomUUID } from 'node:crypto';
import { mkdtemp, rm } from 'node:fs/promises';
import { type AddressInfo, createServer, type Server } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createClient } from '@supabase/supabase-js';
import { afterAll, beforeAll, expect, it } from 'vitest';
import WebSocket from 'ws';
import { type RunningStack, startStack } from '../../../scripts/local-stack/server';
import { Backend } from '../../core/backend/client';
import { testConnection } from '../../core/backend/network/diagnose';
import { FileCacheStore, FileOutboxStore } from '../../core/storage/file';
import { type ConnectionState, SyncEngine } from '../../core/sync/engine';
import { LocalState } from '../../core/sync/state';
import { electronNetwork } from './electron-network';
import { ProxyLogin } from './proxy-login';

const PASSWORD = 'correct horse battery staple 42';
const KEY43 = (c: string) => c.repeat(43);

let stack: RunningStack;
let stub: Server;
let stubPort: number;
let connects = 0;
let dir: string;
let member: { id: string; email: string };
let vault: string;
let engine: SyncEngine | null = null;

async function until(what: string, check: () => boolean, ms = 20_000): Promise<void> {
  const end = Date.now() + ms;
  while (!check()) {
    if (Date.now() > end) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 20));
  }
}

beforeAll(async () => {
  stack = await startStack({ port: 0 });
  stub = createServer((socket) => {
    let head = '';
    socket.on('data', (chunk) => {
      head += chunk.toString('latin1');
      if (!head.includes('\r\n\r\n')) return;
      if (head.startsWith('CONNECT ')) connects++;
      socket.end(
        'HTTP/1.1 407 Proxy Authentication Required\r\nProxy-Authenticate: NTLM\r\n' +
          'Proxy-Authenticate: Negotiate\r\nContent-Length: 0\r\nConnection: close\r\n\r\n',
      );
    });
    socket.on('error', () => {});
  });
  stub.listen(0, '127.0.0.1');
  await new Promise((r) => stub.once('listening', r));
  stubPort = (stub.address() as AddressInfo).port;
  dir = await mkdtemp(join(tmpdir(), 'keyroom-ntlm-'));
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
  vault = randomUUID();
  await sql(`insert into public.vaults (id, name, created_by) values ($1, 'v', $2)`, [vault, boss.id]);
  await sql(
    `insert into public.vault_grants (vault_id, member_id, key_version, sealed_key, member_public, granted_by,
       signature) values ($1, $2, 1, 'sealed', $3, $4, 'sig')`,
    [vault, member.id, KEY43('M'), boss.id],
  );
}, 300_000);

afterAll(async () => {
  await engine?.stop();
  stub?.close();
  await stack?.stop();
  if (dir) await rm(dir, { recursive: true, force: true });
});

it('NTLM-demanding proxy (test-only stub) on the socket’s CONNECT: polling, "blocked", never offline, no prompt', async () => {
  const prompts: unknown[] = [];
  const proxyLogin = new ProxyLogin({
    ask: async (p) => {
      prompts.push(p);
      return null;
    },
    onGiveUp: () => {},
  });
  const network = electronNetwork({
    session: {
      resolveProxy: async () => `PROXY 127.0.0.1:${stubPort}`,
      // Chromium's net.fetch signs in to such a proxy with the Windows account; the stand-in goes straight.
      fetch: (input, init) => fetch(input, init),
    },
    certificates: () => null,
    login: {
      proxyLogin,
      request: () => {
        throw new Error('REST needs no sign-in request here');
      },
    },
  });
  const backend = new Backend({ url: stack.url, publishableKey: stack.publishableKey, network });
  await backend.signIn(member.email, PASSWORD);
  const local = new LocalState({
    cache: await FileCacheStore.open(join(dir, 'cache.json')),
    outbox: await FileOutboxStore.open(join(dir, 'outbox.json')),
  });
  const states: ConnectionState[] = [];
  engine = new SyncEngine(
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
  await engine.start([vault]);
  await until('live updates blocked', () => engine?.connection.liveBlocked === true);
  expect(engine.connection).toMatchObject({ online: true, live: false, liveBlocked: true });
  expect(states.map((s) => s.online)).not.toContain(false);
  expect(connects).toBeGreaterThan(0);
  expect(prompts).toEqual([]);
  // Settings' test says the same: the office answers, live updates are blocked, checked every 30 s.
  const report = await testConnection(network, stack.url, stack.publishableKey);
  expect(report).toMatchObject({ failed: null, live: 'blocked' });
  expect(report.message).toMatch(/blocked by the network.*every 30 s/);
}, 60_000);
