-- Nobody is removed while colleagues' access rests on their signature. The app takes over what an admin signed
-- before demoting, disabling or resetting them (20261125150100_take_over.sql), but a caller who skips that step, or
-- deletes the admin (the take-over never ran for delete), left every grant and certificate they signed unverifiable
-- and their colleagues without the vault. The server now refuses those changes until the take-over has happened:
-- the check sits in the RPCs, under the row lock require_profile takes, so no edge function path can skip it.

-- What still rests on p_user's signature: the key certificates of other active people and the grants at a vault's
-- current key version to other active people, which is exactly what the app's take-over re-signs. Anyone not active
-- is confirmed again (with new grants) before reading anything, and a rotation re-encrypts every entry under the new
-- key version. The office root is left out: what it signed verifies against the key every PC pinned, whatever
-- becomes of its profile.
create function private.still_signs(p_user uuid) returns boolean
language sql stable set search_path = ''
as $$
  select not exists (select 1 from public.client_policy c where c.id = 1 and c.office_root_id = p_user)
    and (
      exists (
        select 1 from public.profiles q
        where q.id <> p_user and q.status = 'active' and q.key_certificate ->> 'signer' = p_user::text
      )
      or exists (
        select 1 from public.vault_grants g
        join public.vaults v on v.id = g.vault_id and v.key_version = g.key_version
        join public.profiles m on m.id = g.member_id and m.status = 'active'
        where g.granted_by = p_user and g.member_id <> p_user
      )
    )
$$;

-- Before an active admin stops being one: only their signature is still trusted now, so only theirs can strand
-- anyone. A person who is not an active admin signs nothing colleagues accept today; refusing to disable them
-- would only get in the way of a lock-out.
create function private.keep_signatures(r public.profiles) returns void
language plpgsql set search_path = ''
as $$
begin
  if r.role = 'admin' and r.status = 'active' and private.still_signs(r.id) then
    raise exception 'still_signs' using errcode = 'P0001';
  end if;
end;
$$;

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
    perform private.keep_signatures(r);
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
declare
  r public.profiles;
begin
  perform private.act_as(p_actor);
  perform private.keep_an_admin(p_user);
  r := private.require_profile(p_user);
  perform private.keep_signatures(r);
  if r.status = 'invited' then
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
  perform private.keep_signatures(r);
  update public.profiles
  set role = p_role, status = case when status = 'active' then 'enrolled' else status end,
    key_certificate = null, confirmed_at = null, confirmed_by = null
  where id = p_user;
  return private.require_profile(p_user);
end;
$$;

-- Delete takes no take-over of its own: an active admin is demoted first (the app takes over what they signed),
-- and anyone whose signature colleagues still rely on is refused. The office root is never deleted: its private key,
-- sealed in its profile, is the only one that can certify an admin, and disabling it already locks the person out.
-- Returns null when there is no profile, so a retry after a half-done delete can still remove the Auth user.
create or replace function public.admin_delete_profile(p_actor uuid, p_user uuid) returns public.profiles
language plpgsql security definer set search_path = ''
as $$
declare
  r public.profiles;
begin
  perform private.act_as(p_actor);
  perform private.keep_an_admin(p_user);
  select * into r from public.profiles p where p.id = p_user for update;
  if found then
    if exists (select 1 from public.client_policy c where c.id = 1 and c.office_root_id = p_user) then
      raise exception 'office_root' using errcode = 'P0001';
    end if;
    if r.role = 'admin' and r.status = 'active' then
      raise exception 'active_admin' using errcode = 'P0001';
    end if;
    if private.still_signs(p_user) then
      raise exception 'still_signs' using errcode = 'P0001';
    end if;
  end if;
  delete from public.profiles p where p.id = p_user returning * into r;
  perform private.drop_sessions(p_user);
  return r;
end;
$$;

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

create or replace function private.grants_check() returns trigger
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

-- As 20261125150000_reconfirmation.sql, with the confirming admin's row locked like a grant's signer: a confirmation
-- without grants still writes a certificate they signed.
create or replace function public.admin_confirm(p_actor uuid, p_user uuid, p_certificate jsonb, p_grants jsonb)
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
  perform private.lock_signer(p_actor);
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

revoke execute on function private.still_signs(uuid), private.keep_signatures(public.profiles),
  private.lock_signer(uuid)
  from public, anon, authenticated, service_role;
