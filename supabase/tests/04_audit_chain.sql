-- The audit log's hash chain: intact after real activity, and an edited or deleted row is pinpointed.
begin;
\ir fixtures/keyroom.psql
select plan(12);

select tests.act_as('member');
select public.log_event('entry.copy', tests.id('e1'));
select public.log_event('vault.export', null);
select tests.reset();

select cmp_ok((select count(*)::int from public.audit_log), '>=', 10, 'the fixture produced a chain of events');
select is((select count(*)::int from public.audit_log where hash !~ '^[0-9a-f]{64}$' or prev_hash !~ '^[0-9a-f]{64}$'),
  0, 'every link is a sha256 hex digest');
select is((select prev_hash from public.audit_log order by id limit 1), repeat('0', 64),
  'the chain starts from the zero hash');
select is(public.verify_audit_chain(), null, 'the chain verifies (superuser)');
select tests.act_as('admin');
select is(public.verify_audit_chain(), null, 'the chain verifies (admin)');
select tests.reset();
select tests.act_as('member');
select throws_ok($$select public.verify_audit_chain()$$, '42501', null, 'members cannot run the verification');
select tests.reset();

-- Tampering needs the table owner (nobody else can write); the chain still shows it.
create temp table picked on commit drop as
  select (select id from public.audit_log order by id offset 3 limit 1) as edited,
         (select id from public.audit_log order by id offset 6 limit 1) as deleted,
         (select id from public.audit_log order by id offset 7 limit 1) as after_deleted;
grant select on picked to authenticated;
create temp table original on commit drop as select * from public.audit_log where id = (select edited from picked);

update public.audit_log set details = '{"note": "harmless"}' where id = (select edited from picked);
select is(public.verify_audit_chain(), (select edited from picked), 'an edited row is reported');
select tests.act_as('admin');
select is(public.verify_audit_chain(), (select edited from picked), 'admins see the same break');
select tests.reset();
update public.audit_log a set details = o.details, actor_email = 'someone@else.test'
from original o where a.id = o.id;
select is(public.verify_audit_chain(), (select edited from picked), 'an edited actor is reported');

update public.audit_log a set actor_email = o.actor_email from original o where a.id = o.id;
delete from public.audit_log where id = (select deleted from picked);
select is(public.verify_audit_chain(), (select after_deleted from picked),
  'a deleted row is reported at the row after it (the restored edit verifies again)');

delete from public.audit_log where id < (select after_deleted from picked);
select is(public.verify_audit_chain(), (select after_deleted from picked),
  'cutting off the start of the chain is reported');

select tests.act_as('admin');
select is((select count(*)::int from public.audit_log where action = 'entry.copy' and actor_id = tests.id('member')), 1,
  'admins read client events with their actor');
select tests.reset();

select * from finish();
rollback;
