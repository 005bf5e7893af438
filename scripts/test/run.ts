// npm test: everything that runs on this machine, in one command, ending with one summary line.
// Steps: lint, type-check, build, vitest (unit, conformance, integration, UI), pgTAP via pg_prove on a
// fresh PostgreSQL database, deno check over the edge functions.
import { spawn } from 'node:child_process';
import { existsSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { openStackDatabase } from '../local-stack/prepare';
import { createTestDatabase, postgresReachable } from './pg';

const root = fileURLToPath(new URL('../..', import.meta.url));
const bin = (name: string) => join(root, 'node_modules/.bin', name);

interface Outcome {
  step: string;
  ok: boolean;
  passed: number;
  failed: number;
  seconds: number;
}
const outcomes: Outcome[] = [];

function run(
  cmd: string,
  args: string[],
  env: NodeJS.ProcessEnv = {},
): Promise<{ code: number; out: string }> {
  return new Promise((resolve) => {
    const child = spawn(cmd, args, {
      cwd: root,
      env: { ...process.env, ...env },
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    let out = '';
    child.stdout.on('data', (d: Buffer) => {
      out += d;
      process.stdout.write(d);
    });
    child.stderr.on('data', (d: Buffer) => {
      out += d;
      process.stderr.write(d);
    });
    child.on('close', (code) => resolve({ code: code ?? 1, out }));
    child.on('error', (err) => resolve({ code: 1, out: String(err) }));
  });
}

async function step(name: string, fn: () => Promise<Omit<Outcome, 'step' | 'seconds'>>) {
  console.log(`\n=== ${name} ===`);
  const t0 = Date.now();
  let o: Omit<Outcome, 'step' | 'seconds'>;
  try {
    o = await fn();
  } catch (err) {
    console.error(`${name}: ${(err as Error).message}`);
    o = { ok: false, passed: 0, failed: 1 };
  }
  outcomes.push({ step: name, seconds: (Date.now() - t0) / 1000, ...o });
}

const simple = async (cmd: string, args: string[]) => {
  const r = await run(cmd, args);
  return { ok: r.code === 0, passed: r.code === 0 ? 1 : 0, failed: r.code === 0 ? 0 : 1 };
};

const only = process.argv.slice(2);
const want = (s: string) => only.length === 0 || only.includes(s);

if (want('lint')) await step('lint (biome)', () => simple(bin('biome'), ['check', '.']));
if (want('typecheck'))
  await step('type-check (tsc)', () => simple(bin('tsc'), ['-p', 'tsconfig.json', '--noEmit']));
if (want('build')) await step('build (esbuild)', () => simple(bin('tsx'), ['scripts/build.ts']));

if (want('pgtap')) {
  await step('pgTAP (pg_prove on PostgreSQL)', async () => {
    if (!(await postgresReachable()))
      throw new Error('no PostgreSQL reachable at DATABASE_URL or 127.0.0.1:5432');
    const tdb = await createTestDatabase('keyroom_pgtap');
    try {
      const { db } = await openStackDatabase({ dbUrl: tdb.url });
      try {
        await db.exec('create extension if not exists pgtap with schema extensions');
      } finally {
        await db.close();
      }
      const files = readdirSync(join(root, 'supabase/tests'))
        .filter((f) => f.endsWith('.sql'))
        .sort()
        .map((f) => join('supabase/tests', f));
      if (files.length === 0) throw new Error('no pgTAP files in supabase/tests');
      const u = new URL(tdb.url);
      const r = await run('pg_prove', [
        '-h',
        u.hostname,
        '-p',
        u.port || '5432',
        '-U',
        decodeURIComponent(u.username || 'postgres'),
        '-d',
        tdb.name,
        ...files,
      ]);
      const total = Number(/Tests=(\d+)/.exec(r.out)?.[1] ?? 0);
      const failedList = /Failed (\d+)\/(\d+) subtests/g;
      let failed = 0;
      for (let m = failedList.exec(r.out); m; m = failedList.exec(r.out)) failed += Number(m[1]);
      if (r.code !== 0 && failed === 0) failed = 1;
      return { ok: r.code === 0, passed: total - failed, failed };
    } finally {
      await tdb.drop();
    }
  });
}

/** One vitest run over `files` (all when empty), counted from its JSON report. */
async function vitest(files: string[], env: NodeJS.ProcessEnv = {}) {
  const report = join(tmpdir(), `keyroom-vitest-${process.pid}-${outcomes.length}.json`);
  const r = await run(
    bin('vitest'),
    ['run', '--reporter=default', '--reporter=json', `--outputFile.json=${report}`, ...files],
    env,
  );
  let passed = 0;
  let failed = r.code === 0 ? 0 : 1;
  if (existsSync(report)) {
    const j = JSON.parse(readFileSync(report, 'utf8')) as {
      numPassedTests: number;
      numFailedTests: number;
    };
    passed = j.numPassedTests;
    failed = Math.max(j.numFailedTests, r.code === 0 ? 0 : 1);
    rmSync(report);
  }
  return { ok: r.code === 0 && passed > 0, passed, failed };
}

// The conformance suites that can target a real project, as package.json's test:conformance names them.
const conformanceFiles =
  (
    JSON.parse(readFileSync(join(root, 'package.json'), 'utf8')) as { scripts: Record<string, string> }
  ).scripts['test:conformance']
    ?.split(' ')
    .slice(2) ?? [];

if (want('vitest')) {
  // Everything, on the new keys (sb_publishable_… / sb_secret_…, ES256 user tokens).
  await step('vitest', () => vitest([]));
  // The conformance suites once more with the legacy anon / service-role JWT keys a project may still hand out.
  await step('conformance (legacy keys)', () =>
    vitest(conformanceFiles, { KEYROOM_CONFORMANCE_KEYS: 'legacy' }),
  );
}

if (want('deno')) {
  await step('deno check (edge functions)', async () => {
    const fnDir = join(root, 'supabase/functions');
    const entries = existsSync(fnDir)
      ? readdirSync(fnDir)
          .filter((d) => !d.startsWith('_') && existsSync(join(fnDir, d, 'index.ts')))
          .map((d) => join('supabase/functions', d, 'index.ts'))
      : [];
    if (entries.length === 0) return { ok: true, passed: 0, failed: 0 };
    return simple(bin('deno'), ['check', '--quiet', ...entries]);
  });
}

console.log('\n=== summary ===');
for (const o of outcomes) {
  console.log(
    `${o.ok ? 'ok  ' : 'FAIL'} ${o.step.padEnd(34)} ${o.passed} passed, ${o.failed} failed (${o.seconds.toFixed(1)} s)`,
  );
}
const passed = outcomes.reduce((n, o) => n + o.passed, 0);
const failed = outcomes.reduce((n, o) => n + (o.ok ? o.failed : Math.max(o.failed, 1)), 0);
console.log(`\nTests: ${passed} passed, ${failed} failed`);
process.exit(outcomes.every((o) => o.ok) ? 0 : 1);
