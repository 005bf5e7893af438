-- What the admin-users and app-updates edge functions change in the database, one RPC per action, callable by
-- the service role only. Each runs as the calling admin (p_actor): it sets the transaction's JWT claims to
-- that admin, so the existing triggers write their audit rows (hash chain included) and `updated_by` with the
-- admin's id and email instead of an anonymous service role. The last active admin is guarded here, under
-- one lock, so two admins demoting each other at the same moment cannot both succeed.

create function private.act_as(p_actor uuid) returns void
language plpgsql set search_path = ''
as $$
begin
  if p_actor is null then
    raise exception 'actor_required' using errcode = '22023';
  end if;
  perform set_config('request.jwt.claims',
    jsonb_build_object('sub', p_actor, 'role', 'service_role')::text, true);
  perform set_config('request.jwt.claim.sub', p_actor::text, true);
end;
$$;

-- Refuses a change that would leave the office without an active admin: called before p_user stops being
-- one (demoted, disabled, reset or deleted).
create function private.keep_an_admin(p_user uuid) returns void
language plpgsql set search_path = ''
as $$
begin
  perform pg_advisory_xact_lock(7202611250003);
  if exists (select 1 from public.profiles p where p.id = p_user and p.role = 'admin' and p.status = 'active')
    and not exists (
      select 1 from public.profiles p where p.role = 'admin' and p.status = 'active' and p.id <> p_user
    ) then
    raise exception 'last_admin' using errcode = 'P0001';
  end if;
end;
$$;

create function private.require_profile(p_user uuid) returns public.profiles
language plpgsql set search_path = ''
as $$
declare
  r public.profiles;
begin
  select * into r from public.profiles p where p.id = p_user for update;
  if not found then
    raise exception 'not_found' using errcode = 'P0002';
  end if;
  return r;
end;
$$;

-- GoTrue keeps refresh tokens per session; dropping the sessions ends every refresh.
create function private.drop_sessions(p_user uuid) returns void
language sql set search_path = ''
as $$
  delete from auth.refresh_tokens t where t.user_id::text = p_user::text;
  delete from auth.sessions s where s.user_id = p_user;
$$;

create function public.admin_create_profile(
  p_actor uuid, p_id uuid, p_email text, p_display_name text, p_role text
) returns public.profiles
language plpgsql security definer set search_path = ''
as $$
declare
  r public.profiles;
begin
  perform private.act_as(p_actor);
  insert into public.profiles (id, email, display_name, role, status)
  values (p_id, lower(p_email), p_display_name, p_role, 'invited')
  returning * into r;
  return r;
end;
$$;

-- disable: status disabled and every session gone (the profiles trigger pokes member:<id> `disabled`).
-- enable: back to where the user was: active once confirmed, else enrolled or invited.
create function public.admin_set_status(p_actor uuid, p_user uuid, p_disabled boolean)
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
    -- A disabled person's certificate must not outlive them: enabled again, they are confirmed again.
    update public.profiles set status = 'disabled', key_certificate = null
    where id = p_user and (status <> 'disabled' or key_certificate is not null);
    perform private.drop_sessions(p_user);
  elsif r.status = 'disabled' then
    update public.profiles
    set status = case
      when confirmed_at is not null then 'active'
      when enrolled_at is not null then 'enrolled'
      else 'invited'
    end
    where id = p_user;
  end if;
  return private.require_profile(p_user);
end;
$$;

-- reset: back to invited with no key material and no grants; the user enrolls again. The status change is
-- audited by the profiles trigger; a user who was still invited (a lost one-time password) gets its own row.
create function public.admin_reset(p_actor uuid, p_user uuid) returns public.profiles
language plpgsql security definer set search_path = ''
as $$
begin
  perform private.act_as(p_actor);
  perform private.keep_an_admin(p_user);
  if (private.require_profile(p_user)).status = 'invited' then
    perform private.audit('user.reset', null, null, p_user, '{"from": "invited", "to": "invited"}'::jsonb);
  end if;
  delete from public.vault_grants g where g.member_id = p_user;
  update public.profiles
  set status = 'invited', x25519_public = null, ed25519_public = null, kdf = null, wrapped_keys = null,
    key_certificate = null, enrolled_at = null, confirmed_at = null, confirmed_by = null
  where id = p_user;
  perform private.drop_sessions(p_user);
  return private.require_profile(p_user);
end;
$$;

create function public.admin_set_role(p_actor uuid, p_user uuid, p_role text) returns public.profiles
language plpgsql security definer set search_path = ''
as $$
begin
  perform private.act_as(p_actor);
  if p_role <> 'admin' then
    perform private.keep_an_admin(p_user);
  end if;
  perform private.require_profile(p_user);
  update public.profiles set role = p_role where id = p_user and role <> p_role;
  -- An admin certificate is what lets a key sign grants: a demoted admin must not keep one, and the person is
  -- confirmed again (as a member) before colleagues trust their keys.
  if p_role <> 'admin' then
    update public.profiles set key_certificate = null where id = p_user and key_certificate is not null;
  end if;
  return private.require_profile(p_user);
end;
$$;

-- Removes the profile (grants and devices go with it; entries, history and audit rows keep the id and the
-- audit row the email). Returns null when there is no profile, so a retry after a half-done delete can
-- still remove the Auth user.
create function public.admin_delete_profile(p_actor uuid, p_user uuid) returns public.profiles
language plpgsql security definer set search_path = ''
as $$
declare
  r public.profiles;
begin
  perform private.act_as(p_actor);
  perform private.keep_an_admin(p_user);
  delete from public.profiles p where p.id = p_user returning * into r;
  perform private.drop_sessions(p_user);
  return r;
end;
$$;

-- confirm: an admin compared the enrolled member's fingerprint and signed their keys.
create function public.admin_confirm(p_actor uuid, p_user uuid, p_certificate jsonb) returns public.profiles
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
  update public.profiles
  set status = 'active', key_certificate = p_certificate, confirmed_at = now(), confirmed_by = p_actor
  where id = p_user;
  return private.require_profile(p_user);
end;
$$;

-- app-updates: a release record (and optionally the minimum version), or the lock policy.
create function public.admin_publish_release(
  p_actor uuid, p_version text, p_notes text, p_critical boolean, p_min_version text
) returns public.client_policy
language plpgsql security definer set search_path = ''
as $$
declare
  r public.client_policy;
begin
  perform private.act_as(p_actor);
  update public.client_policy
  set latest_version = p_version, release_notes = p_notes, critical = p_critical,
    min_version = coalesce(p_min_version, min_version)
  where id = 1
  returning * into r;
  return r;
end;
$$;

create function public.admin_set_policy(p_actor uuid, p_auto_lock_minutes int, p_allow_stay_unlocked boolean)
returns public.client_policy
language plpgsql security definer set search_path = ''
as $$
declare
  r public.client_policy;
begin
  perform private.act_as(p_actor);
  update public.client_policy
  set auto_lock_minutes = coalesce(p_auto_lock_minutes, auto_lock_minutes),
    allow_stay_unlocked = coalesce(p_allow_stay_unlocked, allow_stay_unlocked)
  where id = 1
  returning * into r;
  return r;
end;
$$;

revoke execute on function
  public.admin_create_profile(uuid, uuid, text, text, text),
  public.admin_set_status(uuid, uuid, boolean),
  public.admin_reset(uuid, uuid),
  public.admin_set_role(uuid, uuid, text),
  public.admin_delete_profile(uuid, uuid),
  public.admin_confirm(uuid, uuid, jsonb),
  public.admin_publish_release(uuid, text, text, boolean, text),
  public.admin_set_policy(uuid, int, boolean)
  from public, anon, authenticated;
grant execute on function
  public.admin_create_profile(uuid, uuid, text, text, text),
  public.admin_set_status(uuid, uuid, boolean),
  public.admin_reset(uuid, uuid),
  public.admin_set_role(uuid, uuid, text),
  public.admin_delete_profile(uuid, uuid),
  public.admin_confirm(uuid, uuid, jsonb),
  public.admin_publish_release(uuid, text, text, boolean, text),
  public.admin_set_policy(uuid, int, boolean)
  to service_role;
revoke execute on function private.act_as(uuid), private.keep_an_admin(uuid), private.require_profile(uuid),
  private.drop_sessions(uuid) from public, anon, authenticated, service_role;
