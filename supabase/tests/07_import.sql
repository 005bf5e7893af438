-- log_import: one audit row per import, for a vault the caller reads, stamped by the server; its details carry
-- the count and the format, never anything from the file.
begin;
\ir fixtures/keyroom.psql
select plan(7);

select tests.act_as('member');
select isnt(public.log_import(tests.id('v1'), 50, 'bitwarden'), null, 'a member logs an import into a granted vault');
select tests.reset();
select is(
  (select a.action || ' ' || a.actor_email || ' ' || a.vault_id || ' ' || a.details::text
   from public.audit_log a order by a.id desc limit 1),
  'vault.import member@keyroom.test ' || tests.id('v1') || ' {"count": 50, "format": "bitwarden"}',
  'log_import stamps actor, vault, count and format');

select tests.act_as('member');
select throws_ok($$select public.log_import(tests.id('v2'), 1, 'chrome')$$, 'PT404', 'not_found',
  'a vault the member does not read is refused');
select throws_ok($$select public.log_import(tests.id('v1'), -1, 'chrome')$$, '22023', 'invalid_import',
  'a negative count is refused');
select throws_ok($$select public.log_import(tests.id('v1'), 1, 'Not A Format!')$$, '22023', 'invalid_import',
  'a format is a short lowercase name, not free text');
select tests.act_as('disabled');
select throws_ok($$select public.log_import(tests.id('v1'), 1, 'chrome')$$, '42501', null,
  'a disabled account cannot log an import');
select tests.act_as_anon();
select throws_ok($$select public.log_import(tests.id('v1'), 1, 'chrome')$$, '42501', null,
  'anon cannot call log_import');

select * from finish();
rollback;
