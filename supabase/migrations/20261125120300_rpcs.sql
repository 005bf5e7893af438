-- Keyroom baseline, part 4 of 5: what signed-in members and admins call through the API (PostgREST /rpc), and
-- the Realtime topics. Each RPC checks its caller itself; RLS still applies to what a SECURITY INVOKER one touches.
-- Each is executable by `authenticated` only never by PUBLIC.
--
-- "Not found" is SQLSTATE PT404 with the message `not_found`: PostgREST answers a PTxyz error with HTTP status
-- xyz and the code in the body (PostgREST docs, references/errors.rst "raise errors with HTTP status codes"), so
-- the app shows "not found" instead of a 500, and the edge functions still map the message.

-- ---------------------------------------------------------------------------------------------------------
-- entries: optimistic concurrency
-- ---------------------------------------------------------------------------------------------------------

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

-- A delete or restore is the admin's signed act (docs/security.md): the ciphertext re-written for the new state
-- (its AD says tombstone or live) and the admin's proof travel with the deleted flag in one update, so no row ever
-- shows a state change without both. What a PC accepts is decided by the signature, not here.
create function public.set_entry_deleted(
  p_id uuid, p_base_version int, p_deleted boolean, p_envelope jsonb, p_key_version int, p_proof jsonb
)
returns public.entries
language plpgsql security invoker set search_path = ''
as $$
declare
  r public.entries;
begin
  if not public.is_admin() then
    raise exception 'permission denied' using errcode = '42501';
  end if;
  if p_deleted is null or jsonb_typeof(p_envelope) is distinct from 'object'
    or jsonb_typeof(p_proof) is distinct from 'object' then
    raise exception 'invalid_arguments' using errcode = '22023';
  end if;
  update public.entries
  set deleted_at = case when p_deleted then coalesce(deleted_at, now()) end,
    envelope = p_envelope, key_version = p_key_version, state_proof = p_proof
  where id = p_id and version = p_base_version and (deleted_at is null) = p_deleted
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
  raise exception 'not_found' using errcode = 'PT404';
end;
$$;

-- raise_entry_miss is executable because the two RPCs call it as the caller; called directly it runs under the
-- caller's RLS, so it tells nothing about an entry the caller cannot read.
revoke all on function public.update_entry(uuid, int, jsonb, int),
  public.set_entry_deleted(uuid, int, boolean, jsonb, int, jsonb), public.raise_entry_miss(uuid)
  from public, anon, authenticated, service_role;
grant execute on function public.update_entry(uuid, int, jsonb, int),
  public.set_entry_deleted(uuid, int, boolean, jsonb, int, jsonb), public.raise_entry_miss(uuid)
  to authenticated;

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
    raise exception 'not_found' using errcode = 'PT404';
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

  -- A tombstone comes with a delete proof for its new row (the old one names the old row); a live row keeps its own.
  for x in select * from jsonb_to_recordset(p_entries)
    as r (id uuid, base_version int, envelope jsonb, state_proof jsonb) loop
    update public.entries set envelope = x.envelope, key_version = v_new,
      state_proof = case when deleted_at is null then state_proof else x.state_proof end
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

revoke all on function public.rotate_vault_key(uuid, int, jsonb, jsonb) from public, anon, authenticated, service_role;
grant execute on function public.rotate_vault_key(uuid, int, jsonb, jsonb) to authenticated;

-- ---------------------------------------------------------------------------------------------------------
-- Pre-login: the KDF parameters a new PC needs before it can derive the Auth password
-- ---------------------------------------------------------------------------------------------------------

-- The one function `anon` executes. A PC that has never seen the account derives the master key from the master
-- password with the account's Argon2id parameters before it can sign in (the Auth password is derived from it), so
-- it asks for them by email. An email without an enrolled profile (unknown, invited, reset) answers parameters of
-- exactly the shape of a real default set: the defaults of src/core/crypto/kdf.ts KDF_DEFAULT and a salt that is
-- the first 16 bytes of HMAC-SHA256(this database's secret, lower(trim(email))), so the same email always answers
-- the same salt and nobody without the secret can tell it from a random one. Both answers are built on every call
-- (the lookup, the HMAC, the object), so the path and its cost are the same. The sign-in that follows fails the
-- same way for an unknown email and a wrong password (GoTrue: invalid_credentials).
--
-- What can still tell a real answer from a fake one, and why it is accepted:
-- - A real salt changes when its owner changes the master password (or is reset and enrolls again); a fake one
--   never does. Someone who asks for the same email over weeks can learn that an account exists and roughly when
--   its password changed. The salt itself tells nothing about the password.
-- - A real set that is not the default (if a client ever enrolled with other m/t/p, or a kdf stored with other
--   keys) differs from every fake one. The client writes only newKdfParams() (the defaults); when the defaults
--   change, the fake ones here must change with them.
-- - An email typed with other case or spaces answers the same as the normalised one, as GoTrue normalises it.
-- - Timing: one indexed lookup either way; the network dwarfs the difference between a hit and a miss.
-- It is not rate-limited here: the answer is cheap and tells nothing (Supabase's API gateway limits anon traffic).
create function public.prelogin(p_email text) returns jsonb
language plpgsql stable security definer set search_path = ''
as $$
declare
  v_email text;
  v_real jsonb;
  v_fake jsonb;
  v_secret bytea;
begin
  if p_email is null or length(p_email) > 254 then
    raise exception 'invalid_email' using errcode = '22023';
  end if;
  v_email := lower(trim(p_email));
  select p.kdf into v_real from public.profiles p where p.email = v_email and p.kdf is not null;
  select s.secret into v_secret from private.secrets s where s.name = 'prelogin';
  v_fake := jsonb_build_object(
    'alg', 'argon2id', 'v', 19, 'm', 65536, 't', 3, 'p', 1,
    'salt', translate(
      encode(substring(extensions.hmac(convert_to(v_email, 'UTF8'), v_secret, 'sha256') from 1 for 16), 'base64'),
      '+/=', '-_')
  );
  return coalesce(v_real, v_fake);
end;
$$;

revoke all on function public.prelogin(text) from public, anon, authenticated, service_role;
grant execute on function public.prelogin(text) to anon, authenticated;

-- ---------------------------------------------------------------------------------------------------------
-- Devices: each PC registers itself with its Auth session; the person or an admin revokes a PC
-- ---------------------------------------------------------------------------------------------------------

-- The Auth session of the request (GoTrue's `session_id` claim, supabase/auth internal/tokens/service.go
-- AccessTokenClaims.SessionId); null without one.
create function private.jwt_session() returns uuid
language sql stable set search_path = ''
as $$
  select nullif(auth.jwt() ->> 'session_id', '')::uuid;
$$;

-- Registers the calling PC (called at every sign-in and app start). A device id belongs to the first person who
-- registered it. A revoked PC is signed out: it comes back only through a fresh sign-in with email and master
-- password after it has wiped itself (p_fresh), which clears the revocation; anything else is `device_revoked`
-- (P0001, hint device_revoked). A PC new to the person (or a revoked one signed in again) is audited as
-- `device.added` and poked on the person's channel (`devices`), so their other PCs can say "signed in on a new PC".
-- New device ids are rate-limited per person (10, one more every 6 minutes), as each writes an audit row.
create function public.register_device(
  p_id uuid, p_name text, p_platform text, p_app_version text, p_fresh boolean
) returns jsonb
language plpgsql security definer set search_path = ''
as $$
declare
  v_uid uuid := auth.uid();
  v_session uuid := private.jwt_session();
  d public.devices;
  v_restored boolean := false;
begin
  if not public.is_active_member() then
    raise exception 'permission denied' using errcode = '42501';
  end if;
  if p_id is null or p_fresh is null then
    raise exception 'invalid_arguments' using errcode = '22023';
  end if;
  select * into d from public.devices x where x.id = p_id for update;
  if found then
    if d.user_id <> v_uid then
      raise exception 'permission denied: the device belongs to someone else' using errcode = '42501';
    end if;
    if d.revoked_at is not null and not p_fresh then
      raise exception 'device_revoked' using errcode = 'P0001', hint = 'device_revoked';
    end if;
    v_restored := d.revoked_at is not null;
    update public.devices x
    set name = coalesce(p_name, ''), platform = coalesce(p_platform, ''), app_version = coalesce(p_app_version, ''),
      session_id = v_session, last_seen = now(), revoked_at = null, revoked_by = null
    where x.id = p_id
    returning * into d;
    if not v_restored then
      return jsonb_build_object('device_id', d.id, 'new', false, 'restored', false);
    end if;
  else
    perform private.take_token('device_added', 10, 360);
    insert into public.devices (id, user_id, name, platform, app_version, session_id)
    values (p_id, v_uid, coalesce(p_name, ''), coalesce(p_platform, ''), coalesce(p_app_version, ''), v_session)
    returning * into d;
  end if;
  perform private.audit('device.added', null, null, v_uid,
    jsonb_build_object('device_id', d.id, 'name', d.name, 'platform', d.platform, 'restored', v_restored));
  perform realtime.send(jsonb_build_object('device_id', d.id, 'op', 'added'), 'devices', 'member:' || v_uid, true);
  return jsonb_build_object('device_id', d.id, 'new', not v_restored, 'restored', v_restored);
end;
$$;

-- Revokes a PC: its owner (any of their own PCs) or an active admin (anyone's). The PC's Auth session ends (no
-- more refresh, GoTrue's /user refuses it, as admin-users' disable does with drop_sessions) and is listed in
-- private.revoked_sessions, so its still-valid access token finds nothing from the next request on
-- (session_revoked). A device already revoked is left as it is (no second audit row or poke).
create function public.revoke_device(p_id uuid) returns jsonb
language plpgsql security definer set search_path = ''
as $$
declare
  v_uid uuid := auth.uid();
  d public.devices;
begin
  if not public.is_active_member() then
    raise exception 'permission denied' using errcode = '42501';
  end if;
  select * into d from public.devices x where x.id = p_id for update;
  if not found then
    raise exception 'not_found' using errcode = 'PT404';
  end if;
  if d.user_id <> v_uid and not public.is_admin() then
    raise exception 'permission denied: only its owner or an admin revokes a PC' using errcode = '42501';
  end if;
  if d.revoked_at is not null then
    return jsonb_build_object('device_id', d.id, 'revoked_at', d.revoked_at, 'changed', false);
  end if;
  update public.devices x set revoked_at = now(), revoked_by = v_uid where x.id = p_id returning * into d;
  if d.session_id is not null then
    insert into private.revoked_sessions (session_id, user_id, device_id)
    values (d.session_id, d.user_id, d.id)
    on conflict (session_id) do nothing;
    delete from auth.refresh_tokens t where t.session_id = d.session_id;
    delete from auth.sessions s where s.id = d.session_id;
  end if;
  perform private.audit('device.revoked', null, null, d.user_id,
    jsonb_build_object('device_id', d.id, 'name', d.name, 'platform', d.platform));
  perform realtime.send(jsonb_build_object('device_id', d.id, 'op', 'revoked'), 'devices',
    'member:' || d.user_id, true);
  return jsonb_build_object('device_id', d.id, 'revoked_at', d.revoked_at, 'changed', true);
end;
$$;

-- What a PC refused by the gates learns about itself: 'active', 'revoked' (the device, or the session the request
-- comes with) or 'unknown' (no such device of the caller's: another person's id answers the same). Not gated by
-- is_active_member, so a revoked PC can tell "signed out on purpose" from any other refusal.
create function public.my_device_status(p_id uuid) returns text
language sql stable security definer set search_path = ''
as $$
  select coalesce((
    select case when d.revoked_at is not null or public.session_revoked() then 'revoked' else 'active' end
    from public.devices d where d.id = p_id and d.user_id = auth.uid()
  ), 'unknown');
$$;

revoke all on function public.register_device(uuid, text, text, text, boolean), public.revoke_device(uuid),
  public.my_device_status(uuid) from public, anon, authenticated, service_role;
grant execute on function public.register_device(uuid, text, text, text, boolean), public.revoke_device(uuid),
  public.my_device_status(uuid) to authenticated;
revoke all on function private.jwt_session() from public, anon, authenticated, service_role;

-- ---------------------------------------------------------------------------------------------------------
-- Realtime topics
-- ---------------------------------------------------------------------------------------------------------

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

-- Called by the policies below as the socket's user.
revoke all on function public.can_access_topic(text, text) from public, anon, authenticated, service_role;
grant execute on function public.can_access_topic(text, text) to authenticated;

-- Realtime channel authorization (Realtime sets `realtime.topic` and acts as the socket's user).
create policy keyroom_topics_select on realtime.messages for select to authenticated
  using (public.can_access_topic((select realtime.topic()), extension));
-- Clients only track presence on office; every broadcast poke comes from a (security definer) trigger. Letting
-- members broadcast would let any of them push fake pokes to every PC and force office-wide re-pulls.
create policy keyroom_topics_insert on realtime.messages for insert to authenticated
  with check (extension = 'presence' and public.can_access_topic((select realtime.topic()), extension));

-- ---------------------------------------------------------------------------------------------------------
-- Trash: purging a tombstone (issue 16)
-- ---------------------------------------------------------------------------------------------------------

-- Nobody deletes entry rows through the API (no DELETE grant or policy). An admin may purge an entry that is
-- already in the trash (a tombstone): the row goes, its entry_history and audit_log rows stay (neither holds a
-- foreign key to entries, so nothing cascades), and the purge itself is audited. A live entry is refused: it has
-- to be deleted first (a signed tombstone), so a purge never removes what anyone still sees. Security definer
-- because entries has no DELETE grant; the admin check is the first statement.
create function public.purge_entry(p_id uuid) returns void
language plpgsql security definer set search_path = ''
as $$
declare
  r public.entries;
begin
  if not public.is_admin() then
    raise exception 'permission denied' using errcode = '42501';
  end if;
  -- Same lock as every entry write: a purge cannot interleave with a restore of the same entry.
  perform pg_advisory_xact_lock(7202611250001);
  select * into r from public.entries e where e.id = p_id for update;
  if r.id is null then
    raise exception 'not_found' using errcode = 'PT404';
  end if;
  if r.deleted_at is null then
    raise exception 'not_deleted' using errcode = '22023';
  end if;
  delete from public.entries e where e.id = p_id;
  perform private.audit('entry.purge', r.id, r.vault_id, null, jsonb_build_object('version', r.version));
end;
$$;

revoke all on function public.purge_entry(uuid) from public, anon, authenticated, service_role;
grant execute on function public.purge_entry(uuid) to authenticated;
