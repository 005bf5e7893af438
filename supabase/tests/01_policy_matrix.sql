-- The policy matrix: every table × {anon, invited, enrolled-unconfirmed, active member, disabled member,
-- admin, service role} × {select, insert, update, delete, an update of a column no API caller may set, truncate},
-- acting through the API roles with PostgREST's claims. select: the number of rows the persona sees ("all" = every
-- row in the table, "denied" = an error); the others: "allowed" when the statement changed a row, "denied" when it
-- raised or matched nothing. Each probe is rolled back, so the order does not matter. Where the caller has no
-- uid (anon, the service role) the statements aim at a colleague's row, so a missing grant is what stops them.
--
-- Then the grants themselves, per API role and table, column, sequence and function: the matrix shows what the
-- grants and policies let through together, these show that nothing more is granted than the matrix needs.
begin;
\ir fixtures/keyroom.psql
select plan(336 + 30 + 4 + 9 + 2);

create temp table statements (tbl text, op text, sql text) on commit drop;
insert into statements values
  ('profiles', 'select', 'select count(*) from public.profiles'),
  ('profiles', 'insert', $$insert into public.profiles (id, email, display_name) values (tests.id('spare'), 'spare@keyroom.test', 'Spare')$$),
  ('profiles', 'update', $$update public.profiles set display_name = display_name || '!' where id = coalesce(auth.uid(), tests.id('member'))$$),
  ('profiles', 'delete', $$delete from public.profiles where id = coalesce(auth.uid(), tests.id('member'))$$),
  ('profiles', 'update-fixed', $$update public.profiles set email = email where id = coalesce(auth.uid(), tests.id('member'))$$),
  ('profiles', 'truncate', 'truncate public.profiles cascade'),
  ('vaults', 'select', 'select count(*) from public.vaults'),
  ('vaults', 'insert', $$insert into public.vaults (name) values ('Matrix')$$),
  ('vaults', 'update', $$update public.vaults set name = 'Renamed' where id = tests.id('v1')$$),
  ('vaults', 'delete', $$delete from public.vaults where id = tests.id('v3')$$),
  ('vaults', 'update-fixed', $$update public.vaults set key_version = key_version where id = tests.id('v1')$$),
  ('vaults', 'truncate', 'truncate public.vaults cascade'),
  ('vault_grants', 'select', 'select count(*) from public.vault_grants'),
  ('vault_grants', 'insert', $$insert into public.vault_grants (vault_id, member_id, key_version, sealed_key, member_public, signature) values (tests.id('v2'), tests.id('member'), 1, 'sealed', tests.key('x', 'member'), 'sig')$$),
  ('vault_grants', 'update', $$update public.vault_grants set revoked_at = now() where member_id = tests.id('member')$$),
  ('vault_grants', 'delete', $$delete from public.vault_grants where vault_id = tests.id('v1') and member_id = tests.id('member')$$),
  ('vault_grants', 'truncate', 'truncate public.vault_grants'),
  ('key_revocations', 'select', 'select count(*) from public.key_revocations'),
  ('key_revocations', 'insert', $$insert into public.key_revocations (user_id, certificate, signature) values (tests.id('member'), '{"sig": "m"}', 'sig')$$),
  ('key_revocations', 'update', $$update public.key_revocations set signature = 'x'$$),
  ('key_revocations', 'delete', 'delete from public.key_revocations'),
  ('key_revocations', 'truncate', 'truncate public.key_revocations'),
  ('entries', 'select', 'select count(*) from public.entries'),
  ('entries', 'insert', $$insert into public.entries (id, vault_id, envelope, key_version) values (gen_random_uuid(), tests.id('v1'), '{"v": 1}', 1)$$),
  ('entries', 'update', $$update public.entries set envelope = '{"v": 1, "ct": "x"}' where id = tests.id('e1')$$),
  ('entries', 'delete', $$delete from public.entries where id = tests.id('e1')$$),
  ('entries', 'update-fixed', $$update public.entries set vault_id = vault_id where id = tests.id('e1')$$),
  ('entries', 'truncate', 'truncate public.entries'),
  ('entry_history', 'select', 'select count(*) from public.entry_history'),
  ('entry_history', 'insert', $$insert into public.entry_history (entry_id, vault_id, envelope, key_version, version, changed_at) values (tests.id('e1'), tests.id('v1'), '{}', 1, 9, now())$$),
  ('entry_history', 'update', $$update public.entry_history set envelope = '{}'$$),
  ('entry_history', 'delete', 'delete from public.entry_history'),
  ('entry_history', 'truncate', 'truncate public.entry_history'),
  ('audit_log', 'select', 'select count(*) from public.audit_log'),
  ('audit_log', 'insert', $$insert into public.audit_log (action) values ('entry.reveal')$$),
  ('audit_log', 'update', $$update public.audit_log set action = 'entry.copy'$$),
  ('audit_log', 'delete', 'delete from public.audit_log'),
  ('audit_log', 'truncate', 'truncate public.audit_log'),
  ('devices', 'select', 'select count(*) from public.devices'),
  ('devices', 'insert', $$insert into public.devices (id, user_id, name) values (gen_random_uuid(), coalesce(auth.uid(), tests.id('member')), 'pc')$$),
  ('devices', 'update', $$update public.devices set name = 'renamed' where user_id = coalesce(auth.uid(), tests.id('member'))$$),
  ('devices', 'delete', $$delete from public.devices where user_id = coalesce(auth.uid(), tests.id('member'))$$),
  ('devices', 'truncate', 'truncate public.devices'),
  ('client_policy', 'select', 'select count(*) from public.client_policy'),
  ('client_policy', 'insert', 'insert into public.client_policy (id) values (1)'),
  ('client_policy', 'update', 'update public.client_policy set auto_lock_minutes = 5'),
  ('client_policy', 'delete', 'delete from public.client_policy'),
  ('client_policy', 'truncate', 'truncate public.client_policy');

-- Expected outcome per persona, in the order anon, invited, enrolled, member, disabled, admin, service role.
create temp table expected (tbl text, op text, outcomes text[]) on commit drop;
insert into expected values
  ('profiles', 'select', '{denied,1,1,1,0,all,all}'),
  ('profiles', 'insert', '{denied,denied,denied,denied,denied,denied,allowed}'),
  ('profiles', 'update', '{denied,allowed,allowed,allowed,denied,allowed,denied}'),
  ('profiles', 'delete', '{denied,denied,denied,denied,denied,denied,denied}'),
  ('profiles', 'update-fixed', '{denied,denied,denied,denied,denied,denied,denied}'),
  ('profiles', 'truncate', '{denied,denied,denied,denied,denied,denied,denied}'),
  ('vaults', 'select', '{denied,0,0,1,0,all,all}'),
  ('vaults', 'insert', '{denied,denied,denied,denied,denied,allowed,allowed}'),
  ('vaults', 'update', '{denied,denied,denied,denied,denied,allowed,allowed}'),
  ('vaults', 'delete', '{denied,denied,denied,denied,denied,allowed,allowed}'),
  ('vaults', 'update-fixed', '{denied,denied,denied,denied,denied,denied,allowed}'),
  ('vaults', 'truncate', '{denied,denied,denied,denied,denied,denied,denied}'),
  ('vault_grants', 'select', '{denied,0,0,1,0,all,all}'),
  ('vault_grants', 'insert', '{denied,denied,denied,denied,denied,allowed,allowed}'),
  ('vault_grants', 'update', '{denied,denied,denied,denied,denied,denied,denied}'),
  ('vault_grants', 'delete', '{denied,denied,denied,denied,denied,allowed,denied}'),
  ('vault_grants', 'truncate', '{denied,denied,denied,denied,denied,denied,denied}'),
  ('key_revocations', 'select', '{denied,0,0,1,0,1,denied}'),
  ('key_revocations', 'insert', '{denied,denied,denied,denied,denied,allowed,denied}'),
  ('key_revocations', 'update', '{denied,denied,denied,denied,denied,denied,denied}'),
  ('key_revocations', 'delete', '{denied,denied,denied,denied,denied,denied,denied}'),
  ('key_revocations', 'truncate', '{denied,denied,denied,denied,denied,denied,denied}'),
  ('entries', 'select', '{denied,0,0,2,0,all,all}'),
  ('entries', 'insert', '{denied,denied,denied,allowed,denied,allowed,allowed}'),
  ('entries', 'update', '{denied,denied,denied,denied,denied,allowed,denied}'),
  ('entries', 'delete', '{denied,denied,denied,denied,denied,denied,denied}'),
  ('entries', 'update-fixed', '{denied,denied,denied,denied,denied,denied,denied}'),
  ('entries', 'truncate', '{denied,denied,denied,denied,denied,denied,denied}'),
  ('entry_history', 'select', '{denied,0,0,0,0,all,all}'),
  ('entry_history', 'insert', '{denied,denied,denied,denied,denied,denied,denied}'),
  ('entry_history', 'update', '{denied,denied,denied,denied,denied,denied,denied}'),
  ('entry_history', 'delete', '{denied,denied,denied,denied,denied,denied,denied}'),
  ('entry_history', 'truncate', '{denied,denied,denied,denied,denied,denied,denied}'),
  ('audit_log', 'select', '{denied,0,0,0,0,all,all}'),
  ('audit_log', 'insert', '{denied,denied,denied,denied,denied,denied,denied}'),
  ('audit_log', 'update', '{denied,denied,denied,denied,denied,denied,denied}'),
  ('audit_log', 'delete', '{denied,denied,denied,denied,denied,denied,denied}'),
  ('audit_log', 'truncate', '{denied,denied,denied,denied,denied,denied,denied}'),
  ('devices', 'select', '{denied,0,0,1,0,all,all}'),
  ('devices', 'insert', '{denied,denied,denied,denied,denied,denied,allowed}'),
  ('devices', 'update', '{denied,denied,denied,denied,denied,denied,denied}'),
  ('devices', 'delete', '{denied,denied,denied,denied,denied,denied,denied}'),
  ('devices', 'truncate', '{denied,denied,denied,denied,denied,denied,denied}'),
  ('client_policy', 'select', '{denied,1,1,1,0,1,1}'),
  ('client_policy', 'insert', '{denied,denied,denied,denied,denied,denied,denied}'),
  ('client_policy', 'update', '{denied,denied,denied,denied,denied,denied,denied}'),
  ('client_policy', 'delete', '{denied,denied,denied,denied,denied,denied,denied}'),
  ('client_policy', 'truncate', '{denied,denied,denied,denied,denied,denied,denied}');

create temp table personas (ord int, name text) on commit drop;
insert into personas values (1, 'anon'), (2, 'invited'), (3, 'enrolled'), (4, 'member'), (5, 'disabled'),
  (6, 'admin'), (7, 'service');

select is(
  case
    when s.op = 'select' then
      case tests.probe(p.name, s.sql, true) when -1 then 'denied' else tests.probe(p.name, s.sql, true)::text end
    -- TRUNCATE reports no row count: it is allowed when it does not raise.
    when s.op = 'truncate' then case when tests.probe(p.name, s.sql, false) < 0 then 'denied' else 'allowed' end
    else case when tests.probe(p.name, s.sql, false) > 0 then 'allowed' else 'denied' end
  end,
  case e.outcomes[p.ord]
    when 'all' then tests.probe('service', s.sql, true)::text
    else e.outcomes[p.ord]
  end,
  format('%s: %s on %s is %s', p.name, s.op, s.tbl, e.outcomes[p.ord])
)
from expected e
join statements s using (tbl, op)
cross join personas p
order by e.tbl, s.op, p.ord;

-- Table-level privileges, exactly (column-level UPDATE below): anon nothing, no API role TRUNCATE, REFERENCES or
-- TRIGGER. table_privs_are sees table-level privileges only, so a column grant does not show here.
create temp table table_grants (tbl text, authenticated text[], service_role text[]) on commit drop;
insert into table_grants values
  ('profiles', '{SELECT}', '{INSERT,SELECT}'),
  ('colleagues', '{SELECT}', '{}'),
  ('vaults', '{DELETE,INSERT,SELECT}', '{DELETE,INSERT,SELECT,UPDATE}'),
  ('vault_grants', '{DELETE,INSERT,SELECT}', '{INSERT,SELECT}'),
  ('key_revocations', '{INSERT,SELECT}', '{}'),
  ('entries', '{INSERT,SELECT}', '{INSERT,SELECT}'),
  ('entry_history', '{SELECT}', '{SELECT}'),
  ('audit_log', '{SELECT}', '{SELECT}'),
  ('devices', '{SELECT}', '{INSERT,SELECT}'),
  ('client_policy', '{SELECT}', '{SELECT}');
select table_privs_are('public', g.tbl, r.role,
    case r.role when 'authenticated' then g.authenticated when 'service_role' then g.service_role else '{}' end,
    format('%s holds exactly %s on %s', r.role,
      case r.role when 'authenticated' then g.authenticated when 'service_role' then g.service_role else '{}' end, g.tbl))
from table_grants g cross join (values ('anon'), ('authenticated'), ('service_role')) as r (role)
order by g.tbl, r.role;

-- Column-level UPDATE: the columns a caller may set, and only those (information_schema lists a column once the role
-- may update it, through a table-level or a column grant).
select is(
  array(select c.column_name::text from information_schema.column_privileges c
        where c.table_schema = 'public' and c.table_name = t.tbl and c.grantee = 'authenticated'
          and c.privilege_type = 'UPDATE' order by 1),
  t.cols, format('authenticated updates only %s of %s', t.cols, t.tbl))
from (values
  ('profiles', '{display_name,ed25519_public,kdf,key_certificate,wrapped_keys,x25519_public}'::text[]),
  -- Only register_device and revoke_device write devices.
  ('devices', '{}'),
  ('vaults', '{name}'),
  ('entries', '{deleted_at,envelope,key_version,state_proof}')
) as t (tbl, cols)
order by t.tbl;

-- Sequences: only the entries insert trigger takes a number as the caller.
select sequence_privs_are('public', s.seq, r.role,
    case when s.seq = 'entries_seq' and r.role <> 'anon' then '{USAGE}'::text[] else '{}' end,
    format('%s on sequence %s', r.role, s.seq))
from (values ('entries_seq'), ('audit_log_id_seq'), ('entry_history_id_seq')) as s (seq)
cross join (values ('anon'), ('authenticated'), ('service_role')) as r (role)
order by s.seq, r.role;

-- Functions: who may execute each one in public (PUBLIC would show as anon), and nobody anything in private.
select is(
  (select string_agg(x, E'\n' order by x) from (
    select f.oid::regprocedure::text || ': ' || coalesce((
      select string_agg(r.role, ',' order by r.role) from (values ('anon'), ('authenticated'), ('service_role')) as r (role)
      where has_function_privilege(r.role, f.oid, 'execute')), 'nobody') as x
    from pg_proc f where f.pronamespace = 'public'::regnamespace) s),
  (select string_agg(x, E'\n' order by x) from (values
    ('admin_confirm(uuid,uuid,jsonb,jsonb): service_role'),
    ('admin_create_profile(uuid,uuid,text,text,text): service_role'),
    ('admin_delete_profile(uuid,uuid): service_role'),
    ('admin_publish_release(uuid,text,text,boolean,text): service_role'),
    ('admin_reset(uuid,uuid): service_role'),
    ('admin_set_min_version(uuid,text): service_role'),
    ('admin_set_policy(uuid,integer,boolean): service_role'),
    ('admin_set_recovery_kit(uuid,jsonb): service_role'),
    ('admin_set_role(uuid,uuid,text): service_role'),
    ('admin_set_status(uuid,uuid,boolean): service_role'),
    ('admin_take_over(uuid,uuid,jsonb,jsonb): service_role'),
    ('admin_take_root(uuid,jsonb): service_role'),
    ('can_access_topic(text,text): authenticated'),
    ('is_active_member(): authenticated'),
    ('is_admin(): authenticated'),
    ('log_event(text,uuid): authenticated'),
    ('log_export(uuid,integer,text): authenticated'),
    ('log_import(uuid,integer,text): authenticated'),
    ('my_device_status(uuid): authenticated'),
    ('my_status(): authenticated'),
    ('my_vault_ids(): authenticated'),
    ('prelogin(text): anon,authenticated'),
    ('purge_entry(uuid): authenticated'),
    ('raise_entry_miss(uuid): authenticated'),
    ('register_device(uuid,text,text,text,boolean): authenticated'),
    ('revoke_device(uuid): authenticated'),
    ('rotate_vault_key(uuid,integer,jsonb,jsonb): authenticated'),
    ('session_revoked(): authenticated'),
    ('set_entry_deleted(uuid,integer,boolean,jsonb,integer,jsonb): authenticated'),
    ('update_entry(uuid,integer,jsonb,integer): authenticated'),
    ('verify_audit_chain(): authenticated,service_role')
  ) as v (x)),
  'each function in public is executable by exactly its callers; anon only prelogin');
select is(
  (select count(*)::int from pg_proc f cross join (values ('anon'), ('authenticated'), ('service_role')) as r (role)
   where f.pronamespace = 'private'::regnamespace and has_function_privilege(r.role, f.oid, 'execute')),
  0, 'no API role executes a function in private');

select * from finish();
rollback;
