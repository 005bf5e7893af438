// npm run bench -- rest [--seconds 10] [--clients 10]: requests/second and latency percentiles of an
// authenticated, RLS-filtered select of 50 entries (a member holding a grant to one of two vaults of 50
// entries each) through supabase-js against the local stack, on in-memory PGlite and on a fresh PostgreSQL
// database (created and dropped here).
import { randomBytes, randomUUID } from 'node:crypto';
import { parseArgs } from 'node:util';
import { createClient, type SupabaseClient } from '@supabase/supabase-js';
import ws from 'ws';
import { type RunningStack, startStack } from '../local-stack/server';
import { createTestDatabase, postgresReachable } from '../test/pg';
import { formatMs, summarize } from './_stats';

const { values } = parseArgs({
  options: { seconds: { type: 'string', default: '10' }, clients: { type: 'string', default: '10' } },
});
const SECONDS = Number(values.seconds);
const CLIENTS = Number(values.clients);
const ENTRIES_PER_VAULT = 50;

const connect = (stack: RunningStack, key: string, accessToken?: string): SupabaseClient =>
  createClient(stack.url, key, {
    auth: { persistSession: false, autoRefreshToken: false },
    realtime: { transport: ws as never },
    ...(accessToken ? { accessToken: async () => accessToken } : {}),
  });

async function must<R extends { error: { message: string } | null }>(
  p: PromiseLike<R>,
  what: string,
): Promise<R> {
  const r = await p;
  if (r.error) throw new Error(`${what}: ${r.error.message}`);
  return r;
}

/** An active admin, an active member with a grant to vault A only, and 50 entries in each of vaults A and B. */
async function seed(stack: RunningStack): Promise<string> {
  const svc = connect(stack, stack.secretKey);
  const person = async (role: 'admin' | 'member', x25519?: string) => {
    const email = `${role}-${randomBytes(4).toString('hex')}@bench.test`;
    const password = randomBytes(12).toString('base64url');
    const created = await must(
      svc.auth.admin.createUser({ email, password, email_confirm: true }),
      'createUser',
    );
    const user = created.data.user;
    if (!user) throw new Error('createUser returned no user');
    await must(
      svc.from('profiles').insert({
        id: user.id,
        email,
        display_name: role,
        role,
        status: 'active',
        x25519_public: x25519 ?? null,
      }),
      'profile',
    );
    return { id: user.id, email, password };
  };
  const admin = await person('admin');
  const x25519 = randomBytes(32).toString('base64url');
  const member = await person('member', x25519);
  const [a, b] = [randomUUID(), randomUUID()];
  await must(
    svc.from('vaults').insert([
      { id: a, name: 'A' },
      { id: b, name: 'B' },
    ]),
    'vaults',
  );
  await must(
    svc.from('vault_grants').insert({
      vault_id: a,
      member_id: member.id,
      key_version: 1,
      sealed_key: randomBytes(48).toString('base64url'),
      member_public: x25519,
      granted_by: admin.id,
      signature: randomBytes(64).toString('base64url'),
    }),
    'grant',
  );
  const entries = [a, b].flatMap((vault_id) =>
    Array.from({ length: ENTRIES_PER_VAULT }, () => ({
      id: randomUUID(),
      vault_id,
      key_version: 1,
      envelope: {
        v: 1,
        alg: 'xchacha20poly1305',
        kv: 1,
        nonce: randomBytes(24).toString('base64url'),
        ct: randomBytes(300).toString('base64url'),
        cm: randomBytes(32).toString('base64url'),
      },
    })),
  );
  await must(svc.from('entries').insert(entries), 'entries');
  const anon = connect(stack, stack.publishableKey);
  const signedIn = await must(
    anon.auth.signInWithPassword({ email: member.email, password: member.password }),
    'sign-in',
  );
  const session = signedIn.data.session;
  if (!session) throw new Error('no session');
  return session.access_token;
}

async function run(label: string, stack: RunningStack): Promise<void> {
  const token = await seed(stack);
  const clients = Array.from({ length: CLIENTS }, () => connect(stack, stack.publishableKey, token));
  const select = async (c: SupabaseClient) => {
    const { data, error } = await c.from('entries').select('*').order('seq');
    if (error) throw new Error(error.message);
    if (data.length !== ENTRIES_PER_VAULT) throw new Error(`RLS returned ${data.length} entries`);
  };
  for (const c of clients) await select(c);
  const samples: number[] = [];
  const until = performance.now() + SECONDS * 1000;
  const started = performance.now();
  await Promise.all(
    clients.map(async (c) => {
      while (performance.now() < until) {
        const t0 = performance.now();
        await select(c);
        samples.push(performance.now() - t0);
      }
    }),
  );
  const elapsed = (performance.now() - started) / 1000;
  const s = summarize(samples);
  console.log(
    `${label}: ${(samples.length / elapsed).toFixed(0)} req/s with ${CLIENTS} clients over ${elapsed.toFixed(1)} s; ` +
      `p50=${s.p50.toFixed(1)} ms p95=${s.p95.toFixed(1)} ms`,
  );
  console.log(`  ${formatMs('latency', samples)}`);
}

console.log(
  `rest bench: authenticated RLS-filtered select of ${ENTRIES_PER_VAULT} entries (of ${2 * ENTRIES_PER_VAULT})`,
);
{
  const stack = await startStack({ port: 0 });
  try {
    await run('PGlite (in memory)', stack);
  } finally {
    await stack.stop();
  }
}
if (await postgresReachable()) {
  const tdb = await createTestDatabase('keyroom_bench');
  try {
    const stack = await startStack({ port: 0, dbUrl: tdb.url });
    try {
      await run('PostgreSQL', stack);
    } finally {
      await stack.stop();
    }
  } finally {
    await tdb.drop();
  }
} else {
  console.log('PostgreSQL: not reachable at DATABASE_URL or 127.0.0.1:5432, skipped');
}
