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
