-- purge_entry: only an admin, only a tombstone; the entry's history and audit rows outlive it. log_export: one
-- audit row per export, admins only. Each refusal is tried as the persona that must not get through.
begin;
\ir fixtures/keyroom.psql
select plan(15);

-- e2 is a tombstone in v1 (the member's vault); e1 is live.
select tests.act_as('member');
select throws_ok($$select public.purge_entry(tests.id('e2'))$$, '42501', null,
  'a member cannot purge a tombstone in a vault they read');
select tests.act_as('disabled');
select throws_ok($$select public.purge_entry(tests.id('e2'))$$, '42501', null, 'a disabled account cannot purge');
select tests.act_as_anon();
select throws_ok($$select public.purge_entry(tests.id('e2'))$$, '42501', null, 'anon cannot call purge_entry');
select tests.act_as('member');
select is(tests.probe('member', $$delete from public.entries where id = tests.id('e2')$$, false), -1::bigint,
  'a member cannot delete an entry row directly');
select is(tests.probe('admin', $$delete from public.entries where id = tests.id('e2')$$, false), -1::bigint,
  'nor can an admin, outside purge_entry');

select tests.act_as('admin');
select throws_ok($$select public.purge_entry(tests.id('e1'))$$, '22023', 'not_deleted',
  'a live entry cannot be purged');
select throws_ok($$select public.purge_entry('c0000000-0000-4000-8000-0000000000ff')$$, 'PT404', 'not_found',
  'an unknown entry is not found');
select tests.reset();
select is((select count(*) from public.entries where id = tests.id('e1')), 1::bigint, 'the live entry is still there');

select tests.reset();
create temp table before_purge as
  select (select count(*) from public.entry_history where entry_id = tests.id('e2')) as history,
    (select count(*) from public.audit_log where entry_id = tests.id('e2')) as audit;
grant select on before_purge to authenticated;
select tests.act_as('admin');
select lives_ok($$select public.purge_entry(tests.id('e2'))$$, 'an admin purges a tombstone');
select tests.reset();
select is((select count(*) from public.entries where id = tests.id('e2')), 0::bigint, 'the row is gone');
select is((select count(*) from public.entry_history where entry_id = tests.id('e2')),
  (select history from before_purge), 'its history survives the purge');
select is(
  (select array_agg(action order by id) from public.audit_log where entry_id = tests.id('e2')),
  array['entry.create', 'entry.delete', 'entry.purge'],
  'its audit trail survives, and the purge is added to it');
select is(public.verify_audit_chain(), null, 'the audit chain still verifies');

-- log_export
select tests.act_as('member');
select throws_ok($$select public.log_export(tests.id('v1'), 3, 'bitwardencsv')$$, '42501', null,
  'a member cannot log an export (only admins export)');
select tests.act_as('admin');
select public.log_export(tests.id('v1'), 3, 'bitwardencsv');
select tests.reset();
select is(
  (select a.action || ' ' || a.vault_id || ' ' || a.details::text from public.audit_log a order by a.id desc limit 1),
  'vault.export ' || tests.id('v1') || ' {"count": 3, "format": "bitwardencsv"}',
  'log_export stamps the vault, count and format');

select * from finish();
rollback;
