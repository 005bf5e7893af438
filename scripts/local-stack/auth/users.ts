// auth.users as GoTrue reads and writes it, and the user JSON GoTrue returns (built in SQL so PGlite and
// PostgreSQL answer byte-for-byte alike; timestamps in RFC 3339 UTC like Go's encoder).
import type { Queryable } from '../db';

const ts = (col: string) => `to_char(${col} at time zone 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS.US"Z"')`;

/** json of one auth.users row aliased `u`, GoTrue's User shape. */
export const USER_JSON = `json_build_object(
  'id', u.id, 'aud', coalesce(u.aud, ''), 'role', coalesce(u.role, ''), 'email', coalesce(u.email, ''),
  'email_confirmed_at', ${ts('u.email_confirmed_at')}, 'phone', coalesce(u.phone, ''),
  'phone_confirmed_at', ${ts('u.phone_confirmed_at')}, 'confirmed_at', ${ts('u.confirmed_at')},
  'last_sign_in_at', ${ts('u.last_sign_in_at')},
  'app_metadata', coalesce(u.raw_app_meta_data, '{}'::jsonb), 'user_metadata', coalesce(u.raw_user_meta_data, '{}'::jsonb),
  'identities', (select coalesce(json_agg(json_build_object(
      'identity_id', i.id, 'id', i.provider_id, 'user_id', i.user_id, 'identity_data', i.identity_data,
      'provider', i.provider, 'last_sign_in_at', ${ts('i.last_sign_in_at')}, 'created_at', ${ts('i.created_at')},
      'updated_at', ${ts('i.updated_at')}, 'email', i.email) order by i.created_at), '[]'::json)
    from auth.identities i where i.user_id = u.id),
  'created_at', ${ts('u.created_at')}, 'updated_at', ${ts('u.updated_at')},
  'banned_until', ${ts('u.banned_until')}, 'deleted_at', ${ts('u.deleted_at')}, 'is_anonymous', u.is_anonymous
)::text`;

// Go's `omitempty`: these keys are left out rather than sent as null.
const OMIT_WHEN_NULL = [
  'email_confirmed_at',
  'phone_confirmed_at',
  'confirmed_at',
  'last_sign_in_at',
  'banned_until',
  'deleted_at',
];

export type UserJson = Record<string, unknown> & { id: string; email: string };

export function parseUserJson(text: string): UserJson {
  const user = JSON.parse(text) as UserJson;
  for (const key of OMIT_WHEN_NULL) if (user[key] === null) delete user[key];
  return user;
}

export interface UserRow {
  id: string;
  email: string | null;
  encrypted_password: string | null;
  banned: boolean;
  confirmed: boolean;
  json: string;
}

const USER_ROW = `u.id::text as id, u.email, u.encrypted_password,
  coalesce(u.banned_until > now(), false) as banned, u.email_confirmed_at is not null as confirmed,
  ${USER_JSON} as json`;

export async function findUserByEmail(q: Queryable, email: string): Promise<UserRow | undefined> {
  const r = await q.query<UserRow>(
    `select ${USER_ROW} from auth.users u where lower(u.email) = lower($1) and u.deleted_at is null
     and u.is_sso_user = false limit 1`,
    [email],
  );
  return r.rows[0];
}

export async function findUserById(q: Queryable, id: string): Promise<UserRow | undefined> {
  const r = await q.query<UserRow>(`select ${USER_ROW} from auth.users u where u.id = $1::uuid`, [id]);
  return r.rows[0];
}

/** GoTrue accepts Go durations ("876000h", "30m", "1h30m", "10s"); "none" lifts a ban. */
export function parseBanDuration(value: string): number | 'none' | undefined {
  if (value === 'none') return 'none';
  const re = /(\d+(?:\.\d+)?)(h|ms|m|s)/gy;
  const factor: Record<string, number> = { h: 3_600_000, m: 60_000, s: 1000, ms: 1 };
  let total = 0;
  let matched = 0;
  for (let m = re.exec(value); m; m = re.exec(value)) {
    total += Number(m[1]) * (factor[m[2] as string] ?? 0);
    matched = re.lastIndex;
  }
  return matched === value.length && value.length > 0 ? total : undefined;
}
