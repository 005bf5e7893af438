// npm run doctor -- --url <project url> --key <publishable key> [--no-colour] [--print-grants]
// Checks a Supabase project (real or the local stack) the way an office admin needs it: one line per check,
// green or red with what to do, exit code 1 when anything is red. Through the API with the publishable key:
// reachable, sign-ups off, JWKS, anon sees nothing. With SUPABASE_SECRET_KEY in the environment: the office
// policy row, both edge functions and a private Realtime join, as a throw-away user (deleted again). With
// SUPABASE_DB_URL in the environment: migration history, RLS on every table, and exactly the expected grants.
// The secret key and the database URL come from the environment only, never the command line, where every user
// of the PC could read them in the process list; a secret key given as --key is refused.
import { fileURLToPath, pathToFileURL } from 'node:url';
import { parseArgs } from 'node:util';
import { z } from 'zod';
import { PublishableKey } from '../../src/shared/office-config';
import {
  type ApiTarget,
  anonSeesNothing,
  jwksServed,
  policyRow,
  reachable,
  signupsOff,
  strangerChecks,
} from './api-checks';
import { readCatalog } from './catalog';
import { grantChecks, migrationCheck, rlsCheck, shippedMigrations } from './catalog-checks';
import { type CheckResult, exitCode, fail, formatLine, skip } from './report';

const root = fileURLToPath(new URL('../..', import.meta.url));
const NEEDS_DB =
  'not checked: set SUPABASE_DB_URL (a read-only role is enough, docs/deploy.md) in the environment';

export interface DoctorOptions extends ApiTarget {
  dbUrl: string | undefined;
}

async function catalogChecks(dbUrl: string | undefined): Promise<CheckResult[]> {
  const names = ['schema at the expected migration', 'row-level security on every table', 'grants'];
  if (!dbUrl) return names.map((n) => skip(n, NEEDS_DB));
  try {
    const catalog = await readCatalog(dbUrl);
    return [migrationCheck(catalog, shippedMigrations(root)), rlsCheck(catalog), ...grantChecks(catalog)];
  } catch (e) {
    const why = e instanceof Error ? e.message.split('\n')[0] : 'unknown error';
    return names.map((n) => fail(n, `cannot read the database catalogue (${why}): check SUPABASE_DB_URL`));
  }
}

/** Runs every check in order; a project that cannot be reached stops after that line. */
export async function runDoctor(o: DoctorOptions, onResult: (r: CheckResult) => void = () => {}) {
  const results: CheckResult[] = [];
  const add = (r: CheckResult) => {
    results.push(r);
    onResult(r);
  };
  const first = await reachable(o);
  add({ name: first.name, outcome: first.outcome, detail: first.detail });
  if (first.outcome === 'fail') return results;
  add(signupsOff(first.settings));
  add(await jwksServed(o));
  add(await anonSeesNothing(o));
  add(await policyRow(o));
  for (const r of await strangerChecks(o)) add(r);
  for (const r of await catalogChecks(o.dbUrl)) add(r);
  return results;
}

export class DoctorUsageError extends Error {}

export function parseDoctorArgs(argv: string[], env: NodeJS.ProcessEnv) {
  let values: { url?: string; key?: string; 'no-colour'?: boolean; 'print-grants'?: boolean };
  try {
    ({ values } = parseArgs({
      args: argv,
      options: {
        url: { type: 'string' },
        key: { type: 'string' },
        'no-colour': { type: 'boolean' },
        'print-grants': { type: 'boolean' },
      },
    }));
  } catch (e) {
    throw new DoctorUsageError(
      `${e instanceof Error ? e.message : 'bad arguments'}. Usage: npm run doctor -- --url <project url> --key <publishable key>; SUPABASE_SECRET_KEY and SUPABASE_DB_URL come from the environment`,
    );
  }
  const url = z.url({ protocol: /^https?$/ }).safeParse(values.url ?? env.SUPABASE_URL);
  if (!url.success) throw new DoctorUsageError('--url <project url> is required (https://<ref>.supabase.co)');
  const key = PublishableKey.safeParse(values.key ?? env.SUPABASE_PUBLISHABLE_KEY);
  if (!key.success)
    throw new DoctorUsageError(`--key: ${key.error.issues[0]?.message ?? 'the publishable key is required'}`);
  return {
    options: {
      url: url.data.replace(/\/+$/, ''),
      publishableKey: key.data,
      secretKey: env.SUPABASE_SECRET_KEY || env.SUPABASE_SERVICE_ROLE_KEY || undefined,
      dbUrl: env.SUPABASE_DB_URL || undefined,
    } satisfies DoctorOptions,
    colour: !values['no-colour'] && process.stdout.isTTY === true,
    printGrants: values['print-grants'] === true,
  };
}

export async function main(argv: string[], env: NodeJS.ProcessEnv): Promise<number> {
  let parsed: ReturnType<typeof parseDoctorArgs>;
  try {
    parsed = parseDoctorArgs(argv, env);
  } catch (e) {
    if (!(e instanceof DoctorUsageError)) throw e;
    console.error(`doctor: ${e.message}`);
    return 2;
  }
  const { options, colour, printGrants } = parsed;
  if (printGrants) {
    if (!options.dbUrl) {
      console.error('doctor: --print-grants reads the catalogue: set SUPABASE_DB_URL');
      return 2;
    }
    for (const line of (await readCatalog(options.dbUrl)).grants) console.log(line);
    return 0;
  }
  console.log(`Keyroom doctor: ${options.url}`);
  const results = await runDoctor(options, (r) => console.log(formatLine(r, colour)));
  const failed = results.filter((r) => r.outcome === 'fail').length;
  const skipped = results.filter((r) => r.outcome === 'skip').length;
  console.log(
    failed > 0
      ? `${failed} check(s) failed: fix the red lines, then run the doctor again.`
      : `All ${results.length - skipped} checks passed${skipped > 0 ? ` (${skipped} not checked, see above)` : ''}.`,
  );
  return exitCode(results);
}

if (import.meta.url === pathToFileURL(process.argv[1] ?? '').href) {
  process.exitCode = await main(process.argv.slice(2), process.env);
}
