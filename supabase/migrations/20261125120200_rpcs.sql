-- Keyroom baseline, part 3 of 4: what signed-in members and admins call through the API (PostgREST /rpc), and
-- the Realtime topics. Each RPC checks its caller itself; RLS still applies to what a SECURITY INVOKER one touches.

-- ---------------------------------------------------------------------------------------------------------
-- Audit: verification and client-side events
-- ---------------------------------------------------------------------------------------------------------

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

-- Importing a file is one audit row, `vault.import`, naming the vault, how many entries arrived and from which
-- program's export. The entries themselves are audited one by one (`entry.create`) by the insert trigger, as
-- for any other create; this row says they came in together and who brought them.
create function public.log_import(p_vault_id uuid, p_count integer, p_format text) returns bigint
language plpgsql security definer set search_path = ''
as $$
begin
  if not public.is_active_member() then
    raise exception 'permission denied' using errcode = '42501';
  end if;
  if p_count is null or p_count < 0 or p_count > 100000 or p_format is null or p_format !~ '^[a-z0-9]{1,20}$' then
    raise exception 'invalid_import' using errcode = '22023';
  end if;
  if p_vault_id is null or p_vault_id not in (select public.my_vault_ids()) then
    raise exception 'not_found' using errcode = 'P0002';
  end if;
  return private.audit('vault.import', null, p_vault_id, null,
    jsonb_build_object('count', p_count, 'format', p_format));
end;
$$;

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

-- Realtime channel authorization (Realtime sets `realtime.topic` and acts as the socket's user).
create policy keyroom_topics_select on realtime.messages for select to authenticated
  using (public.can_access_topic((select realtime.topic()), extension));
-- Clients only track presence on office; every broadcast poke comes from a (security definer) trigger. Letting
-- members broadcast would let any of them push fake pokes to every PC and force office-wide re-pulls.
create policy keyroom_topics_insert on realtime.messages for insert to authenticated
  with check (extension = 'presence' and public.can_access_topic((select realtime.topic()), extension));
