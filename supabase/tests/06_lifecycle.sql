-- Re-confirmation: a role change or a re-enable sends the person back to `enrolled` (keys kept, certificate gone),
-- an admin confirms them again with grants that replace the old ones; what the waiting person may and may not do;
-- the last active admin; the minimum version switched off. Each rule is also tried as the wrong user.
begin;
\ir fixtures/keyroom.psql
select plan(55);

create function tests.state(p_name text) returns text
language sql stable as $$
  select p.role || '/' || p.status || '/' || coalesce(p.key_certificate ->> 'signer', 'no-cert') || '/'
    || case when p.confirmed_at is null then 'unconfirmed' else 'confirmed' end
  from public.profiles p where p.id = tests.id(p_name)
$$;

create function tests.last_audit(p_name text) returns text
language sql stable as $$
  select a.action || ' ' || a.details::text from public.audit_log a
  where a.target_user_id = tests.id(p_name) order by a.id desc limit 1
$$;

-- A grant the admin seals to p_name at v1's current key version, as the confirm request carries it.
create function tests.grant_for(p_name text, p_sig text) returns jsonb
language sql stable as $$
  select jsonb_build_array(jsonb_build_object('vault_id', tests.id('v1'), 'key_version', 1,
    'sealed_key', 'resealed-' || p_name, 'member_public', tests.key('x', p_name), 'signature', p_sig))
$$;

update public.profiles set key_certificate = jsonb_build_object('signer', tests.id('admin'), 'sig', 'c'),
  confirmed_at = now(), confirmed_by = tests.id('admin')
where status = 'active';

-- Promotion: the member's certificate was a member's; they wait for an admin's.
select tests.act_as_service();
select is((select status from public.admin_set_role(tests.id('admin'), tests.id('member'), 'admin')), 'enrolled',
  'a promoted member goes back to enrolled');
select tests.reset();
select is(tests.state('member'), 'admin/enrolled/no-cert/unconfirmed', 'keys kept, certificate and confirmation cleared');
select is((select x25519_public from public.profiles where id = tests.id('member')), tests.key('x', 'member'),
  'their public keys are kept');
select is(tests.last_audit('member'),
  'user.role {"to": "admin", "from": "member", "status_to": "enrolled", "status_from": "active"}',
  'one audit row says what the role change did to the status');
select is((select count(*)::int from public.audit_log where target_user_id = tests.id('member') and action = 'user.enroll'),
  0, 'and no second row that would read like an enrollment');
select ok(exists (select 1 from realtime.messages where topic = 'member:' || tests.id('member') and event = 'profile'),
  'the person''s PC is poked');

-- While waiting: no admin rights, no vault, no colleagues; own profile and the policy stay readable.
select tests.act_as('member');
select is(public.is_admin(), false, 'an enrolled admin has no admin rights yet');
select is((select count(*)::int from public.entries), 0, 'a person waiting for re-confirmation reads no entries');
select is((select count(*)::int from public.vault_grants), 0, 'nor grants');
select is((select count(*)::int from public.colleagues), 0, 'nor colleagues');
select is((select status from public.profiles where id = auth.uid()), 'enrolled', 'but reads own profile');
select is((select count(*)::int from public.client_policy), 1, 'and the client policy');
select throws_ok($$update public.profiles set x25519_public = tests.key('x', 'swap') where id = auth.uid()$$,
  '42501', null, 'cannot swap the public keys colleagues pinned while waiting');
select throws_ok($$update public.profiles set key_certificate = jsonb_build_object('signer', auth.uid(), 'sig', 's')
  where id = auth.uid()$$, '42501', null, 'cannot certify themself');
select throws_ok($$update public.profiles set status = 'active' where id = auth.uid()$$, '42501', null,
  'cannot confirm themself');
select throws_ok($$select public.admin_confirm(auth.uid(), auth.uid(), '{"signer": "x", "sig": "y"}', '[]')$$,
  '42501', null, 'cannot call the confirm RPC');
select is(tests.probe('member', $$insert into public.vault_grants (vault_id, member_id, key_version, sealed_key,
  member_public, granted_by, signature) values (tests.id('v1'), tests.id('member'), 1, 's', tests.key('x', 'member'),
  tests.id('member'), 'sig')$$, false), -1::bigint, 'cannot grant themself a vault key');
select tests.reset();

-- Confirmation again: active, the new certificate, and the grant for v1 replaced by the confirming admin's.
select tests.act_as_service();
select is((select status from public.admin_confirm(tests.id('admin'), tests.id('member'),
  jsonb_build_object('signer', tests.id('admin'), 'sig', 'admin-cert'), tests.grant_for('member', 'sig-new'))),
  'active', 're-confirmed');
select tests.reset();
select is(tests.state('member'), 'admin/active/' || tests.id('admin')::text || '/confirmed',
  'with the certificate the admin signed');
select is((select string_agg(g.sealed_key || ' by ' || g.granted_by::text, ', ') from public.vault_grants g
  where g.member_id = tests.id('member') and g.vault_id = tests.id('v1')),
  'resealed-member by ' || tests.id('admin')::text, 'the grant at that key version is replaced, not duplicated');
select tests.act_as('member');
select is(public.is_admin(), true, 'the re-confirmed admin acts as admin');
select tests.reset();

-- A confirmation cannot carry grants for someone else's key, nor for an old key version.
select tests.act_as_service();
select throws_ok($$select public.admin_confirm(tests.id('admin'), tests.id('enrolled'),
  '{"signer": "x", "sig": "y"}', tests.grant_for('other', 'sig'))$$, '22023', 'member_public_mismatch',
  'a grant sealed to another key is refused');
select throws_ok($$select public.admin_confirm(tests.id('admin'), tests.id('enrolled'), '{"signer": "x", "sig": "y"}',
  jsonb_build_array(jsonb_build_object('vault_id', tests.id('v1'), 'key_version', 2, 'sealed_key', 's',
  'member_public', tests.key('x', 'enrolled'), 'signature', 'sig')))$$, '22023', 'key_version_mismatch',
  'a grant at another key version is refused');
select throws_ok($$select public.admin_confirm(tests.id('admin'), tests.id('other'), '{"signer": "x", "sig": "y"}',
  '[]')$$, 'P0001', 'not_enrolled', 'an active person is not confirmed twice');
select tests.reset();
select is(tests.state('enrolled'), 'member/enrolled/no-cert/unconfirmed', 'the refused confirmations changed nothing');

-- Demotion: back to enrolled once what the admin signed is taken over, and never the last active admin.
select tests.act_as_service();
select throws_ok($$select public.admin_set_role(tests.id('member'), tests.id('admin'), 'member')$$, 'P0001',
  'still_signs', 'not while colleagues rely on what the admin signed (08_keep_signers.sql)');
select is(public.admin_take_over(tests.id('member'), tests.id('admin'),
  jsonb_build_array(tests.grant_for('member', 'sig-m') -> 0 || jsonb_build_object('member_id', tests.id('member'))),
  (select jsonb_agg(jsonb_build_object('user_id', p.id, 'key_certificate',
    jsonb_build_object('signer', tests.id('member'), 'sig', 't'))) from public.profiles p
    where p.key_certificate ->> 'signer' = tests.id('admin')::text and p.id <> tests.id('admin')
      and p.status = 'active')), 3, 'the take-over: the member''s v1 grant, their certificate and other''s');
select is((select status from public.admin_set_role(tests.id('member'), tests.id('admin'), 'member')), 'enrolled',
  'a demoted admin goes back to enrolled');
select throws_ok($$select public.admin_set_role(tests.id('admin'), tests.id('member'), 'member')$$, 'P0001',
  'last_admin', 'the last active admin cannot be demoted');
select throws_ok($$select public.admin_set_status(tests.id('admin'), tests.id('member'), true)$$, 'P0001',
  'last_admin', 'nor disabled');
select is((select status from public.admin_set_role(tests.id('member'), tests.id('member'), 'admin')), 'active',
  'setting the role someone already has changes nothing');
select tests.reset();
select is(tests.state('admin'), 'member/enrolled/no-cert/unconfirmed', 'the demoted admin holds no certificate');

-- Re-enable: enrolled again (keys kept), audited as an enable; a disabled person without keys is invited again.
select tests.act_as_service();
select is((select status from public.admin_set_status(tests.id('member'), tests.id('disabled'), false)), 'enrolled',
  'a re-enabled person with keys is enrolled, waiting for confirmation');
select tests.reset();
select is(tests.last_audit('disabled'), 'user.enable {"to": "enrolled", "from": "disabled"}',
  're-enable is audited as user.enable');
select tests.act_as_service();
select is((select status from public.admin_confirm(tests.id('member'), tests.id('disabled'),
  jsonb_build_object('signer', tests.id('member'), 'sig', 'm'), tests.grant_for('disabled', 'sig-again'))), 'active',
  'and an admin confirms them again');
select tests.reset();
select is((select count(*)::int from public.vault_grants where member_id = tests.id('disabled')), 1,
  'holding exactly one grant for v1, the new one');
select tests.act_as_service();
select public.admin_set_status(tests.id('member'), tests.id('disabled'), true);
select is((select status || '/' || coalesce(x25519_public, 'no-keys')
  from public.admin_reset(tests.id('member'), tests.id('disabled'))), 'disabled/no-keys',
  'a disabled person reset stays disabled, with no keys');
select tests.reset();
select is(tests.last_audit('disabled'), 'user.reset {"to": "disabled", "from": "disabled"}',
  'is audited as a reset, not an enable (and once: no separate user.keys row)');
select tests.act_as_service();
select is((select status from public.admin_set_status(tests.id('member'), tests.id('disabled'), false)), 'invited',
  'enabled after the reset: invited, to enroll with the new one-time password');

-- Someone disabled before enrolling comes back invited; a role change while disabled keeps them disabled.
select tests.act_as_service();
select public.admin_set_status(tests.id('member'), tests.id('invited'), true);
select is((select status || '/' || role from public.admin_set_role(tests.id('member'), tests.id('invited'), 'admin')),
  'disabled/admin', 'a role change does not enable anyone');
select is((select status from public.admin_set_status(tests.id('member'), tests.id('invited'), false)), 'invited',
  'enabled without keys: invited again, to enroll');
select tests.reset();
select is(tests.last_audit('invited'), 'user.enable {"to": "invited", "from": "disabled"}',
  'audited as an enable');

-- The minimum version: set, switched off (audited), and only by the service role.
select tests.act_as_service();
select is((select min_version from public.admin_set_min_version(tests.id('member'), '1.2.0')), '1.2.0',
  'minimum version set');
select is((select min_version from public.admin_set_min_version(tests.id('member'), null)), null,
  'minimum version removed: the forced update is off');
select tests.reset();
select is((select actor_id::text || ' ' || (details ->> 'changed') from public.audit_log
  where action = 'policy.update' order by id desc limit 1), tests.id('member')::text || ' ["min_version"]',
  'the removal is audited as the admin');
select tests.act_as_service();
select public.admin_set_min_version(tests.id('member'), null);
select tests.reset();
select is((select count(*)::int from public.audit_log where action = 'policy.update'), 2,
  'removing a minimum that is not set audits nothing');
select is(tests.probe('admin', $$select public.admin_set_min_version(tests.id('admin'), '9.0.0')$$, false),
  -1::bigint, 'a signed-in user cannot call the RPC directly, not even an admin');

-- Taking over what an admin signed (before they stop being one): only what they signed, all or nothing.
update public.profiles set role = 'admin', status = 'active',
  key_certificate = jsonb_build_object('signer', tests.id('member'), 'sig', 'c') where id = tests.id('admin');
update public.profiles set key_certificate = jsonb_build_object('signer', tests.id('admin'), 'sig', 'by-admin')
where id = tests.id('other');
insert into public.vault_grants (vault_id, member_id, key_version, sealed_key, member_public, granted_by, signature)
values (tests.id('v2'), tests.id('other'), 1, 'sealed-by-admin', tests.key('x', 'other'), tests.id('admin'), 'sig-a');
create function tests.taken(p_sealed text) returns jsonb
language sql stable as $$
  select jsonb_build_array(jsonb_build_object('vault_id', tests.id('v2'), 'member_id', tests.id('other'),
    'key_version', 1, 'sealed_key', p_sealed, 'member_public', tests.key('x', 'other'), 'signature', 'sig-m'))
$$;
select is(tests.probe('admin', $$select public.admin_take_over(tests.id('admin'), tests.id('member'), '[]', '[]')$$,
  false), -1::bigint, 'a signed-in admin cannot call the take-over RPC directly');
select tests.act_as_service();
select throws_ok($$select public.admin_take_over(tests.id('member'), tests.id('enrolled'), tests.taken('x'), '[]')$$,
  '22023', 'take_over_mismatch', 'a grant the named admin did not sign is refused');
select throws_ok($$select public.admin_take_over(tests.id('member'), tests.id('admin'), '[]',
  jsonb_build_array(jsonb_build_object('user_id', tests.id('enrolled'), 'key_certificate',
  '{"signer": "m", "sig": "s"}'::jsonb)))$$,
  '22023', 'take_over_mismatch', 'so is a certificate the named admin did not sign');
select throws_ok($$select public.admin_take_over(tests.id('member'), tests.id('admin'), tests.taken('x') || tests.taken('y'),
  '[]')$$, '22023', 'take_over_mismatch', 'and a list that replaces the same grant twice');
select is(public.admin_take_over(tests.id('member'), tests.id('admin'), tests.taken('sealed-by-member'),
  jsonb_build_array(jsonb_build_object('user_id', tests.id('other'),
    'key_certificate', jsonb_build_object('signer', tests.id('member'), 'sig', 'by-member')))), 2,
  'the grant and the certificate the admin signed are taken over');
select tests.reset();
select is((select g.sealed_key || ' ' || g.granted_by::text from public.vault_grants g
  where g.member_id = tests.id('other') and g.vault_id = tests.id('v2')),
  'sealed-by-member ' || tests.id('member')::text, 'the grant is now the taking admin''s');
select is((select key_certificate ->> 'signer' from public.profiles where id = tests.id('other')),
  tests.id('member')::text, 'and so is the certificate');
select is((select count(*)::int from public.vault_grants where granted_by = tests.id('admin') and member_id <> tests.id('admin')
  and vault_id = tests.id('v2')), 0, 'nothing of theirs is left for others on that vault');

select * from finish();
rollback;
