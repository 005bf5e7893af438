-- The policy matrix: every table × {anon, invited, enrolled-unconfirmed, active member, disabled member,
-- admin} × {select, insert, update, delete}, acting through the API roles with PostgREST's claims.
-- select: the number of rows the persona sees ("all" = every row in the table, "denied" = an error);
-- insert/update/delete: "allowed" when the statement changed a row, "denied" when it raised or matched
-- nothing. Each probe is rolled back, so the order does not matter.
begin;
\ir fixtures/keyroom.psql
select plan(192);

create temp table statements (tbl text, op text, sql text) on commit drop;
insert into statements values
  ('profiles', 'select', 'select count(*) from public.profiles'),
  ('profiles', 'insert', $$insert into public.profiles (id, email, display_name) values (tests.id('spare'), 'spare@keyroom.test', 'Spare')$$),
  ('profiles', 'update', $$update public.profiles set display_name = display_name || '!' where id = auth.uid()$$),
  ('profiles', 'delete', 'delete from public.profiles where id = auth.uid()'),
  ('vaults', 'select', 'select count(*) from public.vaults'),
  ('vaults', 'insert', $$insert into public.vaults (name) values ('Matrix')$$),
  ('vaults', 'update', $$update public.vaults set name = 'Renamed' where id = tests.id('v1')$$),
  ('vaults', 'delete', $$delete from public.vaults where id = tests.id('v3')$$),
  ('vault_grants', 'select', 'select count(*) from public.vault_grants'),
  ('vault_grants', 'insert', $$insert into public.vault_grants (vault_id, member_id, key_version, sealed_key, member_public, signature) values (tests.id('v2'), tests.id('member'), 1, 'sealed', tests.key('x', 'member'), 'sig')$$),
  ('vault_grants', 'update', $$update public.vault_grants set revoked_at = now() where member_id = tests.id('member')$$),
  ('vault_grants', 'delete', $$delete from public.vault_grants where vault_id = tests.id('v1') and member_id = tests.id('member')$$),
  ('entries', 'select', 'select count(*) from public.entries'),
  ('entries', 'insert', $$insert into public.entries (id, vault_id, envelope, key_version) values (gen_random_uuid(), tests.id('v1'), '{"v": 1}', 1)$$),
  ('entries', 'update', $$update public.entries set envelope = '{"v": 1, "ct": "x"}' where id = tests.id('e1')$$),
  ('entries', 'delete', $$delete from public.entries where id = tests.id('e1')$$),
  ('entry_history', 'select', 'select count(*) from public.entry_history'),
  ('entry_history', 'insert', $$insert into public.entry_history (entry_id, vault_id, envelope, key_version, version, changed_at) values (tests.id('e1'), tests.id('v1'), '{}', 1, 9, now())$$),
  ('entry_history', 'update', $$update public.entry_history set envelope = '{}'$$),
  ('entry_history', 'delete', 'delete from public.entry_history'),
  ('audit_log', 'select', 'select count(*) from public.audit_log'),
  ('audit_log', 'insert', $$insert into public.audit_log (action) values ('entry.reveal')$$),
  ('audit_log', 'update', $$update public.audit_log set action = 'entry.copy'$$),
  ('audit_log', 'delete', 'delete from public.audit_log'),
  ('devices', 'select', 'select count(*) from public.devices'),
  ('devices', 'insert', $$insert into public.devices (id, name) values (gen_random_uuid(), 'pc')$$),
  ('devices', 'update', $$update public.devices set name = 'renamed' where user_id = auth.uid()$$),
  ('devices', 'delete', 'delete from public.devices where user_id = auth.uid()'),
  ('client_policy', 'select', 'select count(*) from public.client_policy'),
  ('client_policy', 'insert', 'insert into public.client_policy (id) values (1)'),
  ('client_policy', 'update', 'update public.client_policy set auto_lock_minutes = 5'),
  ('client_policy', 'delete', 'delete from public.client_policy');

-- Expected outcome per persona, in the order anon, invited, enrolled, member, disabled, admin.
create temp table expected (tbl text, op text, outcomes text[]) on commit drop;
insert into expected values
  ('profiles', 'select', '{denied,1,1,1,0,all}'),
  ('profiles', 'insert', '{denied,denied,denied,denied,denied,denied}'),
  ('profiles', 'update', '{denied,allowed,allowed,allowed,denied,allowed}'),
  ('profiles', 'delete', '{denied,denied,denied,denied,denied,denied}'),
  ('vaults', 'select', '{denied,0,0,1,0,all}'),
  ('vaults', 'insert', '{denied,denied,denied,denied,denied,allowed}'),
  ('vaults', 'update', '{denied,denied,denied,denied,denied,allowed}'),
  ('vaults', 'delete', '{denied,denied,denied,denied,denied,allowed}'),
  ('vault_grants', 'select', '{denied,0,0,1,0,all}'),
  ('vault_grants', 'insert', '{denied,denied,denied,denied,denied,allowed}'),
  ('vault_grants', 'update', '{denied,denied,denied,denied,denied,denied}'),
  ('vault_grants', 'delete', '{denied,denied,denied,denied,denied,allowed}'),
  ('entries', 'select', '{denied,0,0,2,0,all}'),
  ('entries', 'insert', '{denied,denied,denied,allowed,denied,allowed}'),
  ('entries', 'update', '{denied,denied,denied,denied,denied,allowed}'),
  ('entries', 'delete', '{denied,denied,denied,denied,denied,denied}'),
  ('entry_history', 'select', '{denied,0,0,0,0,all}'),
  ('entry_history', 'insert', '{denied,denied,denied,denied,denied,denied}'),
  ('entry_history', 'update', '{denied,denied,denied,denied,denied,denied}'),
  ('entry_history', 'delete', '{denied,denied,denied,denied,denied,denied}'),
  ('audit_log', 'select', '{denied,0,0,0,0,all}'),
  ('audit_log', 'insert', '{denied,denied,denied,denied,denied,denied}'),
  ('audit_log', 'update', '{denied,denied,denied,denied,denied,denied}'),
  ('audit_log', 'delete', '{denied,denied,denied,denied,denied,denied}'),
  ('devices', 'select', '{denied,0,0,1,0,all}'),
  ('devices', 'insert', '{denied,denied,denied,allowed,denied,allowed}'),
  ('devices', 'update', '{denied,denied,denied,allowed,denied,allowed}'),
  ('devices', 'delete', '{denied,denied,denied,denied,denied,denied}'),
  ('client_policy', 'select', '{denied,1,1,1,0,1}'),
  ('client_policy', 'insert', '{denied,denied,denied,denied,denied,denied}'),
  ('client_policy', 'update', '{denied,denied,denied,denied,denied,denied}'),
  ('client_policy', 'delete', '{denied,denied,denied,denied,denied,denied}');

create temp table personas (ord int, name text) on commit drop;
insert into personas values (1, 'anon'), (2, 'invited'), (3, 'enrolled'), (4, 'member'), (5, 'disabled'),
  (6, 'admin');

select is(
  case
    when s.op = 'select' then
      case tests.probe(p.name, s.sql, true) when -1 then 'denied' else tests.probe(p.name, s.sql, true)::text end
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

select * from finish();
rollback;
