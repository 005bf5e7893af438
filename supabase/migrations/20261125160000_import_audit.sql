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

revoke execute on function public.log_import(uuid, integer, text) from public, anon;
grant execute on function public.log_import(uuid, integer, text) to authenticated, service_role;
