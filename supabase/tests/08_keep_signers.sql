-- Nobody leaves while colleagues' access rests on their signature (still_signs in the admin RPCs): an active admin
-- who still signs grants or certificates of active colleagues is not demoted, disabled or reset before the take-over,
-- an active admin is never deleted, nor anyone whose signature is still relied on, nor the office root. Each refusal
-- changes nothing; the allowed path (take over, demote, delete) goes through. Also tried as the wrong user.
begin;
\ir fixtures/keyroom.psql
select plan(32);

create function tests.state(p_name text) returns text
language sql stable as $$
  select p.role || '/' || p.status || '/' || coalesce(p.key_certificate ->> 'signer', 'no-cert')
  from public.profiles p where p.id = tests.id(p_name)
$$;

-- "other" is the office root (self-certified); "admin" an admin the root certified, who signed the member's
-- certificate and (fixture) the v1 grants of admin, member and the disabled user.
update public.profiles set role = 'admin', key_certificate = jsonb_build_object('signer', tests.id('other'), 'sig', 'r')
where id = tests.id('other');
update public.client_policy set office_root_id = tests.id('other'), office_root_public = tests.key('e', 'other');
update public.profiles set key_certificate = jsonb_build_object('signer', tests.id('other'), 'sig', 'a')
where id = tests.id('admin');
update public.profiles set key_certificate = jsonb_build_object('signer', tests.id('admin'), 'sig', 'm')
where id = tests.id('member');

-- The take-over the app sends for the admin, in two halves.
create function tests.grant_taken() returns jsonb
language sql stable as $$
  select jsonb_build_array(jsonb_build_object('vault_id', tests.id('v1'), 'member_id', tests.id('member'),
    'key_version', 1, 'sealed_key', 'resealed-by-root', 'member_public', tests.key('x', 'member'), 'signature', 's'))
$$;
create function tests.certificate_taken() returns jsonb
language sql stable as $$
  select jsonb_build_array(jsonb_build_object('user_id', tests.id('member'),
    'key_certificate', jsonb_build_object('signer', tests.id('other'), 'sig', 'm2')))
$$;

-- Before the take-over: every way of ending the admin's role is refused, and nothing changes.
select tests.act_as_service();
select throws_ok($$select public.admin_set_role(tests.id('other'), tests.id('admin'), 'member')$$, 'P0001',
  'still_signs', 'an admin whose signature colleagues rely on is not demoted before the take-over');
select throws_ok($$select public.admin_set_status(tests.id('other'), tests.id('admin'), true)$$, 'P0001',
  'still_signs', 'nor disabled');
select throws_ok($$select public.admin_reset(tests.id('other'), tests.id('admin'))$$, 'P0001',
  'still_signs', 'nor reset');
select throws_ok($$select public.admin_delete_profile(tests.id('other'), tests.id('admin'))$$, 'P0001',
  'active_admin', 'an active admin is never deleted, take-over or not');
select throws_ok($$select public.admin_set_role(tests.id('admin'), tests.id('admin'), 'member')$$, 'P0001',
  'still_signs', 'not even by themself');
select tests.reset();
select is(tests.state('admin'), 'admin/active/' || tests.id('other')::text, 'the refused admin keeps role and certificate');
select is((select count(*)::int from public.vault_grants where granted_by = tests.id('admin')), 4,
  'and every grant they signed');
select is((select count(*)::int from public.audit_log where target_user_id = tests.id('admin')
  and action in ('user.role', 'user.disable', 'user.reset', 'user.delete')), 0, 'nothing is audited');

-- Half a take-over is not enough: the certificate alone still holds the demotion.
select tests.act_as_service();
select is(public.admin_take_over(tests.id('other'), tests.id('admin'), tests.grant_taken(), '[]'), 1,
  'the grant is taken over');
select throws_ok($$select public.admin_set_role(tests.id('other'), tests.id('admin'), 'member')$$, 'P0001',
  'still_signs', 'a certificate still signed by the admin holds the demotion');
select is(public.admin_take_over(tests.id('other'), tests.id('admin'), '[]', tests.certificate_taken()), 1,
  'the certificate is taken over');

-- What is left is nothing an active colleague relies on: their own grants, and the grant of a disabled user (who is
-- confirmed again, with new grants, before reading anything).
select is((select string_agg(m.name, ',' order by m.name) from public.vault_grants g join tests.who m on m.id = g.member_id
  where g.granted_by = tests.id('admin')), 'admin,admin,disabled', 'left behind: own grants and a disabled user''s');
select is((select status from public.admin_set_role(tests.id('other'), tests.id('admin'), 'member')), 'enrolled',
  'after the take-over the admin is demoted');
select tests.reset();
select is(tests.state('member'), 'member/active/' || tests.id('other')::text, 'the member stays active, vouched by the root');

-- Someone who is not an active admin: disabling is never held up (a lock-out must not wait), deleting is while
-- colleagues still rely on their signature.
update public.profiles set key_certificate = jsonb_build_object('signer', tests.id('enrolled'), 'sig', 'stale')
where id = tests.id('member');
select tests.act_as_service();
select is((select status from public.admin_set_status(tests.id('other'), tests.id('enrolled'), true)), 'disabled',
  'a member whose stale signature someone holds is disabled at once');
select throws_ok($$select public.admin_delete_profile(tests.id('other'), tests.id('enrolled'))$$, 'P0001',
  'still_signs', 'but not deleted while a colleague''s certificate rests on it');
select tests.reset();
select ok(exists (select 1 from public.profiles where id = tests.id('enrolled')), 'the refused delete kept the profile');
update public.profiles set key_certificate = jsonb_build_object('signer', tests.id('other'), 'sig', 'm3')
where id = tests.id('member');

-- The allowed path ends in a delete: the demoted admin (their grant to the disabled user does not count) and the
-- disabled member, once nothing rests on them.
select tests.act_as_service();
select is((select id from public.admin_delete_profile(tests.id('other'), tests.id('admin'))), tests.id('admin'),
  'the demoted admin, with nothing taken over left, is deleted');
select is((select id from public.admin_delete_profile(tests.id('other'), tests.id('enrolled'))), tests.id('enrolled'),
  'and so is the disabled member once nothing rests on them');
select tests.reset();
select is((select count(*)::int from public.vault_grants g join public.profiles m on m.id = g.member_id
  where m.status = 'active' and not exists (select 1 from public.profiles s where s.id = g.granted_by)), 0,
  'no active colleague holds a grant whose signer is gone');
select is((select count(*)::int from public.profiles q where q.status = 'active'
  and not exists (select 1 from public.profiles s where s.id::text = q.key_certificate ->> 'signer')), 0,
  'nor a certificate whose signer is gone');

-- The office root: its holder is never demoted (11_office_root.sql). After a hand-over (written here as the
-- fixture's owner) what the first admin signed still verifies against the pinned key, so they are demoted without a
-- take-over, but their profile (the id every PC names the root by) is never deleted.
update public.profiles set role = 'admin', key_certificate = jsonb_build_object('signer', tests.id('other'), 'sig', 'p')
where id = tests.id('member');
select tests.act_as_service();
select throws_ok($$select public.admin_set_role(tests.id('member'), tests.id('other'), 'member')$$, 'P0001',
  'office_root', 'the holder of the root role is not demoted');
select tests.reset();
update public.client_policy set root_holder = jsonb_build_object('holder', tests.id('member'), 'n', 1, 'sig', 's');
select tests.act_as_service();
select is((select status from public.admin_set_role(tests.id('member'), tests.id('other'), 'member')), 'enrolled',
  'after a hand-over the first root is demoted although it signed colleagues'' certificates');
select throws_ok($$select public.admin_delete_profile(tests.id('member'), tests.id('other'))$$, 'P0001',
  'office_root', 'the office root is not deleted');
select throws_ok($$select public.admin_delete_profile(tests.id('member'), tests.id('member'))$$, 'P0001',
  'last_admin', 'the last active admin still hears last_admin first');
select tests.reset();

-- No grant or confirmation lands signed by someone who is not (or no longer) an active admin: the demoted root and
-- a plain member are refused, whoever inserts.
select throws_ok($$insert into public.vault_grants (vault_id, member_id, key_version, sealed_key, member_public,
  granted_by, signature) values (tests.id('v3'), tests.id('member'), 1, 's', tests.key('x', 'member'), tests.id('other'),
  's')$$, '42501', 'signer_not_admin', 'a grant signed by the demoted root is refused');
select tests.act_as_service();
select throws_ok($$select public.admin_confirm(tests.id('other'), tests.id('other'),
  jsonb_build_object('signer', tests.id('other'), 'sig', 's'), '[]')$$, '42501', 'signer_not_admin',
  'a confirmation by someone no longer an admin is refused, even without grants');
select is((select count(*)::int from public.vault_grants where vault_id = tests.id('v3')), 0, 'nothing was granted');
select tests.reset();

-- The wrong user: nobody signed in reaches the RPCs or the checks directly.
select is(tests.probe('member', $$select public.admin_delete_profile(tests.id('member'), tests.id('other'))$$, false),
  -1::bigint, 'a signed-in admin cannot call the delete RPC directly');
select is(tests.probe('member', $$select private.still_signs(tests.id('member'))$$, false), -1::bigint,
  'nor the signature check');
select is(tests.probe('member', $$select private.lock_signer(tests.id('member'))$$, false), -1::bigint,
  'nor the signer lock');
select is(tests.probe('service', $$select private.keep_signatures(p) from public.profiles p limit 1$$, false),
  -1::bigint, 'which the service role reaches only through the RPCs');

select * from finish();
rollback;
