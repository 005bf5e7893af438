-- Keyroom baseline, part 5 of 5: what the admin-users and app-updates edge functions change in the database, one
-- RPC per action, callable by the service role only. Each runs as the calling admin (p_actor): it sets the
-- transaction's JWT claims to that admin, so the existing triggers write their audit rows (hash chain included)
-- and `updated_by` with the admin's id and email instead of an anonymous service role. The last active admin is
-- guarded here, under one lock, so two admins demoting each other at the same moment cannot both succeed.
--
-- A key certificate names the role it was issued for: a role change or a re-enable puts an active person back to
-- `enrolled` (keys kept, certificate and confirmation cleared) until an admin confirms them again, and the
-- confirmation carries the grants the admin sealed to them. Nobody is removed while colleagues' access rests on
-- their signature: the app takes over what an admin signed before demoting, disabling or resetting them
-- (admin_take_over), and these RPCs refuse the change until it has happened (still_signs), under the row lock
-- require_profile takes, so no edge function path can skip it.

-- ---------------------------------------------------------------------------------------------------------
-- Helpers
-- ---------------------------------------------------------------------------------------------------------

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

-- Who holds the office root's signing key now: the admin named by the last take-over (admin_take_root), else the
-- first admin. The policy row is held (for share) so a take-over and a reset of its new holder cannot cross.
create function private.office_root_holder() returns uuid
language sql volatile set search_path = ''
as $$
  select coalesce((c.root_holder ->> 'holder')::uuid, c.office_root_id) from public.client_policy c where c.id = 1
  for share
$$;

-- The office root is never destroyed: its holder is not reset, disabled, demoted or deleted (the one key that
-- certifies admins would go with them, for good), and the first admin's account, whose id names the root on every
-- PC, is never reset or deleted, not even after a hand-over (p_ends_keys). After a hand-over the first admin can be
-- disabled or demoted like anyone: what they signed still verifies against the pinned key.
create function private.keep_office_root(p_user uuid, p_ends_keys boolean) returns void
language plpgsql set search_path = ''
as $$
begin
  if p_user = private.office_root_holder() or (p_ends_keys and exists (
    select 1 from public.client_policy c where c.id = 1 and c.office_root_id = p_user
  )) then
    raise exception 'office_root' using errcode = 'P0001';
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
    raise exception 'not_found' using errcode = 'PT404';
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

-- ---------------------------------------------------------------------------------------------------------
-- People: create, disable/enable, reset, role, delete, confirm, take-over
-- ---------------------------------------------------------------------------------------------------------

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

-- disable: status disabled, certificate gone, every session gone (the profiles trigger pokes member:<id>).
-- enable: enrolled again when the person has uploaded keys (an admin confirms them again), else invited.
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
    perform private.keep_office_root(p_user, false);
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

-- reset: back to invited with no key material and no grants; the user enrolls again. The status change is
-- audited by the profiles trigger; a user who was still invited (a lost one-time password) gets its own row.
-- A disabled user stays disabled (a reset is not an enable): the keys go, and enabling them later makes them
-- invited, to enroll with the new one-time password; that case, too, is audited here.
create function public.admin_reset(p_actor uuid, p_user uuid) returns public.profiles
language plpgsql security definer set search_path = ''
as $$
declare
  r public.profiles;
begin
  perform private.act_as(p_actor);
  perform private.keep_an_admin(p_user);
  perform private.keep_office_root(p_user, true);
  r := private.require_profile(p_user);
  perform private.keep_signatures(r);
  delete from public.vault_grants g where g.member_id = p_user;
  perform set_config('keyroom.resetting', 'on', true);
  update public.profiles
  set status = case when r.status = 'disabled' then 'disabled' else 'invited' end,
    x25519_public = null, ed25519_public = null, kdf = null, wrapped_keys = null,
    key_certificate = null, enrolled_at = null, confirmed_at = null, confirmed_by = null
  where id = p_user;
  perform set_config('keyroom.resetting', 'off', true);
  if r.status in ('invited', 'disabled') then
    perform private.audit('user.reset', null, null, p_user, jsonb_build_object('from', r.status, 'to', r.status));
  end if;
  perform private.drop_sessions(p_user);
  return private.require_profile(p_user);
end;
$$;

-- A role change voids the certificate either way: a member's cannot sign grants, an admin's must not outlive
-- the role. An active person goes back to enrolled until an admin confirms them for the new role.
create function public.admin_set_role(p_actor uuid, p_user uuid, p_role text) returns public.profiles
language plpgsql security definer set search_path = ''
as $$
declare
  r public.profiles;
begin
  perform private.act_as(p_actor);
  if p_role <> 'admin' then
    perform private.keep_an_admin(p_user);
    perform private.keep_office_root(p_user, false);
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
create function public.admin_delete_profile(p_actor uuid, p_user uuid) returns public.profiles
language plpgsql security definer set search_path = ''
as $$
declare
  r public.profiles;
begin
  perform private.act_as(p_actor);
  perform private.keep_an_admin(p_user);
  perform private.keep_office_root(p_user, true);
  select * into r from public.profiles p where p.id = p_user for update;
  if found then
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

-- confirm: an admin compared the enrolled person's fingerprint, signed their keys and sealed every vault key
-- they hold to them. p_grants: [{vault_id, key_version, sealed_key, member_public, signature}], for p_user and
-- signed by p_actor; each replaces the grant p_user held for that vault and key version (a re-confirmation).
-- The confirming admin's row is locked like a grant's signer: a confirmation without grants still writes a
-- certificate they signed.
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

-- Taking over what an admin vouched for, before they stop being one. Colleagues accept a grant only while its
-- signer holds a root-certified admin certificate, and a member's certificate only while its signer does;
-- demoting, disabling, resetting or deleting an admin clears that certificate, so every grant and certificate
-- they signed would stop verifying and their colleagues would lose the vault. The admin who makes the change
-- first re-signs those with their own key (the app checks each against the chain while it still holds) and hands
-- them in here: they replace only what p_from signed, in one transaction.
--
-- p_grants: [{vault_id, member_id, key_version, sealed_key, member_public, signature}], signed by p_actor, each
-- replacing the grant p_from signed for that member, vault and key version. p_certificates: [{user_id,
-- key_certificate}] replacing certificates p_from signed, for active people only.
create function public.admin_take_over(p_actor uuid, p_from uuid, p_grants jsonb, p_certificates jsonb)
returns int
language plpgsql security definer set search_path = ''
as $$
declare
  v_grants int;
  v_certificates int;
begin
  perform private.act_as(p_actor);
  if jsonb_typeof(p_grants) is distinct from 'array' or jsonb_typeof(p_certificates) is distinct from 'array' then
    raise exception 'take_over_mismatch' using errcode = '22023';
  end if;
  update public.profiles p set key_certificate = c.key_certificate
  from jsonb_to_recordset(p_certificates) as c (user_id uuid, key_certificate jsonb)
  where p.id = c.user_id and p.status = 'active' and p.key_certificate ->> 'signer' = p_from::text;
  get diagnostics v_certificates = row_count;
  delete from public.vault_grants g
  using jsonb_to_recordset(p_grants) as n (vault_id uuid, member_id uuid, key_version int)
  where g.vault_id = n.vault_id and g.member_id = n.member_id and g.key_version = n.key_version
    and g.granted_by = p_from;
  get diagnostics v_grants = row_count;
  -- Everything handed in must replace something p_from signed: anything else is refused, not added.
  if v_grants <> jsonb_array_length(p_grants) or v_certificates <> jsonb_array_length(p_certificates) then
    raise exception 'take_over_mismatch' using errcode = '22023';
  end if;
  insert into public.vault_grants (vault_id, member_id, key_version, sealed_key, member_public, granted_by, signature)
  select n.vault_id, n.member_id, n.key_version, n.sealed_key, n.member_public, p_actor, n.signature
  from jsonb_to_recordset(p_grants) as n (
    vault_id uuid, member_id uuid, key_version int, sealed_key text, member_public text, signature text
  );
  return v_grants + v_certificates;
end;
$$;

-- ---------------------------------------------------------------------------------------------------------
-- The office root: its recovery kit, and the take-over of the role from it
-- ---------------------------------------------------------------------------------------------------------

-- The recovery kit the holder of the root role printed: the root signing key sealed under a code that stays on
-- paper. Only the current holder stores one (a new kit replaces the last; a printed one keeps opening, as it seals
-- the same key).
create function public.admin_set_recovery_kit(p_actor uuid, p_kit jsonb) returns void
language plpgsql security definer set search_path = ''
as $$
begin
  perform private.act_as(p_actor);
  if p_actor is distinct from private.office_root_holder() then
    raise exception 'not_office_root' using errcode = '42501';
  end if;
  update public.client_policy set recovery_kit = p_kit where id = 1;
  perform private.audit('root.recovery_kit', null, null, p_actor, '{}'::jsonb);
end;
$$;

-- p_actor takes the root role with the kit: p_statement {holder, n, sig} is the root key's signature naming them,
-- n one past the last hand-over (so an old statement cannot be served as new). admin-users checked the signature
-- against office_root_public before calling this; every PC checks it again against its own pin, so the server's
-- word alone names nobody. The policy trigger pokes every PC; the take-over is audited as `root.take_over`.
create function public.admin_take_root(p_actor uuid, p_statement jsonb) returns public.client_policy
language plpgsql security definer set search_path = ''
as $$
declare
  r public.client_policy;
  v_from uuid;
  v_n int;
begin
  perform private.act_as(p_actor);
  select * into r from public.client_policy c where c.id = 1 for update;
  if r.office_root_id is null then
    raise exception 'not_found' using errcode = 'PT404';
  end if;
  v_from := coalesce((r.root_holder ->> 'holder')::uuid, r.office_root_id);
  v_n := coalesce((r.root_holder ->> 'n')::int, 0) + 1;
  if jsonb_typeof(p_statement) is distinct from 'object' or p_statement ->> 'holder' is distinct from p_actor::text
    or p_statement ->> 'n' is distinct from v_n::text or jsonb_typeof(p_statement -> 'sig') is distinct from 'string' then
    raise exception 'take_root_mismatch' using errcode = '22023';
  end if;
  if v_from = p_actor then
    raise exception 'already_root' using errcode = 'P0001';
  end if;
  perform private.lock_signer(p_actor);
  update public.client_policy set root_holder = p_statement where id = 1 returning * into r;
  perform private.audit('root.take_over', null, null, p_actor,
    jsonb_build_object('from', v_from, 'to', p_actor, 'n', v_n));
  return r;
end;
$$;

-- ---------------------------------------------------------------------------------------------------------
-- app-updates: a release record, the minimum version, the lock policy
-- ---------------------------------------------------------------------------------------------------------

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

-- ---------------------------------------------------------------------------------------------------------
-- Who calls these: the service role only (the edge functions, after they checked that the caller is an active
-- admin); the helpers only from the RPCs above.
-- ---------------------------------------------------------------------------------------------------------

revoke all on function
  private.act_as(uuid), private.keep_an_admin(uuid), private.require_profile(uuid), private.drop_sessions(uuid),
  private.still_signs(uuid), private.keep_signatures(public.profiles), private.office_root_holder(),
  private.keep_office_root(uuid, boolean)
  from public, anon, authenticated, service_role;

revoke all on function
  public.admin_create_profile(uuid, uuid, text, text, text),
  public.admin_set_status(uuid, uuid, boolean),
  public.admin_reset(uuid, uuid),
  public.admin_set_role(uuid, uuid, text),
  public.admin_delete_profile(uuid, uuid),
  public.admin_confirm(uuid, uuid, jsonb, jsonb),
  public.admin_take_over(uuid, uuid, jsonb, jsonb),
  public.admin_set_recovery_kit(uuid, jsonb),
  public.admin_take_root(uuid, jsonb),
  public.admin_publish_release(uuid, text, text, boolean, text),
  public.admin_set_min_version(uuid, text),
  public.admin_set_policy(uuid, int, boolean)
  from public, anon, authenticated, service_role;
grant execute on function
  public.admin_create_profile(uuid, uuid, text, text, text),
  public.admin_set_status(uuid, uuid, boolean),
  public.admin_reset(uuid, uuid),
  public.admin_set_role(uuid, uuid, text),
  public.admin_delete_profile(uuid, uuid),
  public.admin_confirm(uuid, uuid, jsonb, jsonb),
  public.admin_take_over(uuid, uuid, jsonb, jsonb),
  public.admin_set_recovery_kit(uuid, jsonb),
  public.admin_take_root(uuid, jsonb),
  public.admin_publish_release(uuid, text, text, boolean, text),
  public.admin_set_min_version(uuid, text),
  public.admin_set_policy(uuid, int, boolean)
  to service_role;
