-- Re-confirmation. A key certificate names the role it was issued for, and demoting or disabling someone clears
-- it (20261125130000_admin_functions.sql). Before this file such a person stayed `active` with no certificate,
-- and admin_confirm took only `enrolled` people: nobody could confirm them again, and colleagues could no longer
-- verify their keys. Now a role change or a re-enable puts the person back to `enrolled` (keys kept,
-- certificate and confirmation cleared): they are listed among the pending confirmations with their fingerprint,
-- their app waits for confirmation, and an admin confirms them again for the role the admin sees. The
-- confirmation carries the grants the admin sealed to them and replaces what they held at those key versions, in
-- the same transaction, so the re-confirmed person never holds a grant the new confirmation did not vouch for.
--
-- Also: the minimum app version can be removed (a forced update switched off), explicitly and audited.

-- One audit row per admin action: a re-enable is `user.enable` whatever status it returns to, and the status
-- change a role change causes is part of its `user.role` row instead of a second one.
create or replace function private.profiles_after() returns trigger
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
    -- A reset of a disabled user also leaves `disabled`; admin_reset says so, as it clears the keys.
    if v_action = 'user.enable' and current_setting('keyroom.resetting', true) = 'on' then
      v_action := 'user.reset';
    end if;
    perform private.audit(v_action, null, null, new.id,
      jsonb_build_object('from', old.status, 'to', new.status));
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

-- Public keys change only while invited (the enrollment upload). An enrolled person waits for an admin to compare
-- the fingerprint of exactly those keys, and one waiting to be confirmed again keeps the keys colleagues pinned.
create or replace function private.profiles_guard() returns trigger
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

-- disable: status disabled, certificate gone, every session gone (the profiles trigger pokes member:<id>).
-- enable: enrolled again when the person has uploaded keys (an admin confirms them again), else invited.
create or replace function public.admin_set_status(p_actor uuid, p_user uuid, p_disabled boolean)
returns public.profiles
language plpgsql security definer set search_path = ''
as $$
declare
  r public.profiles;
begin
  perform private.act_as(p_actor);
  if p_disabled then
    perform private.keep_an_admin(p_user);
  end if;
  r := private.require_profile(p_user);
  if p_disabled then
    update public.profiles set status = 'disabled', key_certificate = null, confirmed_at = null, confirmed_by = null
    where id = p_user and (status <> 'disabled' or key_certificate is not null);
    perform private.drop_sessions(p_user);
  elsif r.status = 'disabled' then
    update public.profiles
    set status = case
        when x25519_public is not null and ed25519_public is not null and kdf is not null and wrapped_keys is not null
        then 'enrolled' else 'invited'
      end,
      key_certificate = null, confirmed_at = null, confirmed_by = null
    where id = p_user;
  end if;
  return private.require_profile(p_user);
end;
$$;

create or replace function public.admin_reset(p_actor uuid, p_user uuid) returns public.profiles
language plpgsql security definer set search_path = ''
as $$
begin
  perform private.act_as(p_actor);
  perform private.keep_an_admin(p_user);
  if (private.require_profile(p_user)).status = 'invited' then
    perform private.audit('user.reset', null, null, p_user, '{"from": "invited", "to": "invited"}'::jsonb);
  end if;
  delete from public.vault_grants g where g.member_id = p_user;
  perform set_config('keyroom.resetting', 'on', true);
  update public.profiles
  set status = 'invited', x25519_public = null, ed25519_public = null, kdf = null, wrapped_keys = null,
    key_certificate = null, enrolled_at = null, confirmed_at = null, confirmed_by = null
  where id = p_user;
  perform set_config('keyroom.resetting', 'off', true);
  perform private.drop_sessions(p_user);
  return private.require_profile(p_user);
end;
$$;

-- A role change voids the certificate either way: a member's cannot sign grants, an admin's must not outlive
-- the role. An active person goes back to enrolled until an admin confirms them for the new role.
create or replace function public.admin_set_role(p_actor uuid, p_user uuid, p_role text) returns public.profiles
language plpgsql security definer set search_path = ''
as $$
declare
  r public.profiles;
begin
  perform private.act_as(p_actor);
  if p_role <> 'admin' then
    perform private.keep_an_admin(p_user);
  end if;
  r := private.require_profile(p_user);
  if r.role = p_role then
    return r;
  end if;
  update public.profiles
  set role = p_role, status = case when status = 'active' then 'enrolled' else status end,
    key_certificate = null, confirmed_at = null, confirmed_by = null
  where id = p_user;
  return private.require_profile(p_user);
end;
$$;

-- confirm: an admin compared the enrolled person's fingerprint, signed their keys and sealed every vault key
-- they hold to them. p_grants: [{vault_id, key_version, sealed_key, member_public, signature}], for p_user and
-- signed by p_actor; each replaces the grant p_user held for that vault and key version (a re-confirmation).
drop function public.admin_confirm(uuid, uuid, jsonb);
create function public.admin_confirm(p_actor uuid, p_user uuid, p_certificate jsonb, p_grants jsonb)
returns public.profiles
language plpgsql security definer set search_path = ''
as $$
declare
  r public.profiles;
begin
  perform private.act_as(p_actor);
  r := private.require_profile(p_user);
  if r.status <> 'enrolled' then
    raise exception 'not_enrolled' using errcode = 'P0001';
  end if;
  if jsonb_typeof(p_grants) is distinct from 'array' then
    raise exception 'grants_required' using errcode = '22023';
  end if;
  update public.profiles
  set status = 'active', key_certificate = p_certificate, confirmed_at = now(), confirmed_by = p_actor
  where id = p_user;
  delete from public.vault_grants g
  using jsonb_to_recordset(p_grants) as n (vault_id uuid, key_version int)
  where g.member_id = p_user and g.vault_id = n.vault_id and g.key_version = n.key_version;
  insert into public.vault_grants (vault_id, member_id, key_version, sealed_key, member_public, granted_by, signature)
  select n.vault_id, p_user, n.key_version, n.sealed_key, n.member_public, p_actor, n.signature
  from jsonb_to_recordset(p_grants) as n (
    vault_id uuid, key_version int, sealed_key text, member_public text, signature text
  );
  return private.require_profile(p_user);
end;
$$;

-- The forced update switched off (p_min_version null) or set to a version; app-updates checks it against the
-- published release. The client_policy trigger audits the change (`policy.update`, changed: min_version) and
-- pokes the office; setting the value it already has changes and audits nothing.
create function public.admin_set_min_version(p_actor uuid, p_min_version text) returns public.client_policy
language plpgsql security definer set search_path = ''
as $$
declare
  r public.client_policy;
begin
  perform private.act_as(p_actor);
  update public.client_policy set min_version = p_min_version
  where id = 1 and min_version is distinct from p_min_version;
  select * into r from public.client_policy c where c.id = 1;
  return r;
end;
$$;

revoke execute on function
  public.admin_confirm(uuid, uuid, jsonb, jsonb),
  public.admin_set_min_version(uuid, text)
  from public, anon, authenticated;
grant execute on function
  public.admin_confirm(uuid, uuid, jsonb, jsonb),
  public.admin_set_min_version(uuid, text)
  to service_role;
