-- profiles: what a user may change about themselves, enrollment, the first admin, the office root, the
-- colleagues view, and the audit events and pokes of role and status changes.
begin;
\ir fixtures/keyroom.psql
select plan(46);

-- A member cannot promote, re-status or re-identify themself.
select tests.act_as('member');
select throws_ok($$update public.profiles set role = 'admin' where id = auth.uid()$$, '42501', null,
  'member cannot change own role');
select throws_ok($$update public.profiles set status = 'disabled' where id = auth.uid()$$, '42501', null,
  'member cannot change own status');
select throws_ok($$update public.profiles set email = 'x@evil.test' where id = auth.uid()$$, '42501', null,
  'member cannot change own email');
select throws_ok($$update public.profiles set key_certificate = '{"signer": "x", "sig": "y"}' where id = auth.uid()$$,
  '42501', null, 'member cannot write own key certificate');
select throws_ok($$update public.profiles set confirmed_at = now() where id = auth.uid()$$, '42501', null,
  'member cannot mark themself confirmed');
select throws_ok($$update public.profiles set x25519_public = tests.key('x', 'evil') where id = auth.uid()$$,
  '42501', null, 'active member cannot replace a pinned public key');
select lives_ok($$update public.profiles set display_name = 'Mem Ber' where id = auth.uid()$$,
  'member changes own display name');
select lives_ok($$update public.profiles set kdf = '{"alg": "argon2id", "m": 131072, "t": 3, "p": 1, "salt": "bmV3"}',
  wrapped_keys = '{"v": 1, "alg": "xchacha20poly1305", "nonce": "n2", "ct": "c2"}' where id = auth.uid()$$,
  'active member re-wraps own keys (master password change)');
select is((select kdf ->> 'm' from public.profiles where id = auth.uid()), '131072',
  'member reads own kdf through the table');
select is(tests.probe('member', $$update public.profiles set display_name = 'X' where id = tests.id('other')$$, false),
  0::bigint, 'member cannot rename a colleague');
select tests.reset();

select is((select display_name from public.profiles where id = tests.id('member')), 'Mem Ber',
  'display name stored');
select is((select status || '/' || role from public.profiles where id = tests.id('member')), 'active/member',
  'role and status unchanged after the refused attempts');
select is((select count(*)::int from public.audit_log where action = 'account.password_changed'
  and target_user_id = tests.id('member')), 1, 'a new kdf (master password change) is audited as account.password_changed');
select is((select count(*)::int from public.audit_log where action = 'user.keys' and target_user_id = tests.id('member')),
  0, 'and not a second time as user.keys');
select is((select count(*)::int from realtime.messages where topic = 'member:' || tests.id('member')
  and event = 'profile' and payload ->> 'user_id' = tests.id('member')::text), 1,
  'a master password change pokes the person''s channel (their other PCs lock)');
select is((select count(*)::int from realtime.messages where topic = 'office'
  and payload ->> 'user_id' = tests.id('member')::text), 0, 'and nobody else''s');

-- Admins too change roles and statuses only through the service role (admin-users).
select tests.act_as('admin');
select throws_ok($$update public.profiles set role = 'member' where id = auth.uid()$$, '42501', null,
  'admin cannot change own role through the API');
select is(tests.probe('admin', $$update public.profiles set status = 'disabled' where id = tests.id('member')$$, false),
  -1::bigint, 'admin cannot disable a member through the API (no UPDATE on status)');
select tests.reset();

-- Enrollment: partial key material keeps a user invited; complete key material makes them enrolled.
select tests.act_as('invited');
select lives_ok($$update public.profiles set x25519_public = tests.key('x', 'invited') where id = auth.uid()$$,
  'invited user uploads one key');
select is((select status from public.profiles where id = auth.uid()), 'invited', 'partial keys: still invited');
select lives_ok($$update public.profiles set ed25519_public = tests.key('e', 'invited'),
  kdf = '{"alg": "argon2id", "m": 65536, "t": 3, "p": 1, "salt": "c2FsdA"}',
  wrapped_keys = '{"v": 1, "alg": "xchacha20poly1305", "nonce": "n", "ct": "c"}' where id = auth.uid()$$,
  'invited user uploads the rest');
select is((select status from public.profiles where id = auth.uid()), 'enrolled',
  'complete key material: enrolled, waiting for confirmation');
select isnt((select enrolled_at from public.profiles where id = auth.uid()), null, 'enrolled_at stamped');
select is((select count(*)::int from public.colleagues), 0, 'an enrolled user sees no colleagues');
select is((select count(*)::int from public.client_policy), 1, 'an enrolled user reads the client policy');
select tests.reset();
select is((select count(*)::int from realtime.messages where topic = 'office' and event = 'profile'
  and payload ->> 'user_id' = tests.id('invited')::text), 1, 'enrollment pokes the office channel');

-- Status and role change only as the owner (the admin RPCs run so); each change is audited and poked. Not even the
-- service role updates profiles directly, so no change skips the checks in those RPCs.
select tests.act_as_service();
select throws_ok($$update public.profiles set status = 'disabled' where id = tests.id('member')$$, '42501', null,
  'the service role cannot update a profile directly');
select tests.reset();
select lives_ok($$update public.profiles set status = 'disabled' where id = tests.id('member')$$,
  'the owner disables a member');
select lives_ok($$update public.profiles set role = 'admin' where id = tests.id('other')$$,
  'the owner promotes a member');
select is((select count(*)::int from public.audit_log where action = 'user.disable'
  and target_user_id = tests.id('member')), 1, 'disable audited');
select is((select count(*)::int from realtime.messages where topic = 'member:' || tests.id('member')
  and event = 'disabled'), 1, 'disable pokes the member channel');
select is((select count(*)::int from realtime.messages where topic = 'member:' || tests.id('other')
  and event = 'profile'), 1, 'role change pokes the member channel');

-- Colleagues: active members see everyone's public fields, never the private key material.
select tests.act_as('other');
select is((select count(*)::int from public.colleagues), (select count(*)::int from tests.who where id::text like 'a%') - 1,
  'an active user sees every profile in colleagues');
select throws_ok($$update public.colleagues set display_name = 'x'$$, '42501', null,
  'colleagues is read-only');
select tests.reset();
select hasnt_column('public', 'colleagues', 'kdf', 'colleagues has no kdf');
select hasnt_column('public', 'colleagues', 'wrapped_keys', 'colleagues has no wrapped_keys');

-- The first admin to enroll while no active admin exists becomes active and the office root, once.
update public.profiles set status = 'disabled' where role = 'admin';
insert into auth.users (id, aud, role, email) values
  ('a0000000-0000-4000-8000-0000000000a1', 'authenticated', 'authenticated', 'root@keyroom.test'),
  ('a0000000-0000-4000-8000-0000000000a2', 'authenticated', 'authenticated', 'second@keyroom.test');
insert into tests.who values ('root', 'a0000000-0000-4000-8000-0000000000a1'),
  ('second', 'a0000000-0000-4000-8000-0000000000a2');
insert into public.profiles (id, email, display_name, role) values
  (tests.id('root'), 'root@keyroom.test', 'Root', 'admin'),
  (tests.id('second'), 'second@keyroom.test', 'Second', 'admin');
select tests.act_as('root');
update public.profiles set x25519_public = tests.key('x', 'root'), ed25519_public = tests.key('e', 'root'),
  kdf = '{"alg": "argon2id"}', wrapped_keys = '{"v": 1}',
  key_certificate = jsonb_build_object('signer', auth.uid(), 'sig', 'self') where id = auth.uid();
select tests.reset();
select is((select status from public.profiles where id = tests.id('root')), 'active',
  'first admin to enroll is active at once');
select is((select office_root_id::text || ' ' || office_root_public from public.client_policy),
  tests.id('root')::text || ' ' || tests.key('e', 'root'), 'and recorded as the office root');
select is((select key_certificate ->> 'signer' from public.profiles where id = tests.id('root')), tests.id('root')::text,
  'the office root keeps the self-signed certificate it wrote while enrolling');
select tests.act_as('second');
update public.profiles set x25519_public = tests.key('x', 'second'), ed25519_public = tests.key('e', 'second'),
  kdf = '{"alg": "argon2id"}', wrapped_keys = '{"v": 1}',
  key_certificate = jsonb_build_object('signer', auth.uid(), 'sig', 'self') where id = auth.uid();
select throws_ok($$update public.profiles set key_certificate = jsonb_build_object('signer', auth.uid(), 'sig', 'again')
  where id = auth.uid()$$, '42501', null, 'an enrolled admin cannot write a certificate after enrolling');
select tests.reset();
select is((select key_certificate from public.profiles where id = tests.id('second')), null,
  'a self-signed certificate from an admin who does not become root is dropped');
select is((select status from public.profiles where id = tests.id('second')), 'enrolled',
  'a later admin waits for confirmation');
select throws_ok($$update public.client_policy set office_root_public = tests.key('e', 'second')$$, '42501', null,
  'the office root never changes, not even for the owner');

-- A demoted or disabled admin keeps no certificate that would still let their key sign grants.
update public.profiles set role = 'admin', key_certificate = jsonb_build_object('signer', tests.id('root'), 'sig', 's')
where id = tests.id('member');
select tests.act_as_service();
select isnt((select key_certificate from public.admin_set_role(tests.id('root'), tests.id('member'), 'admin')), null,
  'a role change that keeps an admin an admin keeps the certificate');
select is((select key_certificate from public.admin_set_role(tests.id('root'), tests.id('member'), 'member')), null,
  'demoting an admin clears the certificate');
select tests.reset();
update public.profiles set role = 'admin', key_certificate = jsonb_build_object('signer', tests.id('root'), 'sig', 's')
where id = tests.id('member');
select tests.act_as_service();
select is((select key_certificate from public.admin_set_status(tests.id('root'), tests.id('member'), true)), null,
  'disabling an admin clears the certificate');
select tests.reset();

select * from finish();
rollback;
