// npm run bench -- realtime [--clients 300] [--messages 30]
// Broadcast fan-out of the local stack's Realtime: the latency from a committed change (realtime.send in a
// transaction, timed from just before COMMIT) to each of N subscribed realtime-js clients on one private
// channel, and the server's memory per connection. The stack runs in its own process on a fresh PostgreSQL
// database so that its RSS is its own; the clients run here.
import { type ChildProcess, spawn } from 'node:child_process';
import { mkdtemp, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { performance } from 'node:perf_hooks';
import { fileURLToPath } from 'node:url';
import { parseArgs } from 'node:util';
import { RealtimeClient, type WebSocketLikeConstructor } from '@supabase/supabase-js';
import { SignJWT } from 'jose';
import pg from 'pg';
import WebSocket from 'ws';
import { z } from 'zod';
import { createTestDatabase } from '../test/pg';
import { formatMs } from './_stats';

const { values } = parseArgs({
  options: { clients: { type: 'string', default: '300' }, messages: { type: 'string', default: '30' } },
});
const CLIENTS = z.coerce.number().int().positive().parse(values.clients);
const MESSAGES = z.coerce.number().int().positive().parse(values.messages);
const TOPIC = 'bench:fanout';
const MAIN = fileURLToPath(new URL('../local-stack/main.ts', import.meta.url));
const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

async function rssKb(pid: number): Promise<number> {
  const status = await readFile(`/proc/${pid}/status`, 'utf8');
  return Number(/VmRSS:\s+(\d+)/.exec(status)?.[1] ?? Number.NaN);
}

/** Starts `npm run stack` on the database and waits for the URL and keys it prints. */
async function startStackProcess(dbUrl: string, dataDir: string) {
  const child: ChildProcess = spawn(
    process.execPath,
    ['--import', 'tsx', MAIN, '--port', '0', '--data-dir', dataDir, '--db-url', dbUrl, '--print-env'],
    { stdio: ['ignore', 'pipe', 'inherit'] },
  );
  let out = '';
  const env = await new Promise<Record<string, string>>((resolve, reject) => {
    child.once('exit', (code) => reject(new Error(`stack exited with ${code}`)));
    child.stdout?.on('data', (chunk: Buffer) => {
      out += chunk.toString();
      const vars = Object.fromEntries(
        out
          .split('\n')
          .map((l) => l.split('='))
          .filter((kv): kv is [string, string] => kv.length >= 2)
          .map(([k, ...v]) => [k, v.join('=')]),
      );
      if (vars.SUPABASE_URL && vars.SUPABASE_PUBLISHABLE_KEY && vars.SUPABASE_SECRET_KEY) resolve(vars);
    });
  });
  const keys = z
    .object({ jwtSecret: z.string() })
    .parse(JSON.parse(await readFile(join(dataDir, 'keys.json'), 'utf8')));
  return {
    child,
    url: env.SUPABASE_URL as string,
    publishableKey: env.SUPABASE_PUBLISHABLE_KEY as string,
    ...keys,
  };
}

const dataDir = await mkdtemp(join(tmpdir(), 'keyroom-bench-rt-'));
const db = await createTestDatabase('keyroom_bench_rt');
const stack = await startStackProcess(db.url, dataDir);
const sql = new pg.Client({ connectionString: db.url });
const clients: RealtimeClient[] = [];
try {
  await sql.connect();
  // Members may read the bench topic; RLS is evaluated at each join as in production.
  await sql.query(`create policy bench_read on realtime.messages for select to authenticated
    using ((select realtime.topic()) like 'bench:%')`);
  const secret = new TextEncoder().encode(stack.jwtSecret);
  const pid = stack.child.pid as number;
  await sleep(500);
  const rssBefore = await rssKb(pid);

  // received[i][c] = time client c got message i.
  const received: number[][] = Array.from({ length: MESSAGES }, () => []);
  const joinStart = performance.now();
  await Promise.all(
    Array.from({ length: CLIENTS }, async (_, c) => {
      const token = await new SignJWT({ role: 'authenticated', aud: 'authenticated' })
        .setProtectedHeader({ alg: 'HS256', typ: 'JWT' })
        .setSubject(crypto.randomUUID())
        .setIssuedAt()
        .setExpirationTime('2h')
        .sign(secret);
      const client = new RealtimeClient(`${stack.url.replace('http', 'ws')}/realtime/v1`, {
        params: { apikey: stack.publishableKey },
        transport: WebSocket as unknown as WebSocketLikeConstructor,
        timeout: 60_000,
      });
      clients.push(client);
      await client.setAuth(token);
      const ch = client.channel(TOPIC, { config: { private: true } });
      ch.on('broadcast', { event: 'entry' }, (m) => {
        const i = Number((m.payload as { i?: number }).i);
        received[i]?.push(performance.now());
      });
      await new Promise<void>((resolve, reject) =>
        ch.subscribe((status, err) => {
          if (status === 'SUBSCRIBED') resolve();
          else if (status !== 'CLOSED') reject(err ?? new Error(`client ${c}: ${status}`));
        }),
      );
    }),
  );
  const joinMs = performance.now() - joinStart;
  await sleep(1_000);
  const rssAfter = await rssKb(pid);

  const samples: number[] = [];
  let missing = 0;
  for (let i = 0; i < MESSAGES; i++) {
    await sql.query('begin');
    await sql.query(
      `select realtime.send(jsonb_build_object('i', $1::int, 'op', 'update'), 'entry', $2, true)`,
      [i, TOPIC],
    );
    const t0 = performance.now();
    await sql.query('commit');
    const until = Date.now() + 5_000;
    while ((received[i]?.length ?? 0) < CLIENTS && Date.now() < until) await sleep(5);
    for (const t of received[i] ?? []) samples.push(t - t0);
    missing += CLIENTS - (received[i]?.length ?? 0);
    await sleep(100);
  }

  console.log(
    `realtime fan-out: ${CLIENTS} clients on one private channel (PostgreSQL), ${MESSAGES} changes`,
  );
  console.log(`  joins (RLS-authorized, all clients in parallel): ${joinMs.toFixed(0)} ms`);
  console.log(
    `  ${formatMs('commit → client', samples)}${missing ? ` (${missing} deliveries missing)` : ''}`,
  );
  console.log(
    `  server RSS: ${(rssBefore / 1024).toFixed(1)} MiB idle → ${(rssAfter / 1024).toFixed(1)} MiB with ${CLIENTS} sockets: ${((rssAfter - rssBefore) / CLIENTS).toFixed(1)} KiB per connection`,
  );
} finally {
  await Promise.all(clients.map((c) => c.disconnect()));
  await sql.end().catch(() => {});
  stack.child.kill('SIGTERM');
  await new Promise((r) => stack.child.once('exit', r));
  await db.drop();
  await rm(dataDir, { recursive: true, force: true });
}
