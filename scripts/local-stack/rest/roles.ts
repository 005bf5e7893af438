// What PostgREST reads from the database besides the schema: the settings of the roles it impersonates
// (PostgREST/postgrest v14 src/PostgREST/Config/Database.hs queryRoleSettings) and the time zone names that
// `Prefer: timezone=` may name (SchemaCache.hs, pg_timezone_names). PostgREST reads both at start, on every
// schema-cache reload and on NOTIFY pgrst, 'reload config' (AppState.hs retryingSchemaCacheLoad, Listener.hs).
//
// PostgREST logs in as `authenticator`, so PostgreSQL itself applies authenticator's settings to the session
// (Supabase: statement_timeout and lock_timeout 8s, supabase/postgres migrations 20221028101028 and
// 20231130133139); service_role has none of its own and keeps them. The stand-in connects as the database
// owner instead, so it applies authenticator's settings itself, ahead of the impersonated role's, each with
// set_config(…, true) in the request's transaction, the way PostgREST applies role settings (PreQuery.hs).
import { z } from 'zod';
import type { Queryable } from '../db';

export interface DbConfig {
  /** Settings PostgreSQL applies to authenticator's session at login. */
  login: [string, string][];
  /** Per impersonated role: its settings (lower-cased values, as PostgREST reads them). */
  roles: Map<string, [string, string][]>;
  /** Per impersonated role that sets one: default_transaction_isolation (PostgREST starts the transaction so). */
  isolation: Map<string, string>;
  timezones: Set<string>;
}

const Row = z.object({ rolname: z.string(), key: z.string(), value: z.string(), login: z.boolean() });

// Only settings any role may set (context 'user') or that authenticator was granted SET on (PostgreSQL 15+), as
// PostgREST filters them; the role list is the roles authenticator is a member of, plus authenticator itself.
const ROLE_SETTINGS_SQL = `
with auth as (select oid from pg_roles where rolname = 'authenticator'),
role_setting as (
  select r.rolname, unnest(r.rolconfig) as setting, false as login
  from pg_auth_members m join pg_roles r on r.oid = m.roleid join auth on m.member = auth.oid
  union all
  select r.rolname, unnest(r.rolconfig), true from pg_roles r join auth on r.oid = auth.oid
),
kv as (
  select rolname, login, substr(setting, 1, strpos(setting, '=') - 1) as key,
    lower(substr(setting, strpos(setting, '=') + 1)) as value
  from role_setting
)
select kv.rolname::text as rolname, kv.key, kv.value, kv.login
from kv cross join auth
join pg_settings ps on ps.name = kv.key
  and (ps.context = 'user' or has_parameter_privilege(auth.oid, ps.name, 'set'))
order by kv.rolname, kv.key`;

export async function loadDbConfig(db: Queryable): Promise<DbConfig> {
  const rows = z.array(Row).parse((await db.query(ROLE_SETTINGS_SQL)).rows);
  const login: [string, string][] = [];
  const roles = new Map<string, [string, string][]>();
  const isolation = new Map<string, string>();
  for (const r of rows) {
    if (r.login) {
      // PostgREST sets the isolation level itself; at login PostgreSQL would apply it like any other.
      login.push([r.key, r.value]);
      continue;
    }
    if (r.key === 'default_transaction_isolation') {
      isolation.set(r.rolname, r.value);
      continue;
    }
    roles.set(r.rolname, [...(roles.get(r.rolname) ?? []), [r.key, r.value]]);
  }
  const tz = await db.query<{ name: string }>('select name from pg_timezone_names');
  return { login, roles, isolation, timezones: new Set(tz.rows.map((r) => r.name)) };
}

const UNITS: Record<string, number> = { us: 0.001, ms: 1, s: 1000, min: 60_000, h: 3_600_000, d: 86_400_000 };

/** A statement_timeout value as PostgreSQL reads it (a bare number is milliseconds); 0 or unreadable: none. */
export function timeoutMs(value: string | undefined): number | undefined {
  const m = value === undefined ? null : /^\s*(\d+(?:\.\d+)?)\s*(us|ms|s|min|h|d)?\s*$/.exec(value);
  if (!m) return undefined;
  const ms = Number(m[1]) * (UNITS[m[2] ?? 'ms'] ?? 1);
  return ms > 0 ? ms : undefined;
}
