// The checks over the catalogue: the schema is at the migration this checkout ships, RLS is on for every
// table, and the API roles hold exactly the expected privileges (a missing or an extra one is red, naming the
// table, view, sequence or function).
import { readdirSync } from 'node:fs';
import { join } from 'node:path';
import type { Catalog } from './catalog';
import { EXPECTED_GRANTS } from './expected-grants';
import { type CheckResult, fail, ok } from './report';

/** Migration versions of this checkout (`<version>_<name>.sql` under supabase/migrations). */
export function shippedMigrations(root: string): string[] {
  return readdirSync(join(root, 'supabase/migrations'))
    .map((f) => /^(\d{14})_.+\.sql$/.exec(f)?.[1])
    .filter((v): v is string => v !== undefined)
    .sort();
}

export function migrationCheck(catalog: Catalog, shipped: readonly string[]): CheckResult {
  const name = 'schema at the expected migration';
  const applied = catalog.migrations;
  if (applied === null)
    return fail(name, 'no migration history (supabase_migrations.schema_migrations): run `supabase db push`');
  const missing = shipped.filter((v) => !applied.includes(v));
  const unknown = applied.filter((v) => !shipped.includes(v));
  if (missing.length > 0)
    return fail(name, `not applied: ${missing.join(', ')}; run \`supabase db push\` from this checkout`);
  if (unknown.length > 0)
    return fail(
      name,
      `the database has migrations this checkout does not know (${unknown.join(', ')}): update the checkout or ask who pushed them`,
    );
  return ok(name, `${applied.at(-1)} (${applied.length} migrations)`);
}

/** Tables the expected grants name, e.g. "public.entries". */
function expectedTables(): string[] {
  const names = EXPECTED_GRANTS.filter((g) => g.startsWith('table ')).map((g) => g.split(' ')[1] ?? '');
  return [...new Set(names)].sort();
}

export function rlsCheck(catalog: Catalog): CheckResult {
  const name = 'row-level security on every table';
  const off = catalog.tables.filter((t) => !t.rls).map((t) => `public.${t.name}`);
  const present = new Set(catalog.tables.map((t) => `public.${t.name}`));
  const absent = expectedTables().filter((t) => !present.has(t));
  if (absent.length > 0) return fail(name, `missing tables ${absent.join(', ')}: run \`supabase db push\``);
  if (off.length > 0)
    return fail(
      name,
      `RLS is OFF on ${off.join(', ')}: anyone with the publishable key could read it; run \`alter table … enable row level security\` and find out who turned it off`,
    );
  return ok(name, `on for all ${catalog.tables.length} tables`);
}

/** The object a grant line is about, for grouping ("table public.entries", "function public.is_admin()"). */
function objectOf(line: string): string {
  const [kind, target] = line.split(' ');
  if (kind === 'column') return `table ${(target ?? '').split('.').slice(0, 2).join('.')}`;
  if (kind === 'function') return `function ${line.slice('function '.length, line.indexOf(')') + 1)}`;
  if (kind === 'schema') return `schema ${target}`;
  return `${kind} ${target}`;
}

export function grantChecks(catalog: Catalog): CheckResult[] {
  const actual = new Set(catalog.grants);
  const expected = new Set(EXPECTED_GRANTS);
  const missing = [...expected].filter((g) => !actual.has(g));
  const extra = [...actual].filter((g) => !expected.has(g));
  if (missing.length === 0 && extra.length === 0)
    return [
      ok('grants', `exactly the expected ${expected.size} privileges for anon, authenticated, service_role`),
    ];
  // One red line per object, so the admin sees which table is wrong and both directions of the difference.
  const objects = new Map<string, { missing: string[]; extra: string[] }>();
  const at = (line: string) => {
    const key = objectOf(line);
    const entry = objects.get(key) ?? { missing: [], extra: [] };
    objects.set(key, entry);
    return entry;
  };
  const privilege = (line: string) => line.split(' ').slice(-2).join(' ');
  const column = (line: string) =>
    line.startsWith('column ') ? ` (${line.split(' ')[1]?.split('.')[2]})` : '';
  for (const g of missing) at(g).missing.push(`${privilege(g)}${column(g)}`);
  for (const g of extra) at(g).extra.push(`${privilege(g)}${column(g)}`);
  return [...objects.entries()].sort().map(([object, d]) => {
    const parts = [
      d.missing.length > 0 ? `missing ${d.missing.join(', ')}` : '',
      d.extra.length > 0 ? `extra ${d.extra.join(', ')}` : '',
    ].filter(Boolean);
    return fail(
      `grants on ${object}`,
      `${parts.join('; ')}: restore exactly what supabase/migrations grants (docs/data-model.md, Grants), e.g. by re-running its grant/revoke statements`,
    );
  });
}
