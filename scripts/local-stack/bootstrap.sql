-- What a Supabase database already has before the project's own migrations run: the API roles and their
-- grants, the role that owns and applies the migrations, the `extensions` schema with pgcrypto, GoTrue's `auth`
-- tables and helper functions, and Realtime's `realtime.messages`, `realtime.topic()` and `realtime.send()`.
-- It models a project created today: no default grants to the API roles on new tables, sequences or functions,
-- migrations applied by a non-superuser owner with BYPASSRLS, Supabase's statement timeouts.
--
-- Written from Supabase's own definitions (supabase/postgres init scripts, supabase/auth migrations,
-- supabase/realtime migrations) so that supabase/migrations run unchanged here and on a real project.
-- Runs on PostgreSQL 15 and on PGlite (PG 18, single user `postgres`).
--
-- Local-stack difference, on purpose: realtime.send() also NOTIFYs channel `realtime_broadcast` with
-- {id, topic, event, private, payload}; that is how the local Realtime server learns about broadcasts
-- (the real one reads the table through logical replication).

-- Roles are cluster-wide: many test databases share one PostgreSQL cluster, so create them only once.
-- Two databases bootstrapping at the same moment on a fresh cluster can both pass the pg_roles check;
-- the loser's duplicate is harmless, so it is swallowed.
do $$
declare
  r record;
begin
  for r in
    select * from (values
      ('anon', 'nologin noinherit'),
      ('authenticated', 'nologin noinherit'),
      ('service_role', 'nologin noinherit bypassrls'),
      ('authenticator', 'nologin noinherit'),
      -- Owns realtime.messages, and the project owner is a member of it, which is what lets migrations create
      -- policies on that table (supabase/realtime migrations 20240401105812 and 20260707120000).
      ('supabase_realtime_admin', 'nologin noinherit'),
      -- Stands in for Supabase's `postgres`, the role that runs migrations and owns the project's objects: NOT a
      -- superuser (Supabase demotes it; `supabase_admin` is the superuser) but CREATEDB CREATEROLE BYPASSRLS
      -- (supabase/postgres migrations/db/migrations/10000000000000_demote-postgres.sql, supabase/cli
      -- internal/utils/templates/globals.sql). It cannot be named postgres here: the local PostgreSQL and PGlite
      -- connect as their only superuser, `postgres`, so apply.ts runs every migration under SET ROLE to this one.
      -- NOLOGIN: nobody connects as it (on the shared local cluster a login role with trust auth would be open).
      ('migration_owner', 'nologin inherit createdb createrole bypassrls')
    ) as v (name, attrs)
  loop
    if not exists (select 1 from pg_roles where rolname = r.name) then
      begin
        execute format('create role %I %s', r.name, r.attrs);
      exception
        when duplicate_object or unique_violation then null;
      end;
    end if;
  end loop;
  for r in
    select * from (values
      ('authenticator', 'anon'), ('authenticator', 'authenticated'), ('authenticator', 'service_role'),
      -- Supabase grants the API roles and the Realtime admin to `postgres` (supabase/postgres
      -- 20230201083204_grant_auth_roles_to_postgres.sql, supabase/realtime 20240401105812).
      ('migration_owner', 'anon'), ('migration_owner', 'authenticated'), ('migration_owner', 'service_role'),
      ('migration_owner', 'supabase_realtime_admin')
    ) as v (member, grp)
  loop
    if not exists (
      select 1 from pg_auth_members m join pg_roles g on g.oid = m.roleid join pg_roles u on u.oid = m.member
      where u.rolname = r.member and g.rolname = r.grp
    ) then
      begin
        execute format('grant %I to %I', r.grp, r.member);
      exception
        when duplicate_object or unique_violation then null;
      end;
    end if;
  end loop;
end
$$;

-- Statement timeouts as Supabase sets them (supabase/postgres init-scripts/00000000000000-initial-schema.sql,
-- migrations/20221028101028_set_authenticator_timeout.sql; supabase/cli globals.sql). A role setting applies when
-- a session logs in as that role, not on SET ROLE: PostgREST sets the request role's timeout itself, and so does
-- the local REST server (scripts/local-stack/rest). Role settings are cluster-wide and ALTER ROLE races with another
-- database bootstrapping at the same moment, so each is set only when missing and a concurrent update is tolerated.
do $$
declare
  r record;
begin
  for r in
    select * from (values ('anon', '3s'), ('authenticated', '8s'), ('authenticator', '8s')) as v (name, timeout)
  loop
    if not exists (
      select 1 from pg_db_role_setting s join pg_roles g on g.oid = s.setrole
      where g.rolname = r.name and s.setdatabase = 0 and ('statement_timeout=' || r.timeout) = any (s.setconfig)
    ) then
      begin
        execute format('alter role %I set statement_timeout = %L', r.name, r.timeout);
      exception
        when internal_error or unique_violation then null;
      end;
    end if;
  end loop;
end
$$;

-- The project owner's database (supabase/postgres demote-postgres.sql: GRANT ALL ON DATABASE postgres TO postgres).
do $$
begin
  execute format('grant all on database %I to migration_owner', current_database());
end
$$;

-- public: the owner creates in it (on Supabase `postgres` owns the database, so pg_database_owner's schema is its
-- own); the API roles may use it (supabase/postgres initial-schema.sql) but get nothing on what is created there.
-- A new project's default privileges for `postgres` in public are the initial schema's GRANT ALL to the API roles
-- minus what Studio revokes at project creation since 2026-05-30 (changelog 45329; supabase/cli
-- internal/db/start/start.go RevokeDefaultDataApiPrivilegesSql: SELECT, INSERT, UPDATE, DELETE on tables, USAGE
-- and SELECT on sequences, EXECUTE on functions). What is left is written here as it is, so a migration that
-- forgets its grants behaves as it would on Supabase: TRUNCATE, REFERENCES and TRIGGER on new tables and UPDATE on
-- new sequences still go to the API roles, and a new function is executable by PUBLIC (PostgreSQL's own default).
grant all on schema public to migration_owner;
grant usage on schema public to anon, authenticated, service_role;
alter default privileges for role migration_owner in schema public
  grant truncate, references, trigger on tables to anon, authenticated, service_role;
alter default privileges for role migration_owner in schema public
  grant update on sequences to anon, authenticated, service_role;

-- extensions: where Supabase installs pgcrypto and friends.
create schema if not exists extensions;
grant usage on schema extensions to anon, authenticated, service_role, migration_owner;
create extension if not exists pgcrypto with schema extensions;

-- auth: the GoTrue tables the local Auth server and the migrations use, with GoTrue's column names and types.
create schema if not exists auth;
grant usage on schema auth to anon, authenticated, service_role, migration_owner;

create table if not exists auth.users (
  instance_id uuid,
  id uuid primary key,
  aud varchar(255),
  role varchar(255),
  email varchar(255),
  encrypted_password varchar(255),
  email_confirmed_at timestamptz,
  invited_at timestamptz,
  confirmation_token varchar(255),
  confirmation_sent_at timestamptz,
  recovery_token varchar(255),
  recovery_sent_at timestamptz,
  email_change_token_new varchar(255),
  email_change varchar(255),
  email_change_sent_at timestamptz,
  last_sign_in_at timestamptz,
  raw_app_meta_data jsonb,
  raw_user_meta_data jsonb,
  is_super_admin boolean,
  created_at timestamptz,
  updated_at timestamptz,
  phone text unique default null,
  phone_confirmed_at timestamptz,
  phone_change text default '',
  phone_change_token varchar(255) default '',
  phone_change_sent_at timestamptz,
  confirmed_at timestamptz generated always as (least(email_confirmed_at, phone_confirmed_at)) stored,
  email_change_token_current varchar(255) default '',
  email_change_confirm_status smallint default 0 check (email_change_confirm_status between 0 and 2),
  banned_until timestamptz,
  reauthentication_token varchar(255) default '',
  reauthentication_sent_at timestamptz,
  is_sso_user boolean not null default false,
  deleted_at timestamptz,
  is_anonymous boolean not null default false
);
create index if not exists users_instance_id_idx on auth.users (instance_id);
create index if not exists users_instance_id_email_idx on auth.users (instance_id, lower(email));
create unique index if not exists users_email_partial_key on auth.users (email) where is_sso_user = false;

do $$
begin
  if not exists (select 1 from pg_type t join pg_namespace n on n.oid = t.typnamespace
                 where n.nspname = 'auth' and t.typname = 'aal_level') then
    create type auth.aal_level as enum ('aal1', 'aal2', 'aal3');
  end if;
end
$$;

create table if not exists auth.sessions (
  id uuid primary key,
  user_id uuid not null references auth.users (id) on delete cascade,
  created_at timestamptz,
  updated_at timestamptz,
  factor_id uuid,
  aal auth.aal_level,
  not_after timestamptz,
  refreshed_at timestamp,
  user_agent text,
  ip inet,
  tag text
);
create index if not exists sessions_user_id_idx on auth.sessions (user_id);
create index if not exists sessions_not_after_idx on auth.sessions (not_after desc);

-- GoTrue keeps refresh_tokens.user_id and parent as varchar(255), not uuid.
create table if not exists auth.refresh_tokens (
  instance_id uuid,
  id bigserial primary key,
  token varchar(255) unique,
  user_id varchar(255),
  revoked boolean,
  created_at timestamptz,
  updated_at timestamptz,
  parent varchar(255),
  session_id uuid references auth.sessions (id) on delete cascade
);
create index if not exists refresh_tokens_instance_id_idx on auth.refresh_tokens (instance_id);
create index if not exists refresh_tokens_instance_id_user_id_idx on auth.refresh_tokens (instance_id, user_id);
create index if not exists refresh_tokens_parent_idx on auth.refresh_tokens (parent);
create index if not exists refresh_tokens_session_id_revoked_idx on auth.refresh_tokens (session_id, revoked);

create table if not exists auth.identities (
  provider_id text not null,
  user_id uuid not null references auth.users (id) on delete cascade,
  identity_data jsonb not null,
  provider text not null,
  last_sign_in_at timestamptz,
  created_at timestamptz,
  updated_at timestamptz,
  email text generated always as (lower(identity_data ->> 'email')) stored,
  id uuid primary key default gen_random_uuid(),
  constraint identities_provider_id_provider_unique unique (provider_id, provider)
);
create index if not exists identities_user_id_idx on auth.identities (user_id);
create index if not exists identities_email_idx on auth.identities (email text_pattern_ops);

-- The claim helpers exactly as Supabase defines them: PostgREST sets `request.jwt.claims` (JSON of the
-- whole JWT); older PostgREST set one `request.jwt.claim.<name>` per claim, which still wins when present.
create or replace function auth.uid() returns uuid
language sql stable
as $$
  select
    coalesce(
      nullif(current_setting('request.jwt.claim.sub', true), ''),
      (nullif(current_setting('request.jwt.claims', true), '')::jsonb ->> 'sub')
    )::uuid
$$;

create or replace function auth.role() returns text
language sql stable
as $$
  select
    coalesce(
      nullif(current_setting('request.jwt.claim.role', true), ''),
      (nullif(current_setting('request.jwt.claims', true), '')::jsonb ->> 'role')
    )::text
$$;

create or replace function auth.email() returns text
language sql stable
as $$
  select
    coalesce(
      nullif(current_setting('request.jwt.claim.email', true), ''),
      (nullif(current_setting('request.jwt.claims', true), '')::jsonb ->> 'email')
    )::text
$$;

create or replace function auth.jwt() returns jsonb
language sql stable
as $$
  select
    coalesce(
      nullif(current_setting('request.jwt.claim', true), ''),
      nullif(current_setting('request.jwt.claims', true), '')
    )::jsonb
$$;

grant execute on function auth.uid(), auth.role(), auth.email(), auth.jwt()
  to anon, authenticated, service_role;

-- The project owner reads and writes GoTrue's tables (supabase/postgres 20211115181400_update-auth-permissions.sql:
-- GRANT ALL ON ALL TABLES, SEQUENCES, ROUTINES IN SCHEMA auth TO postgres): the profiles foreign key references
-- auth.users, and the admin RPCs end a user's sessions.
grant all on all tables in schema auth to migration_owner;
grant all on all sequences in schema auth to migration_owner;
grant all on all routines in schema auth to migration_owner;

-- realtime: broadcast authorization (RLS on messages, evaluated with `realtime.topic` set) and send().
create schema if not exists realtime;
grant usage on schema realtime to anon, authenticated, service_role, migration_owner;

-- Supabase partitions this table by day; one plain table behaves the same for inserts, reads and RLS.
create table if not exists realtime.messages (
  topic text not null,
  extension text not null,
  payload jsonb,
  event text,
  private boolean default false,
  updated_at timestamp not null default now(),
  inserted_at timestamp not null default now(),
  id uuid not null default gen_random_uuid(),
  primary key (id, inserted_at)
);
create index if not exists messages_inserted_at_topic_index on realtime.messages (inserted_at desc, topic)
  where extension = 'broadcast' and private is true;
alter table realtime.messages enable row level security;
grant select, insert, update on realtime.messages to anon, authenticated;
grant all on realtime.messages to service_role;
-- Owned by supabase_realtime_admin, which the project owner is a member of (policies on it come from migrations),
-- and granted to `postgres` (supabase/realtime 20241030150047_messages_partitioning, 20260707120000).
alter table realtime.messages owner to supabase_realtime_admin;
grant select, insert, update on realtime.messages to migration_owner;

create or replace function realtime.topic() returns text
language sql stable
as $$
  select nullif(current_setting('realtime.topic', true), '')::text;
$$;

-- As Supabase's send(): stamps an id into the payload when it has none, sets `realtime.topic` for the
-- rest of the transaction, inserts the message, and never lets a failure reach the caller (a warning
-- instead). Local addition: the NOTIFY that feeds the local Realtime server; it sits in the same
-- sub-transaction, so a message that could not be stored is never announced.
create or replace function realtime.send(payload jsonb, event text, topic text, private boolean default true)
returns void
language plpgsql
as $$
declare
  generated_id uuid;
  final_payload jsonb;
begin
  begin
    generated_id := gen_random_uuid();
    if payload ? 'id' then
      final_payload := payload;
    else
      final_payload := jsonb_set(payload, '{id}', to_jsonb(generated_id));
    end if;

    execute format('set local realtime.topic to %L', topic);

    insert into realtime.messages (id, payload, event, topic, private, extension)
    values (generated_id, final_payload, event, topic, private, 'broadcast');

    perform pg_notify(
      'realtime_broadcast',
      json_build_object(
        'id', generated_id, 'topic', topic, 'event', event, 'private', private, 'payload', final_payload
      )::text
    );
  exception
    when others then
      raise warning 'ErrorSendingBroadcastMessage: %', sqlerrm;
  end;
end;
$$;

grant execute on function realtime.topic() to anon, authenticated, service_role, migration_owner;
grant execute on function realtime.send(jsonb, text, text, boolean)
  to anon, authenticated, service_role, migration_owner;
alter function realtime.topic() owner to supabase_realtime_admin;
alter function realtime.send(jsonb, text, text, boolean) owner to supabase_realtime_admin;
