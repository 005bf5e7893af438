-- Devices follow the person: a PC registers itself through register_device with its Auth session, the person or an
-- admin revokes a PC through revoke_device, and a revoked PC's session is refused by every gate at once, before its
-- access token expires. Each rule is tried as the wrong user.
begin;
\ir fixtures/keyroom.psql
select plan(64);

-- A persona with an Auth session, as GoTrue's access token carries it (session_id claim).
create function tests.act_in(p_name text, p_session uuid) returns void
language plpgsql as $$
begin
  perform set_config('request.jwt.claim.sub', '', true);
  perform set_config('request.jwt.claims', json_build_object(
    'sub', tests.id(p_name), 'role', 'authenticated', 'email', p_name || '@keyroom.test',
    'session_id', p_session)::text, true);
  execute 'set local role authenticated';
end;
$$;
grant execute on function tests.act_in(text, uuid) to authenticated;

insert into tests.who (name, id) values
  ('pc1', 'd0000000-0000-4000-8000-000000000001'),
  ('pc2', 'd0000000-0000-4000-8000-000000000002'),
  ('adminpc', 'd0000000-0000-4000-8000-000000000003'),
  ('s1', 'e0000000-0000-4000-8000-000000000001'),
  ('s2', 'e0000000-0000-4000-8000-000000000002'),
  ('s3', 'e0000000-0000-4000-8000-000000000003'),
  ('sa', 'e0000000-0000-4000-8000-00000000000a');
insert into auth.sessions (id, user_id, created_at, updated_at) values
  (tests.id('s1'), tests.id('member'), now(), now()),
  (tests.id('s2'), tests.id('member'), now(), now()),
  (tests.id('s3'), tests.id('member'), now(), now()),
  (tests.id('sa'), tests.id('admin'), now(), now());
insert into auth.refresh_tokens (token, user_id, revoked, created_at, updated_at, session_id) values
  ('rt-s1', tests.id('member')::text, false, now(), now(), tests.id('s1')),
  ('rt-s2', tests.id('member')::text, false, now(), now(), tests.id('s2'));

-- ---------------------------------------------------------------------------------------------------------
-- register_device
-- ---------------------------------------------------------------------------------------------------------

select tests.act_in('member', tests.id('s1'));
select is(public.register_device(tests.id('pc1'), 'Desk', 'win32', '1.2.0', true),
  jsonb_build_object('device_id', tests.id('pc1'), 'new', true, 'restored', false), 'a new PC registers: new');
select is(public.register_device(tests.id('pc1'), 'Desk', 'win32', '1.2.1', false),
  jsonb_build_object('device_id', tests.id('pc1'), 'new', false, 'restored', false), 'registering again: not new');
select tests.act_in('member', tests.id('s2'));
select is(public.register_device(tests.id('pc2'), 'Laptop', 'darwin', '1.2.1', true) ->> 'new', 'true',
  'a second PC of the same person registers');
select tests.reset();

select is((select session_id::text || ' ' || app_version || ' ' || user_id::text from public.devices
  where id = tests.id('pc1')), tests.id('s1')::text || ' 1.2.1 ' || tests.id('member')::text,
  'the device keeps its session, app version and owner');
select is((select count(*)::int from public.audit_log where action = 'device.added'
  and target_user_id = tests.id('member')), 2, 'each new PC is audited once as device.added');
select is((select details from public.audit_log where action = 'device.added' and details ->> 'device_id' = tests.id('pc1')::text),
  jsonb_build_object('device_id', tests.id('pc1'), 'name', 'Desk', 'platform', 'win32', 'restored', false),
  'device.added names the PC and its platform, nothing else');
select is((select actor_id from public.audit_log where action = 'device.added' and details ->> 'device_id' = tests.id('pc1')::text),
  tests.id('member'), 'by the person');
select is((select count(*)::int from realtime.messages where topic = 'member:' || tests.id('member')
  and event = 'devices' and payload ->> 'op' = 'added'), 2, 'each new PC pokes the person''s channel (devices)');

-- The wrong user: another person's device id, anon, people who are not active.
select tests.act_in('other', null);
select throws_ok($$select public.register_device(tests.id('pc1'), 'Mine now', 'win32', '1.0.0', true)$$, '42501', null,
  'a device id registered by someone else is refused');
select tests.reset();
select is((select user_id || ' ' || name from public.devices where id = tests.id('pc1')),
  tests.id('member') || ' Desk', 'and the device stays theirs, unchanged');
select tests.act_as_anon();
select throws_ok($$select public.register_device(gen_random_uuid(), 'pc', 'win32', '1.0.0', true)$$, '42501', null,
  'anon cannot register a device');
select throws_ok($$select public.revoke_device(tests.id('pc1'))$$, '42501', null, 'anon cannot revoke a device');
select throws_ok($$select public.my_device_status(tests.id('pc1'))$$, '42501', null,
  'anon cannot ask for a device status');
select tests.reset();
select is(tests.probe('invited', $$select public.register_device(gen_random_uuid(), 'pc', 'win32', '1.0.0', true)$$, false),
  -1::bigint, 'an invited person cannot register a device');
select is(tests.probe('disabled', $$select public.register_device(gen_random_uuid(), 'pc', 'win32', '1.0.0', true)$$, false),
  -1::bigint, 'a disabled person cannot register a device');
select is(tests.probe('member', $$select public.register_device(null, 'pc', 'win32', '1.0.0', true)$$, false),
  -1::bigint, 'a device needs an id');

-- Direct writes (TEMPORARY, issue 15: the app's upsert until it calls register_device) never touch the session or
-- the revocation.
select is(tests.probe('member', format($$update public.devices set revoked_at = null where id = %L$$,
  tests.id('pc1')), false), -1::bigint, 'a member cannot write revoked_at directly');
select is(tests.probe('member', format($$update public.devices set session_id = null where id = %L$$,
  tests.id('pc1')), false), -1::bigint, 'nor session_id');
select is(tests.probe('admin', format($$update public.devices set revoked_at = now() where id = %L$$,
  tests.id('pc1')), false), -1::bigint, 'nor can an admin revoke directly');
select tests.act_in('member', tests.id('s1'));
insert into public.devices (id, user_id, name) values (tests.id('adminpc'), tests.id('member'), 'direct');
select tests.reset();
select is((select session_id from public.devices where id = tests.id('adminpc')), tests.id('s1'),
  'a direct insert is stamped with the request''s own session');
delete from public.devices where id = tests.id('adminpc');

-- New device ids are rate-limited per person (each writes an audit row every admin reads).
select tests.act_in('other', null);
select is((select count(public.register_device(gen_random_uuid(), 'pc', 'win32', '1.0.0', true)) from generate_series(1, 10)),
  10::bigint, 'ten new PCs in a row register');
select throws_ok($$select public.register_device(gen_random_uuid(), 'pc', 'win32', '1.0.0', true)$$, 'PT429',
  'rate_limited', 'the eleventh new PC at once is rate-limited');
select lives_ok($$select public.register_device((select d.id from public.devices d where d.user_id = auth.uid() limit 1),
  'pc', 'win32', '1.0.1', false)$$, 'a known PC registers again whatever the bucket says');
select tests.reset();

-- ---------------------------------------------------------------------------------------------------------
-- revoke_device
-- ---------------------------------------------------------------------------------------------------------

select tests.act_in('other', null);
select throws_ok($$select public.revoke_device(tests.id('pc1'))$$, '42501', null,
  'a member cannot revoke a colleague''s PC');
select throws_ok($$select public.revoke_device(gen_random_uuid())$$, 'PT404', 'not_found', 'an unknown PC is not found');
select tests.reset();
select is((select revoked_at from public.devices where id = tests.id('pc1')), null, 'the colleague''s PC stays active');
select is(tests.probe('disabled', format($$select public.revoke_device(%L)$$, tests.id('pc1')), false), -1::bigint,
  'a disabled person cannot revoke anything');

-- The person revokes another of their own PCs (pc2, session s2) from pc1.
select tests.act_in('member', tests.id('s1'));
select is(public.revoke_device(tests.id('pc2')) ->> 'changed', 'true', 'the owner revokes another of their PCs');
select is(public.revoke_device(tests.id('pc2')) ->> 'changed', 'false', 'revoking it again changes nothing');
select is(public.my_device_status(tests.id('pc2')), 'revoked', 'the owner sees it revoked');
select is(public.my_device_status(tests.id('pc1')), 'active', 'and the PC they are on still active');
select tests.reset();
select is((select revoked_by from public.devices where id = tests.id('pc2')), tests.id('member'), 'revoked_by names who');
select is((select count(*)::int from public.audit_log where action = 'device.revoked'
  and details ->> 'device_id' = tests.id('pc2')::text), 1, 'one device.revoked row, not one per attempt');
select is((select actor_id::text || ' ' || target_user_id::text from public.audit_log where action = 'device.revoked'),
  tests.id('member')::text || ' ' || tests.id('member')::text, 'by the person, about the person');
select is((select count(*)::int from realtime.messages where topic = 'member:' || tests.id('member')
  and event = 'devices' and payload ->> 'op' = 'revoked'), 1, 'one devices poke on the person''s channel');
select is((select count(*)::int from auth.sessions where id = tests.id('s2')), 0,
  'the revoked PC''s Auth session is ended (no refresh)');
select is((select count(*)::int from auth.refresh_tokens where session_id = tests.id('s2')), 0,
  'and its refresh tokens with it');
select is((select count(*)::int from auth.sessions where id = tests.id('s1')), 1, 'the person''s other session is kept');

-- The revoked PC's access token is still valid for PostgREST, yet every gate refuses it.
select tests.act_in('member', tests.id('s2'));
select ok(public.session_revoked(), 'the revoked session knows it is revoked');
select ok(not public.is_active_member(), 'is_active_member is false for the revoked session');
select is(public.my_status(), null, 'my_status answers nothing');
select is((select count(*)::int from public.entries), 0, 'a revoked session sees no entries');
select is((select count(*)::int from public.profiles), 0, 'no profile, not even its own');
select is((select count(*)::int from public.colleagues), 0, 'no colleagues');
select is((select count(*)::int from public.vault_grants), 0, 'no grants');
select is((select count(*)::int from public.devices), 0, 'no devices');
select is((select count(*)::int from public.client_policy), 0, 'no client policy');
select ok(not public.can_access_topic('member:' || tests.id('member'), 'broadcast'), 'no member channel');
update public.profiles set kdf = '{"alg": "argon2id", "v": 19, "m": 65536, "t": 3, "p": 1, "salt": "ZXZpbA"}'
where id = auth.uid();
select throws_ok($$select public.register_device(tests.id('pc2'), 'Laptop', 'darwin', '1.2.1', true)$$, '42501', null,
  'nor register again, fresh or not, with that session');
select is(public.my_device_status(tests.id('pc2')), 'revoked', 'my_device_status still answers it: revoked');
select tests.reset();
select is((select kdf ->> 'salt' from public.profiles where id = tests.id('member')), 'c2FsdA',
  'the revoked session cannot change the master password (its update matched no row)');

-- The revoked PC signs in afresh (session s3): without saying it wiped itself it is refused, with p_fresh it is
-- back, and the old session stays refused.
select tests.act_in('member', tests.id('s3'));
select throws_ok($$select public.register_device(tests.id('pc2'), 'Laptop', 'darwin', '1.2.1', false)$$, 'P0001',
  'device_revoked', 'a revoked PC registering without a fresh sign-in is refused: device_revoked');
select is(public.my_device_status(tests.id('pc2')), 'revoked', 'still revoked after the refusal');
update public.devices set name = 'sneaky' where id = tests.id('pc2');
insert into public.devices (id, user_id, name) values (tests.id('pc2'), tests.id('member'), 'sneaky')
  on conflict (id) do nothing;
select is(public.my_device_status(tests.id('pc2')), 'revoked', 'a direct write cannot bring a revoked PC back');
select throws_ok($$insert into public.devices (id, user_id, name) values (tests.id('pc2'), tests.id('member'), 'x')
  on conflict (id) do update set name = excluded.name$$, '42501', null,
  'the app''s upsert of a revoked PC is refused');
select is(public.register_device(tests.id('pc2'), 'Laptop', 'darwin', '1.2.1', true),
  jsonb_build_object('device_id', tests.id('pc2'), 'new', false, 'restored', true), 'a fresh sign-in clears the revocation');
select is(public.my_device_status(tests.id('pc2')), 'active', 'the PC is active again');
select tests.reset();
select is((select count(*)::int from public.audit_log where action = 'device.added'
  and details ->> 'device_id' = tests.id('pc2')::text and (details ->> 'restored')::boolean), 1,
  'the PC back after a revocation is audited as device.added (restored)');
select tests.act_in('member', tests.id('s2'));
select ok(not public.is_active_member(), 'the session the PC was revoked with stays refused');
select tests.reset();

-- An admin revokes anyone's PC; my_device_status answers only for one's own.
select tests.act_in('admin', tests.id('sa'));
select is(public.revoke_device(tests.id('pc1')) ->> 'changed', 'true', 'an admin revokes a member''s PC');
select is(public.my_device_status(tests.id('pc1')), 'unknown', 'another person''s device is unknown to my_device_status');
select ok(public.is_admin(), 'the admin''s own session is untouched');
select tests.reset();
select is((select actor_id::text || ' ' || target_user_id::text from public.audit_log where action = 'device.revoked'
  and details ->> 'device_id' = tests.id('pc1')::text), tests.id('admin')::text || ' ' || tests.id('member')::text,
  'the admin''s revocation names the admin and the owner');
select tests.act_in('member', tests.id('s1'));
select ok(not public.is_admin() and not public.is_active_member(), 'the member''s PC the admin revoked is refused at once');
select tests.reset();

select * from finish();
rollback;
