-- Keyroom baseline, part 3 of 5: the triggers. Clients never write version, seq, history, audit rows or pokes;
-- these triggers do, on every change whoever makes it (DESIGN.md section 3). Trigger functions live in the
-- `private` schema, which no API role can use.

-- ---------------------------------------------------------------------------------------------------------
-- profiles
-- ---------------------------------------------------------------------------------------------------------

-- Public keys change only while invited (the enrollment upload). An enrolled person waits for an admin to compare
-- the fingerprint of exactly those keys, and one waiting to be confirmed again keeps the keys colleagues pinned.
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
    if old.status <> 'invited'
      and (new.x25519_public is distinct from old.x25519_public
        or new.ed25519_public is distinct from old.ed25519_public) then
      raise exception 'permission denied: public keys are fixed after enrollment' using errcode = '42501';
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

-- One audit row per admin action: a re-enable is `user.enable` whatever status it returns to, and the status
-- change a role change causes is part of its `user.role` row instead of a second one.
create function private.profiles_after() returns trigger
language plpgsql security definer set search_path = ''
as $$
declare
  v_action text;
  v_role_details jsonb;
begin
  if tg_op = 'INSERT' then
    perform private.audit('user.create', null, null, new.id,
      jsonb_build_object('role', new.role, 'status', new.status));
    return null;
  elsif tg_op = 'DELETE' then
    perform private.audit('user.delete', null, null, old.id, jsonb_build_object('email', old.email));
    return null;
  end if;

  if new.role is distinct from old.role then
    v_role_details := jsonb_build_object('from', old.role, 'to', new.role);
    if new.status is distinct from old.status then
      v_role_details := v_role_details || jsonb_build_object('status_from', old.status, 'status_to', new.status);
    end if;
    perform private.audit('user.role', null, null, new.id, v_role_details);
    perform realtime.send(jsonb_build_object('user_id', new.id), 'profile', 'member:' || new.id, true);
  elsif new.status is distinct from old.status then
    v_action := case
      when old.status = 'disabled' then 'user.enable'
      when new.status = 'enrolled' then 'user.enroll'
      when new.status = 'active' then 'user.confirm'
      when new.status = 'disabled' then 'user.disable'
      else 'user.reset'
    end;
    perform private.audit(v_action, null, null, new.id,
      jsonb_build_object('from', old.status, 'to', new.status));
  end if;
  -- A reset that keeps the status (invited, disabled) is audited by admin_reset itself. A new kdf on an enrolled
  -- account is a master-password change (the client re-wraps its keys under the new password in the same update,
  -- then changes the Auth password, which signs out the person's other sessions): one row for it, and a poke on the
  -- person's channel so their other PCs ask for the new master password at once.
  if new.status is not distinct from old.status
    and current_setting('keyroom.resetting', true) is distinct from 'on' then
    if old.kdf is not null and new.kdf is not null and new.kdf is distinct from old.kdf then
      perform private.audit('account.password_changed', null, null, new.id, '{}'::jsonb);
      perform realtime.send(jsonb_build_object('user_id', new.id), 'profile', 'member:' || new.id, true);
    elsif new.x25519_public is distinct from old.x25519_public
      or new.ed25519_public is distinct from old.ed25519_public or new.kdf is distinct from old.kdf or new.wrapped_keys is distinct from old.wrapped_keys
      or new.key_certificate is distinct from old.key_certificate then
      perform private.audit('user.keys', null, null, new.id, '{}'::jsonb);
    end if;
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

-- The signer's profile row orders a signature against a change of the signer's role. A grant or certificate that a
-- demotion, disable or reset is waiting for is seen by its check once it commits (and refused as still_signs); one
-- that waited for such a change finds its signer no longer an active admin and is refused here. Without the lock, a
-- grant signed at the moment its admin was demoted (RLS read the admin before the demotion committed) was stranded.
create function private.lock_signer(p_signer uuid) returns void
language plpgsql set search_path = ''
as $$
begin
  if p_signer is not null and not exists (
    select 1 from public.profiles p where p.id = p_signer and p.role = 'admin' and p.status = 'active' for share
  ) then
    raise exception 'signer_not_admin' using errcode = '42501';
  end if;
end;
$$;

-- No oracle (DESIGN.md section 4, fail the same way): BEFORE triggers run before the RLS check of an INSERT, so
-- without this grants_check (which reads profiles and vaults as the owner) told any signed-in caller whether a
-- person exists, is invited or active, which key they published, and a vault's key version. A caller who may not
-- grant is refused here, first, with exactly the error RLS gives (vault_grants_insert). SECURITY INVOKER: an API
-- caller is `authenticated` here, while the RPCs that insert grants run as the owner and check their caller.
create function private.grants_caller() returns trigger
language plpgsql set search_path = ''
as $$
begin
  if current_user in ('anon', 'authenticated')
    and not (public.is_admin() and new.granted_by is not distinct from auth.uid()) then
    raise exception 'new row violates row-level security policy for table "vault_grants"' using errcode = '42501';
  end if;
  return new;
end;
$$;

-- A grant must be sealed to the key the member actually published, at the vault's current key version, and
-- signed by an active admin (whose row is locked, see lock_signer).
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
  perform private.lock_signer(new.granted_by);
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

create trigger vault_grants_05_caller before insert on public.vault_grants
  for each row execute function private.grants_caller();
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
      new.state_proof := null;
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

-- ---------------------------------------------------------------------------------------------------------
-- devices, client_policy
-- ---------------------------------------------------------------------------------------------------------

-- A device stays with its user and keeps its first registration time; last_seen is what register_device stamps
-- (a revocation is not a sighting). TEMPORARY (issue 15): an app's direct upsert (schema.sql, devices) is a
-- sighting with the request's own Auth session, never a revocation or its undoing.
create function private.devices_touch() returns trigger
language plpgsql set search_path = ''
as $$
begin
  if tg_op = 'INSERT' then
    new.created_at := now();
    new.last_seen := now();
  else
    if new.user_id is distinct from old.user_id then
      raise exception 'permission denied: a device belongs to one user' using errcode = '42501';
    end if;
    new.created_at := old.created_at;
  end if;
  if current_user in ('anon', 'authenticated') then
    new.session_id := nullif(auth.jwt() ->> 'session_id', '')::uuid;
    new.last_seen := now();
    if tg_op = 'INSERT' then
      new.revoked_at := null;
      new.revoked_by := null;
    else
      new.revoked_at := old.revoked_at;
      new.revoked_by := old.revoked_by;
    end if;
  end if;
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

-- Trigger functions run only as triggers: nobody executes them directly (the API roles cannot use the schema
-- either).
revoke all on function
  private.profiles_guard(),
  private.profiles_enroll(),
  private.profiles_after(),
  private.vaults_guard(),
  private.vaults_before_delete(),
  private.vaults_after(),
  private.lock_signer(uuid),
  private.grants_caller(),
  private.grants_check(),
  private.grants_after(),
  private.entries_before(),
  private.entries_after(),
  private.devices_touch(),
  private.policy_guard(),
  private.policy_after()
  from public, anon, authenticated, service_role;
