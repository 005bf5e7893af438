-- The office root cannot be destroyed, and is handed on only with its key (admin_take_root). Another admin tries
-- to reset, disable, demote and delete the root's holder, before and after a hand-over; every refusal changes
-- nothing. Only the holder stores a recovery kit; a take-over must name its caller and the next hand-over number;
-- nobody signed in reaches the RPCs or writes the succession columns directly.
begin;
\ir fixtures/keyroom.psql
select plan(30);

create function tests.state(p_name text) returns text
language sql stable as $$
  select p.role || '/' || p.status || '/' || coalesce(p.ed25519_public, 'no-keys') || '/'
    || coalesce(p.key_certificate ->> 'signer', 'no-cert')
  from public.profiles p where p.id = tests.id(p_name)
$$;

create function tests.statement(p_holder text, p_n int) returns jsonb
language sql stable as $$
  select jsonb_build_object('holder', tests.id(p_holder), 'n', p_n, 'sig', repeat('s', 86))
$$;

-- "admin" is the office root (self-certified); "other" a second active admin the root certified.
update public.profiles set key_certificate = jsonb_build_object('signer', tests.id('admin'), 'sig', 'r')
where id = tests.id('admin');
update public.profiles set role = 'admin', key_certificate = jsonb_build_object('signer', tests.id('admin'), 'sig', 'o')
where id = tests.id('other');
update public.client_policy set office_root_id = tests.id('admin'), office_root_public = tests.key('e', 'admin');
create table tests.before as select tests.state('admin') as root_state;

-- Another admin tries to end the root.
select tests.act_as_service();
select throws_ok($$select public.admin_reset(tests.id('other'), tests.id('admin'))$$, 'P0001', 'office_root',
  'another admin cannot reset (and so erase) the office root');
select throws_ok($$select public.admin_set_status(tests.id('other'), tests.id('admin'), true)$$, 'P0001',
  'office_root', 'nor disable it');
select throws_ok($$select public.admin_set_role(tests.id('other'), tests.id('admin'), 'member')$$, 'P0001',
  'office_root', 'nor demote it');
select throws_ok($$select public.admin_delete_profile(tests.id('other'), tests.id('admin'))$$, 'P0001',
  'office_root', 'nor delete it');
select throws_ok($$select public.admin_reset(tests.id('admin'), tests.id('admin'))$$, 'P0001', 'office_root',
  'not even the root itself');
select tests.reset();
select is(tests.state('admin'), (select root_state from tests.before), 'the root keeps role, status, keys and certificate');
select is((select count(*)::int from public.audit_log where target_user_id = tests.id('admin')
  and action in ('user.role', 'user.disable', 'user.reset', 'user.delete')), 0, 'nothing is audited');

-- The recovery kit: stored by the holder only.
select tests.act_as_service();
select throws_ok($$select public.admin_set_recovery_kit(tests.id('other'), '{"v": 1}')$$, '42501', 'not_office_root',
  'another admin cannot replace the recovery kit');
select lives_ok($$select public.admin_set_recovery_kit(tests.id('admin'), '{"v": 1, "ct": "sealed"}')$$,
  'the root stores its kit');
select tests.reset();
select is((select recovery_kit ->> 'ct' from public.client_policy), 'sealed', 'it is kept');
select is((select count(*)::int from public.audit_log where action = 'root.recovery_kit'
  and actor_id = tests.id('admin')), 1, 'and audited');

-- A take-over must name its caller, count on from the last hand-over, and come from an active admin.
select tests.act_as_service();
select throws_ok($$select public.admin_take_root(tests.id('other'), tests.statement('member', 1))$$, '22023',
  'take_root_mismatch', 'a statement naming someone else is refused');
select throws_ok($$select public.admin_take_root(tests.id('other'), tests.statement('other', 2))$$, '22023',
  'take_root_mismatch', 'so is one skipping a hand-over');
select throws_ok($$select public.admin_take_root(tests.id('other'), tests.statement('other', 1) - 'sig')$$, '22023',
  'take_root_mismatch', 'and one without a signature');
select throws_ok($$select public.admin_take_root(tests.id('member'), tests.statement('member', 1))$$, '42501',
  'signer_not_admin', 'a member cannot take the root role');
select throws_ok($$select public.admin_take_root(tests.id('admin'), tests.statement('admin', 1))$$, 'P0001',
  'already_root', 'the holder does not take it from itself');
select tests.reset();
select is((select root_holder from public.client_policy), null, 'nothing was handed on');

select tests.act_as_service();
select is((select root_holder ->> 'holder' from public.admin_take_root(tests.id('other'), tests.statement('other', 1))),
  tests.id('other')::text, 'the second admin takes the root role with a statement naming them');
select throws_ok($$select public.admin_take_root(tests.id('other'), tests.statement('other', 1))$$, '22023',
  'take_root_mismatch', 'the same statement cannot be handed in again');
select tests.reset();
select is((select details from public.audit_log where action = 'root.take_over'),
  jsonb_build_object('from', tests.id('admin'), 'to', tests.id('other'), 'n', 1), 'the take-over is audited');
select is((select office_root_id from public.client_policy), tests.id('admin'),
  'the root''s id, which every PC pinned, stays');

-- After the hand-over: the new holder is protected; the first root's id still names the root, so it is never
-- reset or deleted, but it can be disabled (a leaver) now that someone else holds the key.
select tests.act_as_service();
select throws_ok($$select public.admin_reset(tests.id('admin'), tests.id('other'))$$, 'P0001', 'office_root',
  'the new holder is not reset');
select throws_ok($$select public.admin_set_status(tests.id('admin'), tests.id('other'), true)$$, 'P0001',
  'office_root', 'nor disabled');
select throws_ok($$select public.admin_set_role(tests.id('admin'), tests.id('other'), 'member')$$, 'P0001',
  'office_root', 'nor demoted');
select throws_ok($$select public.admin_reset(tests.id('other'), tests.id('admin'))$$, 'P0001', 'office_root',
  'the first root is still not reset');
select throws_ok($$select public.admin_delete_profile(tests.id('other'), tests.id('admin'))$$, 'P0001',
  'office_root', 'nor deleted');
select is((select status from public.admin_set_status(tests.id('other'), tests.id('admin'), true)), 'disabled',
  'but is disabled by the new holder');
select tests.reset();

-- The wrong user: nobody signed in reaches the RPCs or the succession columns.
select is(tests.probe('other', $$select public.admin_take_root(tests.id('other'), tests.statement('other', 2))$$,
  false), -1::bigint, 'a signed-in admin cannot call the take-over RPC directly');
select is(tests.probe('other', $$select public.admin_set_recovery_kit(tests.id('other'), '{}')$$, false), -1::bigint,
  'nor the kit RPC');
select is(tests.probe('other', $$update public.client_policy set root_holder = tests.statement('member', 2)$$, false),
  -1::bigint, 'nor write the holder');

select * from finish();
rollback;
