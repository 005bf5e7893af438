-- Taking over what an admin vouched for, before they stop being one. Colleagues accept a grant only while its signer
-- holds a root-certified admin certificate, and a member's certificate only while its signer does; demoting,
-- disabling, resetting or deleting an admin clears that certificate (20261125150000_reconfirmation.sql), so every
-- grant and certificate they signed would stop verifying and their colleagues would lose the vault. The admin who
-- makes the change first re-signs those with their own key (the app checks each against the chain while it still
-- holds) and hands them in here: they replace only what p_from signed, in one transaction.
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

revoke execute on function public.admin_take_over(uuid, uuid, jsonb, jsonb) from public, anon, authenticated;
grant execute on function public.admin_take_over(uuid, uuid, jsonb, jsonb) to service_role;
