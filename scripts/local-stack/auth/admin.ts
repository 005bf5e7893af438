// GoTrue's admin user API (/admin/users…), for the service role only.
import { randomBytes, randomUUID } from 'node:crypto';
import bcrypt from 'bcryptjs';
import type { Transaction } from '../db';
import { bearer, sendJson } from '../http/respond';
import { JwtError } from '../jwt';
import { type AuthDeps, type AuthRequest, BCRYPT_COST, checkPassword, readParams } from './common';
import { AuthError, badRequest, forbidden, noMailer, notFound, unprocessable } from './errors';
import { AdminDelete, AdminInvite, AdminUserParams, validateEmail, validatePhone } from './params';
import { findUserByEmail, findUserById, parseBanDuration, parseUserJson, USER_JSON } from './users';

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;
const NIL_INSTANCE = '00000000-0000-0000-0000-000000000000';

/** supabase/auth internal/api/middleware.go requireAdminCredentials + auth.go requireAdmin. */
export async function requireAdmin(deps: AuthDeps, r: AuthRequest): Promise<void> {
  const token = bearer(r.req);
  if (!token) throw new AuthError(401, 'no_authorization', 'This endpoint requires a valid Bearer token');
  let role: string;
  try {
    role = (await deps.ctx.verifyJwt(token)).role;
  } catch (err) {
    const why =
      err instanceof JwtError && err.reason === 'expired' ? 'token is expired' : 'signature is invalid';
    throw forbidden('bad_jwt', `invalid JWT: unable to parse or verify signature, ${why}`);
  }
  if (role !== 'service_role') throw forbidden('not_admin', 'User not allowed');
}

/** Metadata merge as GoTrue does it: keys set to null are removed, others replaced. */
const MERGE_SQL = (col: string, param: string) => `(
  select coalesce(jsonb_object_agg(k, v) filter (where v <> 'null'::jsonb), '{}'::jsonb)
  from jsonb_each(coalesce(${col}, '{}'::jsonb) || ${param}::jsonb) as e(k, v))`;

function banUntil(value: string | undefined): { set: boolean; ms: number | null } {
  if (value === undefined || value === '') return { set: false, ms: null };
  const d = parseBanDuration(value);
  if (d === undefined)
    throw badRequest(
      'validation_failed',
      `invalid format for ban duration: time: invalid duration "${value.slice(0, 40)}"`,
    );
  return { set: true, ms: d === 'none' || d === 0 ? null : d };
}

async function applyCommon(tx: Transaction, id: string, p: AdminUserParams, hash: string | undefined) {
  if (p.role) await tx.query('update auth.users set role = $2 where id = $1::uuid', [id, p.role]);
  if (p.email_confirm)
    await tx.query(
      'update auth.users set email_confirmed_at = coalesce(email_confirmed_at, now()) where id = $1::uuid',
      [id],
    );
  if (hash) await tx.query('update auth.users set encrypted_password = $2 where id = $1::uuid', [id, hash]);
  if (p.app_metadata)
    await tx.query(
      `update auth.users set raw_app_meta_data = ${MERGE_SQL('raw_app_meta_data', '$2')} where id = $1::uuid`,
      [id, JSON.stringify(p.app_metadata)],
    );
  if (p.user_metadata)
    await tx.query(
      `update auth.users set raw_user_meta_data = ${MERGE_SQL('raw_user_meta_data', '$2')} where id = $1::uuid`,
      [id, JSON.stringify(p.user_metadata)],
    );
  const ban = banUntil(p.ban_duration);
  if (ban.set)
    await tx.query(
      `update auth.users set banned_until = case when $2::float8 is null then null
         else now() + make_interval(secs => $2::float8 / 1000) end where id = $1::uuid`,
      [id, ban.ms],
    );
  await tx.query('update auth.users set updated_at = now() where id = $1::uuid', [id]);
}

/** gofrs/uuid FromString's forms: canonical, braced, `urn:uuid:` and 32 bare hex digits; undefined otherwise. */
function parseUuid(raw: string): string | undefined {
  const s = raw.replace(/^urn:uuid:/i, '').replace(/^\{(.*)\}$/, '$1');
  const hex = /^[0-9a-f]{32}$/i.test(s) ? s : UUID.test(s) ? s.replaceAll('-', '') : undefined;
  if (!hex) return undefined;
  const h = hex.toLowerCase();
  return `${h.slice(0, 8)}-${h.slice(8, 12)}-${h.slice(12, 16)}-${h.slice(16, 20)}-${h.slice(20)}`;
}

/** POST /admin/users (supabase/auth internal/api/admin.go adminUserCreate), checks in GoTrue's order. */
async function createUser(deps: AuthDeps, r: AuthRequest): Promise<void> {
  const p = await readParams(r.req, AdminUserParams);
  if (!p.email && !p.phone)
    throw badRequest('validation_failed', 'Cannot create a user without either an email or phone');
  const email = p.email ? validateEmail(p.email) : '';
  if (email) {
    const dup = await deps.db.query(
      'select 1 from auth.users where lower(email) = $1 and is_sso_user = false and deleted_at is null',
      [email],
    );
    if (dup.rows.length > 0)
      throw unprocessable('email_exists', 'A user with this email address has already been registered');
  }
  if (p.phone) {
    validatePhone(p.phone);
    throw new AuthError(
      501,
      'not_implemented',
      'Users with a phone number are not modelled by the local stack',
    );
  }
  if (p.password !== undefined && p.password_hash)
    throw badRequest('validation_failed', 'Only a password or a password hash should be provided');
  if (p.password_hash)
    throw new AuthError(
      501,
      'not_implemented',
      'Importing a password hash is not modelled by the local stack',
    );
  let id: string = randomUUID();
  if (p.id !== undefined && p.id !== '') {
    const parsed = parseUuid(p.id);
    if (!parsed) throw badRequest('validation_failed', 'ID must conform to the uuid v4 format');
    if (parsed === NIL_INSTANCE) throw badRequest('validation_failed', 'ID cannot be a nil uuid');
    id = parsed;
  }
  banUntil(p.ban_duration);
  // No strength check here: GoTrue checks password strength on sign-up and updates, not on admin create.
  // Without a password GoTrue stores a random one nobody knows.
  const hash = await bcrypt.hash(p.password || randomBytes(32).toString('base64url'), BCRYPT_COST);
  const json = await deps.db.transaction(async (tx) => {
    const taken = await tx.query('select 1 from auth.users where id = $1::uuid', [id]);
    // GoTrue's insert fails on the primary key and it answers its generic database error.
    if (taken.rows.length > 0)
      throw new AuthError(500, 'unexpected_failure', 'Database error creating new user');
    await tx.query(
      `insert into auth.users (instance_id, id, aud, role, email, encrypted_password, raw_app_meta_data,
         raw_user_meta_data, created_at, updated_at, confirmation_token, recovery_token, email_change_token_new,
         email_change, is_anonymous)
       values ($1::uuid, $2::uuid, 'authenticated', 'authenticated', $3, $4,
         '{"provider":"email","providers":["email"]}'::jsonb, $5::jsonb, now(), now(), '', '', '', '', false)`,
      [NIL_INSTANCE, id, email, hash, JSON.stringify(p.user_metadata ?? {})],
    );
    await tx.query(
      `insert into auth.identities (provider_id, user_id, identity_data, provider, created_at, updated_at)
       values ($1::text, $2::uuid, jsonb_build_object('sub', $1::text, 'email', $3::text, 'email_verified', false,
         'phone_verified', false), 'email', now(), now())`,
      [id, id, email],
    );
    await applyCommon(tx, id, { ...p, user_metadata: undefined }, undefined);
    return (await findUserById(tx, id))?.json;
  });
  if (!json) throw new Error('created user vanished');
  sendJson(r.res, 200, parseUserJson(json));
}

/** `page` / `per_page` as GoTrue's paginate reads them (internal/api/pagination.go): empty means the default. */
function pageParam(raw: string | null, fallback: number): number {
  if (raw === null || raw === '') return fallback;
  // strconv.ParseUint; a value past what the stand-in can page with is refused rather than wrapped.
  if (!/^[0-9]+$/.test(raw))
    throw badRequest(
      'validation_failed',
      `Bad Pagination Parameters: strconv.ParseUint: parsing ${JSON.stringify(raw.slice(0, 40))}: invalid syntax`,
    );
  const n = Number(raw);
  if (n > 1_000_000_000)
    throw badRequest('validation_failed', 'Bad Pagination Parameters: too large for the local stack');
  return n;
}

/** GoTrue's sort parameter for the user list: only created_at, asc or desc (internal/api/sorting.go). */
function sortOrder(values: string[]): string {
  if (values.length === 0) return 'u.created_at desc';
  return values
    .map((v) => {
      const [field, dir, ...rest] = v.split(' ');
      if (field !== 'created_at')
        throw badRequest(
          'validation_failed',
          `Bad Sort Parameters: bad field for sort '${field?.slice(0, 40)}'`,
        );
      const d = [dir, ...rest].join(' ');
      if (dir !== undefined && !['ASC', 'DESC'].includes(d.toUpperCase()))
        throw badRequest(
          'validation_failed',
          `Bad Sort Parameters: bad direction for sort '${d.slice(0, 40)}', only 'asc' and 'desc' allowed`,
        );
      return `u.created_at ${dir === undefined ? 'desc' : d.toLowerCase()}`;
    })
    .join(', ');
}

/** Go's url.Values.Encode: keys sorted, values query-escaped. */
function encodeQuery(q: URLSearchParams): string {
  const keys = [...new Set(q.keys())].sort();
  const esc = (v: string) => encodeURIComponent(v).replaceAll('%20', '+');
  return keys.flatMap((k) => q.getAll(k).map((v) => `${esc(k)}=${esc(v)}`)).join('&');
}

/**
 * GET /admin/users (internal/api/admin.go adminUsers with offset paging; the experimental cursor mode is off):
 * every user of the audience, soft-deleted ones included, `filter` matching email or full_name.
 */
async function listUsers(deps: AuthDeps, r: AuthRequest): Promise<void> {
  const order = sortOrder(r.query.getAll('sort'));
  const page = pageParam(r.query.get('page'), 1);
  const perPage = pageParam(r.query.get('per_page'), 50);
  // GoTrue divides by per_page for its Link header and fails with a 500; the stand-in says so instead.
  if (perPage === 0) throw badRequest('validation_failed', 'per_page=0 is not modelled by the local stack');
  const filter = r.query.get('filter') ?? '';
  const res = await deps.db.query<{ users: string; total: string }>(
    `with matched as (
       select u.* from auth.users u
       where u.instance_id = $3::uuid and u.aud = 'authenticated'
         and ($4 = '' or u.email like '%' || $4 || '%' or u.raw_user_meta_data->>'full_name' ilike '%' || $4 || '%'))
     select coalesce((select json_agg(x.j order by x.n)::text from (
         select ${USER_JSON} as j, row_number() over (order by ${order}, u.id) as n from matched u
         order by ${order}, u.id limit $1 offset $2) x), '[]') as users,
       (select count(*) from matched)::text as total`,
    // pop's Paginate treats page 0 as page 1.
    [perPage, (Math.max(page, 1) - 1) * perPage, NIL_INSTANCE, filter],
  );
  const row = res.rows[0];
  const users = (JSON.parse(row?.users ?? '[]') as string[]).map((j) => parseUserJson(j));
  const total = Number(row?.total ?? '0');
  // addPaginationHeaders: the request's own URL with `page` replaced, "next" only when there is a next page.
  const last = Math.ceil(total / perPage);
  const link = (n: number, rel: string) => {
    const q = new URLSearchParams(r.query);
    q.set('page', String(n));
    return `</admin/users?${encodeQuery(q)}>; rel="${rel}"`;
  };
  const links = [...(last > page ? [link(page + 1, 'next')] : []), link(last, 'last')];
  sendJson(
    r.res,
    200,
    { users, aud: 'authenticated' },
    { 'x-total-count': String(total), link: links.join(', ') },
  );
}

/**
 * POST /invite (internal/api/invite.go), admins only: a confirmed address is refused as GoTrue refuses it;
 * anything else would mail an invitation, which the stand-in cannot.
 */
export async function invite(deps: AuthDeps, r: AuthRequest): Promise<void> {
  await requireAdmin(deps, r);
  const p = await readParams(r.req, AdminInvite);
  const email = validateEmail(p.email ?? '');
  const user = await findUserByEmail(deps.db, email);
  if (user?.confirmed)
    throw unprocessable('email_exists', 'A user with this email address has already been registered');
  throw noMailer('Inviting a user');
}

async function loadUser(deps: AuthDeps, id: string) {
  if (!UUID.test(id)) throw notFound('validation_failed', 'user_id must be an UUID');
  const user = await findUserById(deps.db, id);
  if (!user) throw notFound('user_not_found', 'User not found');
  return user;
}

async function updateUser(deps: AuthDeps, r: AuthRequest, id: string): Promise<void> {
  await loadUser(deps, id);
  const p = await readParams(r.req, AdminUserParams);
  if (p.phone) throw unprocessable('phone_provider_disabled', 'Phone logins are disabled');
  banUntil(p.ban_duration);
  let hash: string | undefined;
  if (p.password !== undefined) {
    checkPassword(deps.settings, p.password);
    hash = await bcrypt.hash(p.password, BCRYPT_COST);
  }
  // An empty email leaves it as it is (adminUserUpdate only looks at a non-empty one).
  const email = p.email ? validateEmail(p.email) : undefined;
  const json = await deps.db.transaction(async (tx) => {
    if (email !== undefined) {
      const dup = await tx.query(
        'select 1 from auth.users where lower(email) = $1 and id <> $2::uuid and deleted_at is null',
        [email, id],
      );
      if (dup.rows.length > 0)
        throw unprocessable('email_exists', 'A user with this email address has already been registered');
      await tx.query('update auth.users set email = $2 where id = $1::uuid', [id, email]);
      await tx.query(
        `update auth.identities set identity_data = identity_data || jsonb_build_object('email', $2::text),
           updated_at = now() where user_id = $1::uuid and provider = 'email'`,
        [id, email],
      );
    }
    await applyCommon(tx, id, p, hash);
    // GoTrue signs a user out everywhere when an admin sets their password.
    if (hash) await tx.query('delete from auth.sessions where user_id = $1::uuid', [id]);
    return (await findUserById(tx, id))?.json;
  });
  if (!json) throw notFound('user_not_found', 'User not found');
  sendJson(r.res, 200, parseUserJson(json));
}

async function deleteUser(deps: AuthDeps, r: AuthRequest, id: string): Promise<void> {
  await loadUser(deps, id);
  const p = await readParams(r.req, AdminDelete);
  if (p.should_soft_delete) {
    await deps.db.transaction(async (tx) => {
      await tx.query(
        `update auth.users set deleted_at = coalesce(deleted_at, now()), email = null, phone = null,
           encrypted_password = '', raw_app_meta_data = '{}', raw_user_meta_data = '{}' where id = $1::uuid`,
        [id],
      );
      await tx.query('delete from auth.identities where user_id = $1::uuid', [id]);
      await tx.query('delete from auth.sessions where user_id = $1::uuid', [id]);
    });
  } else {
    await deps.db.query('delete from auth.users where id = $1::uuid', [id]);
  }
  sendJson(r.res, 200, {});
}

export function adminRoutes(deps: AuthDeps): (r: AuthRequest) => Promise<void> {
  return async (r) => {
    await requireAdmin(deps, r);
    if (r.path === '/admin/users') {
      if (r.method === 'GET') return listUsers(deps, r);
      if (r.method === 'POST') return createUser(deps, r);
      throw new AuthError(405, 'method_not_allowed', 'Method Not Allowed');
    }
    // Only a UUID is a user id, so the raw segment is checked without decoding it.
    const id = r.path.slice('/admin/users/'.length);
    if (id.includes('/')) throw new AuthError(404, 'not_found', 'Not Found');
    if (r.method === 'GET') return sendJson(r.res, 200, parseUserJson((await loadUser(deps, id)).json));
    if (r.method === 'PUT') return updateUser(deps, r, id);
    if (r.method === 'DELETE') return deleteUser(deps, r, id);
    throw new AuthError(405, 'method_not_allowed', 'Method Not Allowed');
  };
}
