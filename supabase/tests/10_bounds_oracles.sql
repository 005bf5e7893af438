-- No oracle for people or vaults, bounds on what members write, rate limits on the client-side audit events
-- (docs/security.md "Bounds, oracles, presence").
begin;
\ir fixtures/keyroom.psql
select plan(54);

-- An enrolled admin (not yet confirmed) holds the role but not the right to grant.
update public.profiles set role = 'admin' where id = tests.id('enrolled');

-- What a statement raised as a persona, 'ok' when it did not; the work is always rolled back.
create function tests.outcome(p_persona text, p_sql text) returns text
language plpgsql as $$
begin
  begin
    perform tests.act_as(p_persona);
    execute p_sql;
    raise exception using errcode = 'KRT02', message = 'ok';
  exception
    when sqlstate 'KRT02' then
      return 'ok';
    when others then
      return sqlstate || ' ' || sqlerrm;
  end;
end;
$$;

create table tests.grant_cases (label text primary key, sql text not null);
insert into tests.grant_cases (label, sql) values
  ('a random person', format($$insert into public.vault_grants (vault_id, member_id, key_version, sealed_key,
     member_public, signature) values (%L, gen_random_uuid(), 1, 's', %L, 'sig')$$,
     tests.id('v1'), tests.key('x', 'other'))),
  ('an invited person', format($$insert into public.vault_grants (vault_id, member_id, key_version, sealed_key,
     member_public, signature) values (%L, %L, 1, 's', %L, 'sig')$$,
     tests.id('v1'), tests.id('invited'), tests.key('x', 'invited'))),
  ('an active person and their key', format($$insert into public.vault_grants (vault_id, member_id, key_version,
     sealed_key, member_public, signature) values (%L, %L, 1, 's', %L, 'sig')$$,
     tests.id('v1'), tests.id('other'), tests.key('x', 'other'))),
  ('an active person and a wrong key', format($$insert into public.vault_grants (vault_id, member_id,
     key_version, sealed_key, member_public, signature) values (%L, %L, 1, 's', 'wrong', 'sig')$$,
     tests.id('v1'), tests.id('other'))),
  ('a real vault at a wrong key version', format($$insert into public.vault_grants (vault_id, member_id,
     key_version, sealed_key, member_public, signature) values (%L, %L, 2, 's', %L, 'sig')$$,
     tests.id('v1'), tests.id('other'), tests.key('x', 'other'))),
  ('a random vault', format($$insert into public.vault_grants (vault_id, member_id, key_version, sealed_key,
     member_public, signature) values (gen_random_uuid(), %L, 1, 's', %L, 'sig')$$,
     tests.id('other'), tests.key('x', 'other'))),
  ('a real admin named as signer', format($$insert into public.vault_grants (vault_id, member_id, key_version,
     sealed_key, member_public, granted_by, signature) values (%L, %L, 1, 's', %L, %L, 'sig')$$,
     tests.id('v1'), tests.id('other'), tests.key('x', 'other'), tests.id('admin'))),
  ('a non-admin named as signer', format($$insert into public.vault_grants (vault_id, member_id, key_version,
     sealed_key, member_public, granted_by, signature) values (%L, %L, 1, 's', %L, %L, 'sig')$$,
     tests.id('v1'), tests.id('other'), tests.key('x', 'other'), tests.id('member')));
grant select on tests.grant_cases to authenticated;

-- 3 personas x 8 cases: one answer, RLS's own, before any detail.
select is(tests.outcome(p.name, c.sql),
  '42501 new row violates row-level security policy for table "vault_grants"',
  p.name || ' inserting a grant for ' || c.label || ' gets the one refusal')
from (values ('member'), ('disabled'), ('enrolled')) as p (name), tests.grant_cases c
order by p.name, c.label;

-- The other path that writes grants, rotation, refuses the same way whatever it names (3 x 2).
select is(tests.outcome(p.name, format(
  $$select public.rotate_vault_key(%L, 1, '[]', %L)$$, v.id,
  jsonb_build_array(jsonb_build_object('member_id', tests.id('invited'), 'member_public', 'x',
    'sealed_key', 's', 'signature', 'sig')))),
  '42501 permission denied',
  p.name || ' rotating ' || v.label || ' gets the one refusal')
from (values ('member'), ('disabled'), ('enrolled')) as p (name),
  (values (tests.id('v1'), 'a real vault'), (gen_random_uuid(), 'a random vault')) as v (id, label)
order by p.name, v.label;

-- An admin who may grant still gets the precise reasons.
select is(tests.outcome('admin', (select c.sql from tests.grant_cases c where c.label = 'an invited person')),
  '22023 member_not_enrolled', 'an active admin learns that a person is not enrolled');
select is(tests.outcome('admin', (select c.sql from tests.grant_cases c where c.label = 'an active person and a wrong key')),
  '22023 member_public_mismatch', 'an active admin learns that the key does not match');
select is(tests.outcome('admin', (select c.sql from tests.grant_cases c where c.label = 'an active person and their key')),
  'ok', 'an active admin grants to an active person');

-- ---------------------------------------------------------------------------------------------------------
-- Bounds (23514, which PostgREST answers with HTTP 400)
-- ---------------------------------------------------------------------------------------------------------

select is(tests.outcome('member', format($$update public.profiles set display_name = %L where id = %L$$,
  repeat('n', 200), tests.id('member'))), 'ok', 'a display name of 200 characters is kept');
select is(tests.outcome('member', format($$update public.profiles set display_name = %L where id = %L$$,
  repeat('n', 201), tests.id('member'))),
  '23514 new row for relation "profiles" violates check constraint "profiles_display_name_size"',
  'a display name over 200 characters is refused');
select is(tests.outcome('invited', format($$update public.profiles set kdf = %L where id = %L$$,
  jsonb_build_object('salt', repeat('s', 1100)), tests.id('invited'))),
  '23514 new row for relation "profiles" violates check constraint "profiles_key_material_size"',
  'oversized KDF parameters are refused');
select is(tests.outcome('invited', format($$update public.profiles set wrapped_keys = %L where id = %L$$,
  jsonb_build_object('ct', repeat('c', 1100)), tests.id('invited'))),
  '23514 new row for relation "profiles" violates check constraint "profiles_key_material_size"',
  'oversized wrapped keys are refused');

select is(tests.outcome('member', format($$insert into public.entries (id, vault_id, envelope, key_version)
  values (gen_random_uuid(), %L, %L, 1)$$, tests.id('v1'), jsonb_build_object('v', 1, 'ct', repeat('c', 300000)))),
  'ok', 'a member adds an entry of 300 KB');
select is(tests.outcome('member', format($$insert into public.entries (id, vault_id, envelope, key_version)
  values (gen_random_uuid(), %L, %L, 1)$$, tests.id('v1'), jsonb_build_object('v', 1, 'ct', repeat('c', 327680)))),
  '23514 new row for relation "entries" violates check constraint "entries_envelope_size"',
  'an entry envelope over 320 KiB is refused (custom fields live inside it)');
select is(tests.outcome('admin', format($$select public.update_entry(%L, 2, %L, 1)$$, tests.id('e1'),
  jsonb_build_object('v', 1, 'ct', repeat('c', 327680)))),
  '23514 new row for relation "entries" violates check constraint "entries_envelope_size"',
  'an admin edit cannot grow an envelope past the bound either');

select is(tests.outcome('member', format($$select public.register_device(gen_random_uuid(), %L, 'win32', '1.0.0', false)$$,
  repeat('d', 200))), 'ok', 'a device name of 200 characters');
select is(tests.outcome('member', format($$select public.register_device(gen_random_uuid(), %L, 'win32', '1.0.0', false)$$,
  repeat('d', 201))),
  '23514 new row for relation "devices" violates check constraint "devices_fields_size"',
  'a device name over 200 characters is refused');
select is(tests.outcome('member', format($$select public.register_device(gen_random_uuid(), 'pc', %L, '1.0.0', false)$$,
  repeat('p', 33))),
  '23514 new row for relation "devices" violates check constraint "devices_fields_size"',
  'a platform over 32 characters is refused');
select is(tests.outcome('member', format($$select public.register_device(
  (select d.id from public.devices d where d.user_id = %L), 'pc', 'win32', %L, false)$$,
  tests.id('member'), repeat('9', 65))),
  '23514 new row for relation "devices" violates check constraint "devices_fields_size"',
  'an app version over 64 characters is refused');

-- ---------------------------------------------------------------------------------------------------------
-- Rate limits on log_event and log_import (PT429, HTTP 429)
-- ---------------------------------------------------------------------------------------------------------

select tests.act_as('member');
select is((select count(public.log_event('entry.copy', tests.id('e1'))) from generate_series(1, 120)), 120::bigint,
  'a member logs a burst of 120 events');
select throws_ok($$select public.log_event('entry.copy', tests.id('e1'))$$, 'PT429', 'rate_limited',
  'the 121st event in a burst is refused');
select throws_ok($$select public.log_event('vault.export', null)$$, 'PT429', 'rate_limited',
  'every client event shares the bucket');
select tests.act_as('admin');
select isnt(public.log_event('entry.copy', tests.id('e1')), null, 'another user has a bucket of their own');
select tests.reset();
select is((select count(*) from public.audit_log a where a.actor_id = tests.id('member') and a.action = 'entry.copy'),
  120::bigint, 'refused events wrote nothing');
-- Four seconds later two more tokens have come back, and no more.
update private.rate_buckets set at = at - interval '4 seconds' where user_id = tests.id('member');
select tests.act_as('member');
select lives_ok($$select public.log_event('entry.copy', tests.id('e1'))$$, 'a token returns every 2 s (1)');
select lives_ok($$select public.log_event('entry.copy', tests.id('e1'))$$, 'a token returns every 2 s (2)');
select throws_ok($$select public.log_event('entry.copy', tests.id('e1'))$$, 'PT429', 'rate_limited',
  'and not faster');

select is((select count(public.log_import(tests.id('v1'), 1, 'csv')) from generate_series(1, 10)), 10::bigint,
  'a member logs 10 imports in a row');
select throws_ok($$select public.log_import(tests.id('v1'), 1, 'csv')$$, 'PT429', 'rate_limited',
  'the 11th import in a row is refused');
select tests.reset();

select * from finish();
rollback;
