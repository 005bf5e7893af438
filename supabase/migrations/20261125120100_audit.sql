-- Keyroom baseline, part 2 of 5: the audit log. Rows are appended by private.audit (from the triggers and the RPCs,
-- as the owner) under one lock, hash-chained so that an edited or deleted row shows; admins and the service role
-- verify the chain; members add the client-side events the server cannot see (a reveal, a copy, an import).

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

-- ---------------------------------------------------------------------------------------------------------
-- Verification and client-side events
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

-- Client-side events are rate-limited per user, so that one member cannot flood the audit log every admin reads
-- and exports: a token bucket per (user, kind) holds `capacity` events and refills one every `refill_seconds`
-- (log_event 120 and 2 s, log_import 10 and 60 s: docs/security.md "Bounds, oracles, presence"). A refusal is
-- PT429 `rate_limited`, which PostgREST answers with HTTP 429; it consumes nothing (the raise rolls back the take).
create table private.rate_buckets (
  user_id uuid not null,
  kind text not null,
  tokens double precision not null,
  at timestamptz not null,
  primary key (user_id, kind)
);
revoke all on private.rate_buckets from public, anon, authenticated, service_role;

create function private.take_token(p_kind text, p_capacity integer, p_refill_seconds double precision)
returns void
language plpgsql security definer set search_path = ''
as $$
declare
  v_left double precision;
begin
  insert into private.rate_buckets as b (user_id, kind, tokens, at)
  values (auth.uid(), p_kind, p_capacity - 1, clock_timestamp())
  on conflict (user_id, kind) do update
  set tokens = least(p_capacity::double precision,
      b.tokens + extract(epoch from clock_timestamp() - b.at) / p_refill_seconds) - 1,
    at = clock_timestamp()
  returning b.tokens into v_left;
  if v_left < 0 then
    raise exception 'rate_limited' using errcode = 'PT429';
  end if;
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
      raise exception 'not_found' using errcode = 'PT404';
    end if;
  end if;
  perform private.take_token('log_event', 120, 2);
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
    raise exception 'not_found' using errcode = 'PT404';
  end if;
  perform private.take_token('log_import', 10, 60);
  return private.audit('vault.import', null, p_vault_id, null,
    jsonb_build_object('count', p_count, 'format', p_format));
end;
$$;

revoke all on function public.verify_audit_chain(), public.log_event(text, uuid), public.log_import(uuid, integer, text)
  from public, anon, authenticated, service_role;
grant execute on function public.verify_audit_chain(), public.log_event(text, uuid), public.log_import(uuid, integer, text)
  to authenticated;
grant execute on function public.verify_audit_chain() to service_role;

-- Exporting a vault to a plaintext file (issue 16) is one audit row, `vault.export`, naming the vault, how many
-- entries left and in which format. Admins only: the export holds every password of the vault in the clear.
create function public.log_export(p_vault_id uuid, p_count integer, p_format text) returns bigint
language plpgsql security definer set search_path = ''
as $$
begin
  if not public.is_admin() then
    raise exception 'permission denied' using errcode = '42501';
  end if;
  if p_count is null or p_count < 0 or p_count > 100000 or p_format is null or p_format !~ '^[a-z0-9]{1,20}$' then
    raise exception 'invalid_export' using errcode = '22023';
  end if;
  if p_vault_id is null or p_vault_id not in (select public.my_vault_ids()) then
    raise exception 'not_found' using errcode = 'PT404';
  end if;
  perform private.take_token('log_export', 10, 60);
  return private.audit('vault.export', null, p_vault_id, null,
    jsonb_build_object('count', p_count, 'format', p_format));
end;
$$;

revoke all on function public.log_export(uuid, integer, text) from public, anon, authenticated, service_role;
grant execute on function public.log_export(uuid, integer, text) to authenticated;


revoke all on function private.audit_hash(public.audit_log), private.audit_chain(),
  private.audit(text, uuid, uuid, uuid, jsonb), private.take_token(text, integer, double precision)
  from public, anon, authenticated, service_role;
