-- Keyroom core schema: the data model of docs/data-model.md with row-level security, the triggers that
-- own version/seq/history/audit/pokes, and the RPCs. Runs unchanged on a Supabase project and on the local
-- stack (scripts/local-stack/bootstrap.sql provides what Supabase has: roles, auth.*, realtime.*).
--
-- Who may do what is decided in two places only: RLS policies (rows) and the guard triggers (columns).
-- Guard triggers are SECURITY INVOKER and treat `anon`/`authenticated` as API callers; everything else
-- (service_role, and the owner when one of our SECURITY DEFINER functions runs) is trusted.

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
  updated_at timestamptz not null default now()
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
  deleted_by uuid
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

create table public.devices (
  id uuid primary key,
  user_id uuid not null default auth.uid() references public.profiles (id) on delete cascade,
  name text not null default '',
  platform text not null default '',
  app_version text not null default '',
  last_seen timestamptz not null default now()
);
create index devices_user_idx on public.devices (user_id);

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
  updated_at timestamptz not null default now(),
  updated_by uuid
);
insert into public.client_policy (id) values (1);

-- ---------------------------------------------------------------------------------------------------------
-- Caller helpers (read profiles on every call, so a disable or demotion acts on the next request)
-- ---------------------------------------------------------------------------------------------------------

create function public.my_status() returns text
language sql stable security definer set search_path = ''
as $$
  select p.status from public.profiles p where p.id = auth.uid();
$$;

create function public.is_active_member() returns boolean
language sql stable security definer set search_path = ''
as $$
  select exists (select 1 from public.profiles p where p.id = auth.uid() and p.status = 'active');
$$;

create function public.is_admin() returns boolean
language sql stable security definer set search_path = ''
as $$
  select exists (
    select 1 from public.profiles p where p.id = auth.uid() and p.status = 'active' and p.role = 'admin'
  );
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

-- Realtime channel authorization: vault:<id> for readers of the vault, member:<id> for that user unless
-- disabled, office for active users (broadcast and presence).
create function public.can_access_topic(p_topic text, p_extension text) returns boolean
language plpgsql stable security definer set search_path = ''
as $$
declare
  uuid_re constant text := '[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}';
begin
  if p_topic is null or p_extension is null then
    return false;
  elsif p_topic = 'office' then
    return p_extension in ('broadcast', 'presence') and public.is_active_member();
  elsif p_extension <> 'broadcast' then
    return false;
  elsif p_topic ~ ('^vault:' || uuid_re || '$') then
    return substr(p_topic, 7)::uuid in (select public.my_vault_ids());
  elsif p_topic ~ ('^member:' || uuid_re || '$') then
    return substr(p_topic, 8)::uuid = auth.uid()
      and coalesce(public.my_status(), 'disabled') in ('invited', 'enrolled', 'active');
  end if;
  return false;
end;
$$;

-- ---------------------------------------------------------------------------------------------------------
-- Audit log: hash chain
-- ---------------------------------------------------------------------------------------------------------

-- Canonical text of a row: a JSON array in a fixed column order, timestamps in UTC with microseconds, so
-- the hash does not depend on the session's TimeZone or DateStyle.
create function private.audit_hash(r public.audit_log) returns text
language sql immutable set search_path = ''
as $$
  select encode(
    sha256(convert_to(
      r.prev_hash || jsonb_build_array(
        r.id, to_char(r.at at time zone 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS.US"Z"'), r.actor_id, r.actor_email,
        r.action, r.entry_id, r.vault_id, r.target_user_id, r.details
      )::text,
      'UTF8'
    )),
    'hex'
  );
$$;

-- One writer at a time appends to the chain: the lock is held to commit, so the row read as "previous"
-- is the last committed one and ids follow chain order.
create function private.audit_chain() returns trigger
language plpgsql set search_path = ''
as $$
declare
  v_prev text;
begin
  perform pg_advisory_xact_lock(7202611250002);
  new.id := nextval('public.audit_log_id_seq');
  new.at := now();
  new.details := coalesce(new.details, '{}'::jsonb);
  select a.hash into v_prev from public.audit_log a order by a.id desc limit 1;
  new.prev_hash := coalesce(v_prev, repeat('0', 64));
  new.hash := private.audit_hash(new);
  return new;
end;
$$;
create trigger audit_log_chain before insert on public.audit_log
  for each row execute function private.audit_chain();

create function private.audit(
  p_action text, p_entry_id uuid, p_vault_id uuid, p_target uuid, p_details jsonb
) returns bigint
language plpgsql security definer set search_path = ''
as $$
declare
  v_id bigint;
begin
  insert into public.audit_log (actor_id, actor_email, action, entry_id, vault_id, target_user_id, details)
  values (
    auth.uid(),
    coalesce((select p.email from public.profiles p where p.id = auth.uid()), auth.email()),
    p_action, p_entry_id, p_vault_id, p_target, coalesce(p_details, '{}'::jsonb)
  )
  returning id into v_id;
  return v_id;
end;
$$;

-- Returns the id of the first row whose link or hash does not match (an edited row, or the row after a
-- deleted one), or null when the whole chain verifies.
create function public.verify_audit_chain() returns bigint
language plpgsql stable security definer set search_path = ''
as $$
declare
  v_prev text := repeat('0', 64);
  r public.audit_log;
begin
  if not (public.is_admin() or coalesce(auth.role(), 'service_role') = 'service_role') then
    raise exception 'permission denied' using errcode = '42501';
  end if;
  for r in select * from public.audit_log a order by a.id loop
    if r.prev_hash is distinct from v_prev or r.hash is distinct from private.audit_hash(r) then
      return r.id;
    end if;
    v_prev := r.hash;
  end loop;
  return null;
end;
$$;

-- Client-side events: the caller names the action and entry; actor, time and vault come from the server.
create function public.log_event(p_action text, p_entry_id uuid) returns bigint
language plpgsql security definer set search_path = ''
as $$
declare
  v_vault uuid;
begin
  if not public.is_active_member() then
    raise exception 'permission denied' using errcode = '42501';
  end if;
  if p_action is null or p_action not in ('entry.reveal', 'entry.copy', 'entry.copy_username', 'entry.totp', 'vault.export')
  then
    raise exception 'invalid_action' using errcode = '22023';
  end if;
  if p_entry_id is null and p_action <> 'vault.export' then
    raise exception 'entry_required' using errcode = '22023';
  end if;
  if p_entry_id is not null then
    select e.vault_id into v_vault from public.entries e
    where e.id = p_entry_id and e.vault_id in (select public.my_vault_ids());
    if v_vault is null then
      raise exception 'not_found' using errcode = 'P0002';
    end if;
  end if;
  return private.audit(p_action, p_entry_id, v_vault, null, '{}'::jsonb);
end;
$$;

-- ---------------------------------------------------------------------------------------------------------
-- profiles
-- ---------------------------------------------------------------------------------------------------------

create function private.profiles_guard() returns trigger
language plpgsql set search_path = ''
as $$
begin
  if tg_op = 'INSERT' then
    new.created_at := now();
  elsif current_user in ('anon', 'authenticated') then
    if new.id is distinct from old.id or new.email is distinct from old.email
      or new.role is distinct from old.role or new.status is distinct from old.status
      or (new.key_certificate is distinct from old.key_certificate and not (
        -- The office root certifies its own keys once, in the enrollment that makes it the root (its key is
        -- pinned out of band); profiles_enroll drops such a certificate from anyone who does not become root.
        old.key_certificate is null and old.status = 'invited' and old.role = 'admin'
        and new.key_certificate ->> 'signer' = new.id::text))
      or new.confirmed_at is distinct from old.confirmed_at or new.confirmed_by is distinct from old.confirmed_by
      or new.enrolled_at is distinct from old.enrolled_at or new.created_at is distinct from old.created_at then
      raise exception 'permission denied: field managed by an admin' using errcode = '42501';
    end if;
    -- Public keys are pinned by colleagues once confirmed: an active user may only re-wrap (password change).
    if old.status not in ('invited', 'enrolled')
      and (new.x25519_public is distinct from old.x25519_public
        or new.ed25519_public is distinct from old.ed25519_public) then
      raise exception 'permission denied: public keys are fixed after confirmation' using errcode = '42501';
    end if;
  end if;
  new.updated_at := now();
  return new;
end;
$$;

-- Enrollment: complete key material moves invited → enrolled; the first admin to enroll while no active
-- admin exists becomes active and the office root (recorded once in client_policy).
create function private.profiles_enroll() returns trigger
language plpgsql security definer set search_path = ''
as $$
declare
  v_root uuid;
begin
  if old.status = 'invited' and new.status = 'invited'
    and new.x25519_public is not null and new.ed25519_public is not null
    and new.kdf is not null and new.wrapped_keys is not null then
    new.status := 'enrolled';
    new.enrolled_at := now();
    if new.role = 'admin' then
      select c.office_root_id into v_root from public.client_policy c where c.id = 1 for update;
      if v_root is null and not exists (
        select 1 from public.profiles p where p.role = 'admin' and p.status = 'active' and p.id <> new.id
      ) then
        new.status := 'active';
        new.confirmed_at := now();
        new.confirmed_by := new.id;
        update public.client_policy
        set office_root_id = new.id, office_root_public = new.ed25519_public
        where id = 1;
      end if;
    end if;
  end if;
  -- A self-signed certificate means something only for the office root (its key is pinned out of band).
  if new.status <> 'active' and old.key_certificate is null and new.key_certificate ->> 'signer' = new.id::text then
    new.key_certificate := null;
  end if;
  return new;
end;
$$;

create function private.profiles_after() returns trigger
language plpgsql security definer set search_path = ''
as $$
declare
  v_action text;
begin
  if tg_op = 'INSERT' then
    perform private.audit('user.create', null, null, new.id,
      jsonb_build_object('role', new.role, 'status', new.status));
    return null;
  elsif tg_op = 'DELETE' then
    perform private.audit('user.delete', null, null, old.id, jsonb_build_object('email', old.email));
    return null;
  end if;

  if new.status is distinct from old.status then
    v_action := case new.status
      when 'enrolled' then 'user.enroll'
      when 'active' then case when old.status = 'disabled' then 'user.enable' else 'user.confirm' end
      when 'disabled' then 'user.disable'
      else 'user.reset'
    end;
    perform private.audit(v_action, null, null, new.id,
      jsonb_build_object('from', old.status, 'to', new.status));
  end if;
  if new.role is distinct from old.role then
    perform private.audit('user.role', null, null, new.id, jsonb_build_object('from', old.role, 'to', new.role));
    perform realtime.send(jsonb_build_object('user_id', new.id), 'profile', 'member:' || new.id, true);
  end if;
  if new.status is not distinct from old.status and (
    new.x25519_public is distinct from old.x25519_public or new.ed25519_public is distinct from old.ed25519_public
    or new.kdf is distinct from old.kdf or new.wrapped_keys is distinct from old.wrapped_keys
    or new.key_certificate is distinct from old.key_certificate) then
    perform private.audit('user.keys', null, null, new.id, '{}'::jsonb);
  end if;

  if new.status = 'disabled' and old.status is distinct from 'disabled' then
    perform realtime.send(jsonb_build_object('user_id', new.id), 'disabled', 'member:' || new.id, true);
  end if;
  if new.status is distinct from old.status or new.role is distinct from old.role then
    perform realtime.send(jsonb_build_object('user_id', new.id), 'profile', 'office', true);
  end if;
  return null;
end;
$$;

create trigger profiles_10_guard before insert or update on public.profiles
  for each row execute function private.profiles_guard();
create trigger profiles_20_enroll before update on public.profiles
  for each row execute function private.profiles_enroll();
create trigger profiles_90_after after insert or update or delete on public.profiles
  for each row execute function private.profiles_after();

-- What active members see of each other: owner's rights, so the private key material (kdf, wrapped_keys)
-- of other users stays unreachable while each user still reads their own through the table.
create view public.colleagues with (security_barrier = true) as
  select p.id, p.email, p.display_name, p.role, p.status, p.x25519_public, p.ed25519_public,
    p.key_certificate, p.confirmed_at
  from public.profiles p
  where (select public.is_active_member());

-- ---------------------------------------------------------------------------------------------------------
-- vaults
-- ---------------------------------------------------------------------------------------------------------

create function private.vaults_guard() returns trigger
language plpgsql set search_path = ''
as $$
begin
  if tg_op = 'INSERT' then
    if current_user in ('anon', 'authenticated') then
      new.created_by := auth.uid();
      new.key_version := 1;
    end if;
    new.created_at := now();
  elsif current_user in ('anon', 'authenticated') and (
    new.id is distinct from old.id or new.key_version is distinct from old.key_version
    or new.created_by is distinct from old.created_by or new.created_at is distinct from old.created_at) then
    raise exception 'permission denied: only the name of a vault can change' using errcode = '42501';
  end if;
  new.updated_at := now();
  return new;
end;
$$;

create function private.vaults_before_delete() returns trigger
language plpgsql security definer set search_path = ''
as $$
begin
  if exists (select 1 from public.entries e where e.vault_id = old.id) then
    raise exception 'vault_not_empty' using errcode = '23503';
  end if;
  return old;
end;
$$;

create function private.vaults_after() returns trigger
language plpgsql security definer set search_path = ''
as $$
begin
  if tg_op = 'INSERT' then
    perform private.audit('vault.create', null, new.id, null, '{}'::jsonb);
  elsif tg_op = 'DELETE' then
    perform private.audit('vault.delete', null, old.id, null, '{}'::jsonb);
  elsif new.name is distinct from old.name then
    perform private.audit('vault.rename', null, new.id, null, '{}'::jsonb);
  end if;
  return null;
end;
$$;

create trigger vaults_10_guard before insert or update on public.vaults
  for each row execute function private.vaults_guard();
create trigger vaults_20_not_empty before delete on public.vaults
  for each row execute function private.vaults_before_delete();
create trigger vaults_90_after after insert or update or delete on public.vaults
  for each row execute function private.vaults_after();

-- ---------------------------------------------------------------------------------------------------------
-- vault_grants
-- ---------------------------------------------------------------------------------------------------------

-- A grant must be sealed to the key the member actually published, at the vault's current key version.
create function private.grants_check() returns trigger
language plpgsql security definer set search_path = ''
as $$
declare
  v_public text;
  v_status text;
  v_key_version int;
begin
  if tg_op = 'UPDATE' then
    if new.id is distinct from old.id or new.vault_id is distinct from old.vault_id
      or new.member_id is distinct from old.member_id or new.key_version is distinct from old.key_version
      or new.sealed_key is distinct from old.sealed_key or new.member_public is distinct from old.member_public
      or new.granted_by is distinct from old.granted_by or new.signature is distinct from old.signature
      or new.created_at is distinct from old.created_at or old.revoked_at is not null then
      raise exception 'permission denied: grants are immutable (revoke or delete)' using errcode = '42501';
    end if;
    return new;
  end if;
  select p.x25519_public, p.status into v_public, v_status from public.profiles p where p.id = new.member_id;
  if v_status is null or v_status not in ('enrolled', 'active') then
    raise exception 'member_not_enrolled' using errcode = '22023';
  end if;
  if new.member_public is distinct from v_public then
    raise exception 'member_public_mismatch' using errcode = '22023';
  end if;
  select v.key_version into v_key_version from public.vaults v where v.id = new.vault_id;
  if v_key_version is not null and new.key_version <> v_key_version then
    raise exception 'key_version_mismatch' using errcode = '22023';
  end if;
  new.created_at := now();
  return new;
end;
$$;

create function private.grants_after() returns trigger
language plpgsql security definer set search_path = ''
as $$
declare
  r public.vault_grants;
  v_op text;
begin
  if tg_op = 'DELETE' then
    r := old;
    v_op := 'delete';
  elsif tg_op = 'INSERT' then
    r := new;
    v_op := 'create';
  else
    r := new;
    v_op := 'revoke';
  end if;
  if current_setting('keyroom.rotating', true) is distinct from 'on' then
    perform private.audit('grant.' || v_op, null, r.vault_id, r.member_id,
      jsonb_build_object('key_version', r.key_version));
  end if;
  perform realtime.send(jsonb_build_object('vault_id', r.vault_id, 'op', v_op), 'grants',
    'member:' || r.member_id, true);
  return null;
end;
$$;

create trigger vault_grants_10_check before insert or update on public.vault_grants
  for each row execute function private.grants_check();
create trigger vault_grants_90_after after insert or update or delete on public.vault_grants
  for each row execute function private.grants_after();

-- ---------------------------------------------------------------------------------------------------------
-- entries: version, gap-safe seq, history, audit, pokes
-- ---------------------------------------------------------------------------------------------------------

-- seq is taken under one transaction-scoped advisory lock held to commit: a transaction that gets seq N+1
-- can only do so after the one holding N has committed or rolled back, so a reader pulling `seq > cursor`
-- never sees N+1 while N is still in flight. The lock is global, not per vault, because clients pull all
-- their vaults with one cursor. The vault's key_version is read after the lock, so a write racing a key
-- rotation sees the new version and is refused instead of landing under the old key.
create function private.entries_before() returns trigger
language plpgsql set search_path = ''
as $$
declare
  v_api boolean := current_user in ('anon', 'authenticated');
  v_key_version int;
begin
  perform pg_advisory_xact_lock(7202611250001);
  if tg_op = 'UPDATE' and (new.id is distinct from old.id or new.vault_id is distinct from old.vault_id
    or new.created_by is distinct from old.created_by or new.created_at is distinct from old.created_at) then
    raise exception 'permission denied: id, vault and creator of an entry are fixed' using errcode = '42501';
  end if;
  select v.key_version into v_key_version from public.vaults v where v.id = new.vault_id;
  if v_key_version is not null and new.key_version <> v_key_version then
    raise exception 'key_version_mismatch' using errcode = '22023';
  end if;

  if tg_op = 'INSERT' then
    new.version := 1;
    new.created_at := now();
    if v_api then
      new.created_by := auth.uid();
      new.deleted_at := null;
      new.deleted_by := null;
    else
      new.created_by := coalesce(new.created_by, auth.uid());
    end if;
    new.updated_by := new.created_by;
  else
    new.version := old.version + 1;
    new.updated_by := case when v_api then auth.uid() else coalesce(auth.uid(), new.updated_by) end;
    if new.deleted_at is not null and old.deleted_at is null then
      new.deleted_by := new.updated_by;
    elsif new.deleted_at is null then
      new.deleted_by := null;
    else
      new.deleted_at := old.deleted_at;
      new.deleted_by := old.deleted_by;
    end if;
  end if;
  new.updated_at := now();
  new.seq := nextval('public.entries_seq');
  return new;
end;
$$;

create function private.entries_after() returns trigger
language plpgsql security definer set search_path = ''
as $$
declare
  v_op text;
begin
  if tg_op = 'INSERT' then
    v_op := 'insert';
  else
    insert into public.entry_history
      (entry_id, vault_id, envelope, key_version, version, changed_by, changed_at, deleted_at)
    values (old.id, old.vault_id, old.envelope, old.key_version, old.version, old.updated_by, old.updated_at,
      old.deleted_at);
    v_op := case
      when new.deleted_at is not null and old.deleted_at is null then 'delete'
      when new.deleted_at is null and old.deleted_at is not null then 'restore'
      else 'update'
    end;
  end if;
  -- A key rotation re-writes every entry; it is audited once as vault.rotate.
  if current_setting('keyroom.rotating', true) is distinct from 'on' then
    perform private.audit('entry.' || case v_op when 'insert' then 'create' else v_op end, new.id, new.vault_id,
      null, jsonb_build_object('version', new.version, 'key_version', new.key_version));
  end if;
  perform realtime.send(jsonb_build_object('id', new.id, 'seq', new.seq, 'op', v_op), 'entry',
    'vault:' || new.vault_id, true);
  return null;
end;
$$;

create trigger entries_10_before before insert or update on public.entries
  for each row execute function private.entries_before();
create trigger entries_90_after after insert or update on public.entries
  for each row execute function private.entries_after();

-- Optimistic concurrency: the update applies only on top of p_base_version.
create function public.update_entry(p_id uuid, p_base_version int, p_envelope jsonb, p_key_version int)
returns public.entries
language plpgsql security invoker set search_path = ''
as $$
declare
  r public.entries;
begin
  if not public.is_admin() then
    raise exception 'permission denied' using errcode = '42501';
  end if;
  update public.entries set envelope = p_envelope, key_version = p_key_version
  where id = p_id and version = p_base_version
  returning * into r;
  if r.id is null then
    perform public.raise_entry_miss(p_id);
  end if;
  return r;
end;
$$;

create function public.set_entry_deleted(p_id uuid, p_base_version int, p_deleted boolean)
returns public.entries
language plpgsql security invoker set search_path = ''
as $$
declare
  r public.entries;
begin
  if not public.is_admin() then
    raise exception 'permission denied' using errcode = '42501';
  end if;
  update public.entries
  set deleted_at = case when p_deleted then coalesce(deleted_at, now()) end
  where id = p_id and version = p_base_version
  returning * into r;
  if r.id is null then
    perform public.raise_entry_miss(p_id);
  end if;
  return r;
end;
$$;

-- Why an optimistic update touched no row: the entry moved on (conflict) or is not there. Runs as the
-- caller (update_entry and set_entry_deleted have already checked for an admin, who reads every entry).
create function public.raise_entry_miss(p_id uuid) returns void
language plpgsql stable set search_path = ''
as $$
begin
  if exists (select 1 from public.entries e where e.id = p_id) then
    raise exception 'conflict' using errcode = 'P0001';
  end if;
  raise exception 'not_found' using errcode = 'P0002';
end;
$$;

-- ---------------------------------------------------------------------------------------------------------
-- Key rotation: one transaction re-writes every entry under the new key and replaces the grants.
-- ---------------------------------------------------------------------------------------------------------

create function public.rotate_vault_key(p_vault_id uuid, p_old_version int, p_entries jsonb, p_grants jsonb)
returns int
language plpgsql security definer set search_path = ''
as $$
declare
  v_current int;
  v_new int;
  v_given int;
  v_missing int;
  x record;
  n_entries int := 0;
  n_grants int := 0;
begin
  if not public.is_admin() then
    raise exception 'permission denied' using errcode = '42501';
  end if;
  if jsonb_typeof(p_entries) is distinct from 'array' or jsonb_typeof(p_grants) is distinct from 'array' then
    raise exception 'invalid_arguments' using errcode = '22023';
  end if;
  -- Same lock order as entry writes (seq lock, then the vault row): concurrent writers wait, then see the
  -- new key_version and are refused.
  perform pg_advisory_xact_lock(7202611250001);
  select v.key_version into v_current from public.vaults v where v.id = p_vault_id for update;
  if v_current is null then
    raise exception 'not_found' using errcode = 'P0002';
  end if;
  if v_current <> p_old_version then
    raise exception 'conflict' using errcode = 'P0001';
  end if;

  select count(distinct j.id) into v_given from jsonb_to_recordset(p_entries) as j (id uuid);
  select count(*) into v_missing from public.entries e
  where e.vault_id = p_vault_id
    and not exists (select 1 from jsonb_to_recordset(p_entries) as j (id uuid) where j.id = e.id);
  if v_missing > 0 or v_given <> jsonb_array_length(p_entries)
    or v_given <> (select count(*) from public.entries e where e.vault_id = p_vault_id) then
    raise exception 'conflict' using errcode = 'P0001', detail = 'the entry list must match the vault exactly';
  end if;

  perform set_config('keyroom.rotating', 'on', true);
  v_new := v_current + 1;
  update public.vaults set key_version = v_new where id = p_vault_id;

  for x in select * from jsonb_to_recordset(p_entries) as r (id uuid, base_version int, envelope jsonb) loop
    update public.entries set envelope = x.envelope, key_version = v_new
    where id = x.id and vault_id = p_vault_id and version = x.base_version;
    if not found then
      raise exception 'conflict' using errcode = 'P0001';
    end if;
    n_entries := n_entries + 1;
  end loop;

  delete from public.vault_grants g where g.vault_id = p_vault_id;
  for x in select * from jsonb_to_recordset(p_grants)
    as r (member_id uuid, member_public text, sealed_key text, signature text) loop
    insert into public.vault_grants (vault_id, member_id, key_version, sealed_key, member_public, granted_by,
      signature)
    values (p_vault_id, x.member_id, v_new, x.sealed_key, x.member_public, auth.uid(), x.signature);
    n_grants := n_grants + 1;
  end loop;

  perform set_config('keyroom.rotating', 'off', true);
  perform private.audit('vault.rotate', null, p_vault_id, null,
    jsonb_build_object('from', v_current, 'to', v_new, 'entries', n_entries, 'grants', n_grants));
  return v_new;
end;
$$;

-- ---------------------------------------------------------------------------------------------------------
-- devices, client_policy
-- ---------------------------------------------------------------------------------------------------------

create function private.devices_touch() returns trigger
language plpgsql set search_path = ''
as $$
begin
  if tg_op = 'UPDATE' and new.user_id is distinct from old.user_id then
    raise exception 'permission denied: a device belongs to one user' using errcode = '42501';
  end if;
  new.last_seen := now();
  return new;
end;
$$;
create trigger devices_10_touch before insert or update on public.devices
  for each row execute function private.devices_touch();

create function private.policy_guard() returns trigger
language plpgsql set search_path = ''
as $$
begin
  if old.office_root_id is not null and (new.office_root_id is distinct from old.office_root_id
    or new.office_root_public is distinct from old.office_root_public) then
    raise exception 'permission denied: the office root is set once' using errcode = '42501';
  end if;
  new.updated_at := now();
  new.updated_by := auth.uid();
  return new;
end;
$$;

create function private.policy_after() returns trigger
language plpgsql security definer set search_path = ''
as $$
begin
  perform private.audit('policy.update', null, null, null, jsonb_build_object('changed', (
    select coalesce(jsonb_agg(n.key order by n.key), '[]'::jsonb)
    from jsonb_each(to_jsonb(new)) n
    where n.key not in ('updated_at', 'updated_by') and n.value is distinct from (to_jsonb(old) -> n.key)
  )));
  perform realtime.send('{}'::jsonb, 'policy', 'office', true);
  return null;
end;
$$;

create trigger client_policy_10_guard before update on public.client_policy
  for each row execute function private.policy_guard();
create trigger client_policy_90_after after update on public.client_policy
  for each row execute function private.policy_after();

-- ---------------------------------------------------------------------------------------------------------
-- Row-level security
-- ---------------------------------------------------------------------------------------------------------

alter table public.profiles enable row level security;
alter table public.vaults enable row level security;
alter table public.vault_grants enable row level security;
alter table public.entries enable row level security;
alter table public.entry_history enable row level security;
alter table public.audit_log enable row level security;
alter table public.devices enable row level security;
alter table public.client_policy enable row level security;

create policy profiles_select on public.profiles for select to authenticated
  using ((id = (select auth.uid()) and status <> 'disabled') or (select public.is_admin()));
create policy profiles_update_own on public.profiles for update to authenticated
  using (id = (select auth.uid()) and status <> 'disabled')
  with check (id = (select auth.uid()));

create policy vaults_select on public.vaults for select to authenticated
  using (id in (select public.my_vault_ids()));
create policy vaults_insert on public.vaults for insert to authenticated
  with check ((select public.is_admin()));
create policy vaults_update on public.vaults for update to authenticated
  using ((select public.is_admin())) with check ((select public.is_admin()));
create policy vaults_delete on public.vaults for delete to authenticated
  using ((select public.is_admin()));

create policy vault_grants_select on public.vault_grants for select to authenticated
  using ((member_id = (select auth.uid()) and (select public.is_active_member())) or (select public.is_admin()));
create policy vault_grants_insert on public.vault_grants for insert to authenticated
  with check ((select public.is_admin()) and granted_by = (select auth.uid()));
create policy vault_grants_delete on public.vault_grants for delete to authenticated
  using ((select public.is_admin()));

create policy entries_select on public.entries for select to authenticated
  using (vault_id in (select public.my_vault_ids()));
create policy entries_insert on public.entries for insert to authenticated
  with check (vault_id in (select public.my_vault_ids()) and created_by = (select auth.uid()));
create policy entries_update on public.entries for update to authenticated
  using ((select public.is_admin())) with check ((select public.is_admin()));

create policy entry_history_select on public.entry_history for select to authenticated
  using ((select public.is_admin()));

create policy audit_log_select on public.audit_log for select to authenticated
  using ((select public.is_admin()));

create policy devices_select on public.devices for select to authenticated
  using ((user_id = (select auth.uid()) and (select public.is_active_member())) or (select public.is_admin()));
create policy devices_insert on public.devices for insert to authenticated
  with check (user_id = (select auth.uid()) and (select public.is_active_member()));
create policy devices_update on public.devices for update to authenticated
  using (user_id = (select auth.uid()) and (select public.is_active_member()))
  with check (user_id = (select auth.uid()) and (select public.is_active_member()));

create policy client_policy_select on public.client_policy for select to authenticated
  using ((select public.my_status()) in ('invited', 'enrolled', 'active'));

-- Realtime channel authorization (Realtime sets `realtime.topic` and acts as the socket's user).
create policy keyroom_topics_select on realtime.messages for select to authenticated
  using (public.can_access_topic((select realtime.topic()), extension));
-- Clients only track presence on office; every broadcast poke comes from a (security definer) trigger. Letting
-- members broadcast would let any of them push fake pokes to every PC and force office-wide re-pulls.
create policy keyroom_topics_insert on realtime.messages for insert to authenticated
  with check (extension = 'presence' and public.can_access_topic((select realtime.topic()), extension));

-- ---------------------------------------------------------------------------------------------------------
-- Privileges. Supabase grants every API role everything in public by default; RLS decides rows. On top:
-- anon gets nothing; history and audit are written only by triggers and log_event; entries are never
-- hard-deleted; client_policy is written by the service role only; colleagues is read-only (a simple
-- view is auto-updatable, and it runs with its owner's rights).
-- ---------------------------------------------------------------------------------------------------------

revoke all on all tables in schema public from anon;
revoke all on all sequences in schema public from anon;
revoke execute on all functions in schema public from public, anon;
grant execute on all functions in schema public to authenticated, service_role;
revoke execute on all functions in schema private from public, anon, authenticated, service_role;

revoke insert, update, delete, truncate on public.audit_log, public.entry_history
  from authenticated, service_role;
revoke delete, truncate on public.entries from authenticated, service_role;
revoke insert, update, delete, truncate on public.client_policy from authenticated;
revoke insert, delete, truncate on public.client_policy from service_role;
revoke insert, delete, truncate on public.profiles from authenticated;
revoke all on public.colleagues from anon, authenticated, service_role;
grant select on public.colleagues to authenticated, service_role;
revoke all on sequence public.entries_seq, public.audit_log_id_seq, public.entry_history_id_seq
  from authenticated, service_role;
grant usage on sequence public.entries_seq to authenticated, service_role;
