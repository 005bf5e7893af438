-- Keyroom baseline, part 1 of 5: the tables of docs/data-model.md and who may reach them. Per table, in the order
-- of DESIGN.md section 3: row-level security, its policies and the grants of each API role, side by side (grants
-- say which statements a role may run at all, policies which rows). Part 2 is the audit log, part 3 the triggers
-- that own version/seq/history/audit/pokes, part 4 the RPCs members call and the Realtime topics, part 5 the admin
-- RPCs.
-- Runs unchanged on a Supabase project and on the local stack (scripts/local-stack/bootstrap.sql provides what
-- Supabase has: roles, auth.*, realtime.*).
--
-- Who may do what is decided in three places: grants (which statements and columns a role may use at all), RLS
-- policies (rows) and the guard triggers (column values). Guard triggers are SECURITY INVOKER and treat
-- `anon`/`authenticated` as API callers; everything else (service_role, and the owner when one of our SECURITY
-- DEFINER functions runs) is trusted.
--
-- Grants are explicit and least-privilege. A Supabase project created since 2026-05-30 grants the API roles no
-- SELECT/INSERT/UPDATE/DELETE on new tables and no EXECUTE on new functions (changelog 45329; supabase/cli
-- RevokeDefaultDataApiPrivilegesSql), but its default privileges still hand them TRUNCATE, REFERENCES and TRIGGER
-- on tables and UPDATE on sequences, PostgreSQL gives EXECUTE on every new function to PUBLIC, and an older
-- project still grants everything. So each object first loses whatever the defaults gave (`revoke all`), then
-- gets exactly what its callers use: `anon` nothing anywhere but prelogin (part 4), no API role TRUNCATE,
-- REFERENCES or TRIGGER; `authenticated` what the app does; `service_role` what the edge functions, admin:init and
-- set-up scripts do.
-- Column-level UPDATE where the guard trigger refuses every other column anyway, so both say the same.
--
-- Nothing has been released: this baseline replaces the migrations written during development. From the first
-- release on, migrations are append-only.

create schema if not exists private;
revoke all on schema private from public;

-- ---------------------------------------------------------------------------------------------------------
-- Tables
-- ---------------------------------------------------------------------------------------------------------

create table public.profiles (
  id uuid primary key references auth.users (id) on delete cascade,
  email text not null unique,
  display_name text not null,
  role text not null default 'member' check (role in ('admin', 'member')),
  status text not null default 'invited' check (status in ('invited', 'enrolled', 'active', 'disabled')),
  x25519_public text check (x25519_public ~ '^[A-Za-z0-9_-]{43}$'),
  ed25519_public text check (ed25519_public ~ '^[A-Za-z0-9_-]{43}$'),
  kdf jsonb check (jsonb_typeof(kdf) = 'object'),
  wrapped_keys jsonb check (jsonb_typeof(wrapped_keys) = 'object'),
  key_certificate jsonb check (jsonb_typeof(key_certificate) = 'object'),
  enrolled_at timestamptz,
  confirmed_at timestamptz,
  confirmed_by uuid,
  created_at timestamptz not null default now(),
  updated_at timestamptz not null default now(),
  -- Members write these into their own row and every colleague's PC reads them: bounded so that nobody can
  -- flood other PCs (docs/security.md "Bounds, oracles, presence"; the client's limits are below these).
  constraint profiles_display_name_size check (length(display_name) <= 200),
  constraint profiles_key_material_size check (
    octet_length(kdf::text) <= 1024 and octet_length(wrapped_keys::text) <= 1024
    and octet_length(key_certificate::text) <= 4096)
);

create table public.vaults (
  id uuid primary key default gen_random_uuid(),
  name text not null check (length(name) between 1 and 200),
  key_version int not null default 1 check (key_version > 0),
  created_by uuid default auth.uid(),
  created_at timestamptz not null default now(),
  updated_at timestamptz not null default now()
);

-- granted_by has no foreign key on purpose: deleting an admin must not rewrite or drop the grants they
-- signed (the signature names them).
create table public.vault_grants (
  id uuid primary key default gen_random_uuid(),
  vault_id uuid not null references public.vaults (id) on delete cascade,
  member_id uuid not null references public.profiles (id) on delete cascade,
  key_version int not null check (key_version > 0),
  sealed_key text not null,
  member_public text not null,
  granted_by uuid default auth.uid(),
  signature text not null,
  created_at timestamptz not null default now(),
  revoked_at timestamptz,
  unique (vault_id, member_id, key_version)
);
create index vault_grants_member_idx on public.vault_grants (member_id);

-- created_by/updated_by/deleted_by carry no foreign key: removing a user must not touch entries (an
-- update would bump version and seq on every entry they ever wrote).
create table public.entries (
  id uuid primary key,
  vault_id uuid not null references public.vaults (id) on delete restrict,
  envelope jsonb not null check (jsonb_typeof(envelope) = 'object'),
  key_version int not null check (key_version > 0),
  version int not null check (version > 0),
  seq bigint not null unique,
  created_by uuid,
  created_at timestamptz not null default now(),
  updated_by uuid,
  updated_at timestamptz not null default now(),
  deleted_at timestamptz,
  deleted_by uuid,
  -- The admin's signature on the last delete or restore (docs/security.md); written with deleted_at by
  -- set_entry_deleted. The database cannot check an Ed25519 signature: every PC does.
  state_proof jsonb
    check (state_proof is null or (jsonb_typeof(state_proof) = 'object' and pg_column_size(state_proof) <= 512)),
  -- Every field of an entry, custom fields included, is inside the envelope: its size bounds them all. The
  -- client refuses a plaintext over 192 KiB (ENTRY_LIMITS.bytes), whose envelope stays well below this.
  constraint entries_envelope_size check (octet_length(envelope::text) <= 327680)
);
create index entries_vault_seq_idx on public.entries (vault_id, seq);

-- Assigned only by the entries trigger, under the advisory lock below.
create sequence public.entries_seq;

create table public.entry_history (
  id bigserial primary key,
  entry_id uuid not null,
  vault_id uuid not null,
  envelope jsonb not null,
  key_version int not null,
  version int not null,
  changed_by uuid,
  changed_at timestamptz not null,
  deleted_at timestamptz
);
create index entry_history_entry_idx on public.entry_history (entry_id, version);

-- id is assigned by the chain trigger under a lock (not by a column default), so id order is chain order.
create sequence public.audit_log_id_seq;
create table public.audit_log (
  id bigint primary key,
  at timestamptz not null default now(),
  actor_id uuid,
  actor_email text,
  action text not null,
  entry_id uuid,
  vault_id uuid,
  target_user_id uuid,
  details jsonb not null default '{}'::jsonb,
  prev_hash text not null,
  hash text not null
);
alter sequence public.audit_log_id_seq owned by public.audit_log.id;
create index audit_log_at_idx on public.audit_log (at);
create index audit_log_entry_idx on public.audit_log (entry_id);
create index audit_log_actor_idx on public.audit_log (actor_id);

-- One row per installed app, written by register_device and revoke_device (part 4; for now also by the app's own
-- upsert, see the grants below). session_id is the Auth session the PC last registered with: the `session_id`
-- claim GoTrue puts in every access token it issues for that session, refreshes included (supabase/auth
-- internal/tokens/service.go AccessTokenClaims.SessionId).
create table public.devices (
  id uuid primary key,
  user_id uuid not null default auth.uid() references public.profiles (id) on delete cascade,
  name text not null default '',
  platform text not null default '',
  app_version text not null default '',
  last_seen timestamptz not null default now(),
  session_id uuid,
  revoked_at timestamptz,
  revoked_by uuid,
  created_at timestamptz not null default now(),
  constraint devices_fields_size check (length(name) <= 200 and length(platform) <= 32 and length(app_version) <= 64)
);
create index devices_user_idx on public.devices (user_id);

-- The Auth sessions of revoked PCs. A revoked PC's access token stays valid until it expires (PostgREST checks
-- only its signature and expiry), so every gate below refuses a request whose session is listed here: one lookup of
-- this primary key (devices needs no index on session_id, nothing looks a device up by it). Kept apart from
-- devices: a PC that signs in afresh clears its device's revocation, while the session it was revoked with (and
-- whoever copied its tokens) stays refused.
create table private.revoked_sessions (
  session_id uuid primary key,
  user_id uuid not null references public.profiles (id) on delete cascade,
  device_id uuid not null,
  revoked_at timestamptz not null default now()
);
revoke all on private.revoked_sessions from public, anon, authenticated, service_role;

-- Per-database secrets, generated at migration time and never readable through the API. `prelogin` keys the fake
-- KDF salts of public.prelogin. pgcrypto is in schema `extensions` on Supabase (and in the local stack's
-- bootstrap).
create table private.secrets (
  name text primary key,
  secret bytea not null check (octet_length(secret) >= 32)
);
insert into private.secrets (name, secret) values ('prelogin', extensions.gen_random_bytes(32));
revoke all on private.secrets from public, anon, authenticated, service_role;

create table public.client_policy (
  id int primary key default 1 check (id = 1),
  min_version text,
  latest_version text,
  critical boolean not null default false,
  release_notes text,
  auto_lock_minutes int not null default 10 check (auto_lock_minutes between 1 and 1440),
  allow_stay_unlocked boolean not null default false,
  office_root_id uuid,
  office_root_public text,
  -- Succession (admin_take_root): who holds the office root's signing key now, as the root key itself signed it
  -- ({holder, n, sig}); every PC checks the signature against its pin. Null: the first admin still holds it.
  root_holder jsonb check (jsonb_typeof(root_holder) = 'object' and octet_length(root_holder::text) <= 512),
  -- The office recovery kit (admin_set_recovery_kit): the root signing key sealed under a printed code that never
  -- reaches the server; a sealed blob only.
  recovery_kit jsonb check (jsonb_typeof(recovery_kit) = 'object' and octet_length(recovery_kit::text) <= 2048),
  updated_at timestamptz not null default now(),
  updated_by uuid
);
insert into public.client_policy (id) values (1);

-- ---------------------------------------------------------------------------------------------------------
-- Caller helpers (read profiles on every call, so a disable or demotion acts on the next request)
-- ---------------------------------------------------------------------------------------------------------

-- Whether the request comes from the Auth session of a revoked PC (one primary-key lookup). Every helper below
-- answers as if the caller had no profile then, so a revoked PC's next request finds nothing, before its access
-- token expires. A request without a session (the service role, the admin RPCs acting as an admin) is not one.
create function public.session_revoked() returns boolean
language sql stable security definer set search_path = ''
as $$
  select exists (
    select 1 from private.revoked_sessions r where r.session_id = nullif(auth.jwt() ->> 'session_id', '')::uuid
  );
$$;

create function public.my_status() returns text
language sql stable security definer set search_path = ''
as $$
  select p.status from public.profiles p where p.id = auth.uid() and not public.session_revoked();
$$;

create function public.is_active_member() returns boolean
language sql stable security definer set search_path = ''
as $$
  select exists (select 1 from public.profiles p where p.id = auth.uid() and p.status = 'active')
    and not public.session_revoked();
$$;

create function public.is_admin() returns boolean
language sql stable security definer set search_path = ''
as $$
  select exists (
    select 1 from public.profiles p where p.id = auth.uid() and p.status = 'active' and p.role = 'admin'
  ) and not public.session_revoked();
$$;

-- The vaults the caller may read: all for an admin; for an active member those with a live grant at the
-- vault's current key_version. Policies use it as `vault_id in (select public.my_vault_ids())`, which
-- Postgres evaluates once per statement, not once per row.
create function public.my_vault_ids() returns setof uuid
language sql stable security definer set search_path = ''
as $$
  select v.id from public.vaults v where public.is_admin()
  union
  select g.vault_id
  from public.vault_grants g
  join public.vaults v on v.id = g.vault_id and v.key_version = g.key_version
  where g.member_id = auth.uid() and g.revoked_at is null and public.is_active_member();
$$;

-- The policies below call these as the requesting user, so `authenticated` executes them (and may call them
-- through /rpc: they reveal only the caller's own standing).
revoke all on function public.session_revoked(), public.my_status(), public.is_active_member(), public.is_admin(),
  public.my_vault_ids() from public, anon, authenticated, service_role;
grant execute on function public.session_revoked(), public.my_status(), public.is_active_member(), public.is_admin(),
  public.my_vault_ids() to authenticated;

-- ---------------------------------------------------------------------------------------------------------
-- profiles
-- ---------------------------------------------------------------------------------------------------------

alter table public.profiles enable row level security;
create policy profiles_select on public.profiles for select to authenticated
  using ((id = (select auth.uid()) and status <> 'disabled' and not (select public.session_revoked()))
    or (select public.is_admin()));
create policy profiles_update_own on public.profiles for update to authenticated
  using (id = (select auth.uid()) and status <> 'disabled' and not (select public.session_revoked()))
  with check (id = (select auth.uid()));

-- A user changes their display name and their enrollment material; role, status, email and confirmation only
-- through the admin RPCs (profiles_guard refuses the same columns, and pins the public keys after enrollment).
-- service_role: admin:init and the admin-users function create profiles and read them; no UPDATE or DELETE, so
-- every change of role or status and every removal goes through the RPCs that keep an admin and the signatures
-- colleagues rely on.
revoke all on public.profiles from anon, authenticated, service_role;
grant select on public.profiles to authenticated;
grant update (display_name, x25519_public, ed25519_public, kdf, wrapped_keys, key_certificate)
  on public.profiles to authenticated;
grant select, insert on public.profiles to service_role;

-- What active members see of each other: owner's rights, so the private key material (kdf, wrapped_keys)
-- of other users stays unreachable while each user still reads their own through the table.
create view public.colleagues with (security_barrier = true) as
  select p.id, p.email, p.display_name, p.role, p.status, p.x25519_public, p.ed25519_public,
    p.key_certificate, p.confirmed_at
  from public.profiles p
  where (select public.is_active_member());

-- Read-only (a simple view is auto-updatable), for members only: the service role reads profiles itself.
revoke all on public.colleagues from anon, authenticated, service_role;
grant select on public.colleagues to authenticated;

-- ---------------------------------------------------------------------------------------------------------
-- vaults
-- ---------------------------------------------------------------------------------------------------------

alter table public.vaults enable row level security;
create policy vaults_select on public.vaults for select to authenticated
  using (id in (select public.my_vault_ids()));
create policy vaults_insert on public.vaults for insert to authenticated
  with check ((select public.is_admin()));
create policy vaults_update on public.vaults for update to authenticated
  using ((select public.is_admin())) with check ((select public.is_admin()));
create policy vaults_delete on public.vaults for delete to authenticated
  using ((select public.is_admin()));

-- Admins create, rename and delete (empty) vaults; the key version changes only through rotate_vault_key and
-- the author is the server's to set (vaults_guard). The service role sets up vaults for scripts and tests.
revoke all on public.vaults from anon, authenticated, service_role;
grant select, insert, delete on public.vaults to authenticated;
grant update (name) on public.vaults to authenticated;
grant select, insert, update, delete on public.vaults to service_role;

-- ---------------------------------------------------------------------------------------------------------
-- vault_grants
-- ---------------------------------------------------------------------------------------------------------

alter table public.vault_grants enable row level security;
create policy vault_grants_select on public.vault_grants for select to authenticated
  using ((member_id = (select auth.uid()) and (select public.is_active_member())) or (select public.is_admin()));
create policy vault_grants_insert on public.vault_grants for insert to authenticated
  with check ((select public.is_admin()) and granted_by = (select auth.uid()));
create policy vault_grants_delete on public.vault_grants for delete to authenticated
  using ((select public.is_admin()));

-- Grants are immutable (grants_check): inserted and deleted, never updated. Rotation, confirmation, reset and
-- take-over replace them inside their RPCs.
revoke all on public.vault_grants from anon, authenticated, service_role;
grant select, insert, delete on public.vault_grants to authenticated;
grant select, insert on public.vault_grants to service_role;

-- ---------------------------------------------------------------------------------------------------------
-- key_revocations
-- ---------------------------------------------------------------------------------------------------------

-- A certificate an admin revoked on disabling, resetting or re-roling its holder (docs/security.md): no admin
-- PC seals a vault key to it again, whatever the server later says about the person. Signed by the revoking
-- admin; kept when the person is deleted (no foreign key), never changed or removed through the API.
create table public.key_revocations (
  user_id uuid not null,
  certificate jsonb not null
    check (jsonb_typeof(certificate) = 'object' and pg_column_size(certificate) <= 512),
  revoked_by uuid not null default auth.uid(),
  signature text not null check (length(signature) <= 100),
  created_at timestamptz not null default now(),
  -- One per revoker: an admin taking over a leaving admin's work signs the same revocation again.
  primary key (user_id, certificate, revoked_by)
);

alter table public.key_revocations enable row level security;
-- Active people read them like colleagues' certificates; an admin adds them, as themselves.
create policy key_revocations_select on public.key_revocations for select to authenticated
  using ((select public.is_active_member()));
create policy key_revocations_insert on public.key_revocations for insert to authenticated
  with check ((select public.is_admin()) and revoked_by = (select auth.uid()));
revoke all on public.key_revocations from anon, authenticated, service_role;
grant select, insert on public.key_revocations to authenticated;

-- ---------------------------------------------------------------------------------------------------------
-- entries
-- ---------------------------------------------------------------------------------------------------------

alter table public.entries enable row level security;
create policy entries_select on public.entries for select to authenticated
  using (vault_id in (select public.my_vault_ids()));
create policy entries_insert on public.entries for insert to authenticated
  with check (vault_id in (select public.my_vault_ids()) and created_by = (select auth.uid()));
create policy entries_update on public.entries for update to authenticated
  using ((select public.is_admin())) with check ((select public.is_admin()));

-- Never hard-deleted. Members insert (the trigger decides author, version and seq whatever the client sent);
-- admins change the ciphertext, its key version and the tombstone through update_entry and set_entry_deleted,
-- which run as the caller. The insert trigger runs as the caller too and takes the next seq.
revoke all on public.entries from anon, authenticated, service_role;
grant select, insert on public.entries to authenticated, service_role;
grant update (envelope, key_version, deleted_at, state_proof) on public.entries to authenticated;
revoke all on sequence public.entries_seq from anon, authenticated, service_role;
grant usage on sequence public.entries_seq to authenticated, service_role;

-- ---------------------------------------------------------------------------------------------------------
-- entry_history
-- ---------------------------------------------------------------------------------------------------------

alter table public.entry_history enable row level security;
create policy entry_history_select on public.entry_history for select to authenticated
  using ((select public.is_admin()));

-- Written only by the entries trigger (as the owner).
revoke all on public.entry_history from anon, authenticated, service_role;
revoke all on sequence public.entry_history_id_seq from anon, authenticated, service_role;
grant select on public.entry_history to authenticated, service_role;

-- ---------------------------------------------------------------------------------------------------------
-- audit_log
-- ---------------------------------------------------------------------------------------------------------

alter table public.audit_log enable row level security;
create policy audit_log_select on public.audit_log for select to authenticated
  using ((select public.is_admin()));

-- Append-only, written by the triggers and the audit RPCs (as the owner); nobody updates or deletes a row.
revoke all on public.audit_log from anon, authenticated, service_role;
revoke all on sequence public.audit_log_id_seq from anon, authenticated, service_role;
grant select on public.audit_log to authenticated, service_role;

-- ---------------------------------------------------------------------------------------------------------
-- devices
-- ---------------------------------------------------------------------------------------------------------

alter table public.devices enable row level security;
create policy devices_select on public.devices for select to authenticated
  using ((user_id = (select auth.uid()) and (select public.is_active_member())) or (select public.is_admin()));

-- The app registers and revokes PCs through register_device and revoke_device (part 4), which audit a new PC and a
-- revocation and poke the person's other PCs.
-- TEMPORARY (issue 15), until the app calls register_device: the app still upserts its own row directly, so
-- INSERT and UPDATE stay granted on the columns it sends (PostgREST's upsert updates every column it sent), never on
-- session_id or the revocation. devices_touch stamps the request's session, and a revoked device or session cannot
-- write. Remove these two policies and the two column grants once no client upserts devices.
create policy devices_insert on public.devices for insert to authenticated
  with check (user_id = (select auth.uid()) and (select public.is_active_member()));
create policy devices_update on public.devices for update to authenticated
  using (user_id = (select auth.uid()) and revoked_at is null and (select public.is_active_member()))
  with check (user_id = (select auth.uid()) and revoked_at is null and (select public.is_active_member()));

revoke all on public.devices from anon, authenticated, service_role;
grant select on public.devices to authenticated;
grant insert (id, user_id, name, platform, app_version, last_seen),
  update (id, user_id, name, platform, app_version, last_seen) on public.devices to authenticated;
grant select, insert on public.devices to service_role;

-- ---------------------------------------------------------------------------------------------------------
-- client_policy
-- ---------------------------------------------------------------------------------------------------------

alter table public.client_policy enable row level security;
create policy client_policy_select on public.client_policy for select to authenticated
  using ((select public.my_status()) in ('invited', 'enrolled', 'active'));

-- Written only through the app-updates RPCs (as the owner); read by the app and by app-updates.
revoke all on public.client_policy from anon, authenticated, service_role;
grant select on public.client_policy to authenticated, service_role;
