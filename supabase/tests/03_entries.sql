-- entries: version and seq set by trigger, optimistic concurrency, tombstones, history, no hard delete,
-- key versions, vault deletion, key rotation, log_event, grant checks, realtime pokes.
begin;
\ir fixtures/keyroom.psql
select plan(56);

create temp table seen (k text primary key, v bigint) on commit drop;
grant all on seen to authenticated, service_role;
insert into seen select 'max_seq', max(seq) from public.entries;

-- A member adds an entry; the server decides author, version and seq.
select tests.act_as('member');
select lives_ok($$insert into public.entries (id, vault_id, envelope, key_version, created_by, version, seq, deleted_at,
    state_proof)
  values ('c0000000-0000-4000-8000-0000000000f1', tests.id('v1'), '{"v": 1, "ct": "new"}', 1, tests.id('admin'), 7, 1, now(),
    '{"sig": "forged"}')$$,
  'member inserts an entry into a granted vault');
select is((select created_by from public.entries where id = 'c0000000-0000-4000-8000-0000000000f1'), tests.id('member'),
  'created_by is the caller, whatever the client sent');
select is((select version from public.entries where id = 'c0000000-0000-4000-8000-0000000000f1'), 1,
  'version starts at 1');
select is((select deleted_at from public.entries where id = 'c0000000-0000-4000-8000-0000000000f1'), null,
  'a member cannot insert a tombstone');
select is((select state_proof from public.entries where id = 'c0000000-0000-4000-8000-0000000000f1'), null,
  'a member cannot insert a state proof');
select throws_ok($$select public.set_entry_deleted(tests.id('e1'), 2, true, '{"v": 1}', 1, '{"sig": "m"}')$$,
  '42501', null, 'member cannot use set_entry_deleted');
select cmp_ok((select seq from public.entries where id = 'c0000000-0000-4000-8000-0000000000f1'), '>',
  (select v from seen where k = 'max_seq'), 'seq is above every earlier seq');
select throws_ok($$insert into public.entries (id, vault_id, envelope, key_version) values (gen_random_uuid(), tests.id('v2'), '{}', 1)$$,
  '42501', null, 'member cannot insert into a vault without a grant');
select throws_ok($$insert into public.entries (id, vault_id, envelope, key_version) values (gen_random_uuid(), tests.id('v1'), '{}', 2)$$,
  '22023', 'key_version_mismatch', 'an entry under a key version other than the vault''s is refused');
select throws_ok($$select public.update_entry(tests.id('e1'), 2, '{"v": 1}', 1)$$, '42501', null,
  'member cannot use update_entry');
select is(tests.probe('member', $$update public.entries set deleted_at = now() where id = tests.id('e1')$$, false),
  0::bigint, 'member cannot soft-delete');
select tests.reset();
update seen set v = (select seq from public.entries where id = tests.id('e1')) where k = 'max_seq';

-- Admin edits on top of the version they saw; a stale base changes nothing.
select tests.act_as('admin');
select is((select version from public.update_entry(tests.id('e1'), 2, '{"v": 1, "ct": "one-c"}', 1)), 3,
  'update_entry on the current version bumps version');
select cmp_ok((select seq from public.entries where id = tests.id('e1')), '>', (select v from seen where k = 'max_seq'),
  'and gives the entry a new seq');
select is(tests.probe('admin', $$update public.entries set envelope = '{"v": 1, "ct": "stale"}' where id = tests.id('e1') and version = 2$$, false),
  0::bigint, 'a stale-version update matches no row');
select throws_ok($$select public.update_entry(tests.id('e1'), 2, '{"v": 1, "ct": "stale"}', 1)$$, 'P0001', 'conflict',
  'update_entry on a stale version raises conflict');
select is((select envelope ->> 'ct' from public.entries where id = tests.id('e1')), 'one-c',
  'the stale write changed nothing');
select throws_ok($$select public.update_entry(gen_random_uuid(), 1, '{}', 1)$$, 'PT404', 'not_found',
  'update_entry on an unknown id');
select throws_ok($$update public.entries set vault_id = tests.id('v2') where id = tests.id('e1')$$, '42501', null,
  'an entry cannot move to another vault');
select is((select count(*)::int from public.entry_history where entry_id = tests.id('e1')), 2,
  'every update left the previous row in entry_history');
select is((select envelope ->> 'ct' || '@' || version from public.entry_history where entry_id = tests.id('e1')
  order by version desc limit 1), 'one-b@2', 'history holds the replaced ciphertext and its version');

-- Soft delete and restore: the tombstone's ciphertext and the admin's proof are written with the flag.
select throws_ok($$select public.set_entry_deleted(tests.id('e1'), 3, true, '{"v": 1, "ct": "gone"}', 1, null)$$,
  '22023', 'invalid_arguments', 'a delete without a proof is refused');
select is((select deleted_at from public.entries where id = tests.id('e1')), null, 'the refused delete changed nothing');
select is((select deleted_by from public.set_entry_deleted(tests.id('e1'), 3, true, '{"v": 1, "ct": "gone"}', 1,
  '{"signer": "x", "v": 4, "sig": "d"}')), tests.id('admin'), 'set_entry_deleted makes a tombstone stamped with the admin');
select is((select envelope ->> 'ct' || '@' || (state_proof ->> 'sig') from public.entries where id = tests.id('e1')),
  'gone@d', 'the tombstone carries its own ciphertext and the proof');
select throws_ok($$select public.set_entry_deleted(tests.id('e1'), 4, true, '{"v": 1}', 1, '{"sig": "d2"}')$$,
  'P0001', 'conflict', 'deleting a tombstone again is a conflict, not a new proof');
select throws_ok($$select public.set_entry_deleted(tests.id('e1'), 3, false, '{"v": 1}', 1, '{"sig": "l"}')$$,
  'P0001', 'conflict', 'restore on a stale version raises conflict');
select is((select deleted_at from public.set_entry_deleted(tests.id('e1'), 4, false, '{"v": 1, "ct": "back"}', 1,
  '{"signer": "x", "v": 5, "sig": "l"}')), null, 'restore clears the tombstone');
select is((select state_proof ->> 'sig' from public.update_entry(tests.id('e1'), 5, '{"v": 1, "ct": "edit"}', 1)), 'l',
  'an edit keeps the proof of the last delete or restore');
select throws_ok($$delete from public.entries where id = tests.id('e1')$$, '42501', null,
  'admin cannot hard-delete an entry');
select throws_ok($$delete from public.vaults where id = tests.id('v1')$$, '23503', 'vault_not_empty',
  'a vault with entries cannot be deleted');
select throws_ok($$update public.vaults set key_version = 5 where id = tests.id('v1')$$, '42501', null,
  'key_version changes only through rotate_vault_key');
select tests.reset();
select is((select array_agg(action order by id)::text from public.audit_log where entry_id = tests.id('e1')
  and action in ('entry.update', 'entry.delete', 'entry.restore') and actor_id = tests.id('admin')),
  '{entry.update,entry.delete,entry.restore,entry.update}', 'edit, delete and restore are audited with the admin as actor');

-- Members see tombstones (they travel through sync like any change).
select is(tests.probe('member', $$select count(*) from public.entries where deleted_at is not null$$, true),
  1::bigint, 'member sees the tombstone of e2');

-- The service role cannot hard-delete entries or rewrite history and the audit log either.
select tests.act_as_service();
select throws_ok($$delete from public.entries$$, '42501', null, 'service role cannot hard-delete entries');
select throws_ok($$update public.audit_log set action = 'x'$$, '42501', null, 'service role cannot update audit_log');
select throws_ok($$delete from public.audit_log$$, '42501', null, 'service role cannot delete audit_log');
select throws_ok($$update public.entry_history set envelope = '{}'$$, '42501', null,
  'service role cannot update entry_history');
select throws_ok($$delete from public.entry_history$$, '42501', null, 'service role cannot delete entry_history');
select throws_ok($$delete from public.vaults where id = tests.id('v1')$$, '23503', 'vault_not_empty',
  'service role cannot delete a vault with entries');
select tests.reset();

-- Grants are sealed to the member's published key, at the vault's key version, for enrolled/active users.
select tests.act_as('admin');
select throws_ok($$insert into public.vault_grants (vault_id, member_id, key_version, sealed_key, member_public, signature)
  values (tests.id('v2'), tests.id('member'), 1, 's', tests.key('x', 'attacker'), 'sig')$$, '22023', 'member_public_mismatch',
  'a grant sealed to a key the member did not publish is refused');
select throws_ok($$insert into public.vault_grants (vault_id, member_id, key_version, sealed_key, member_public, signature)
  values (tests.id('v2'), tests.id('invited'), 1, 's', null, 'sig')$$, '22023', 'member_not_enrolled',
  'no grant to a user without keys');

-- Key rotation: every entry re-written under the new key, grants replaced, all in one transaction.
select throws_ok($$select public.rotate_vault_key(tests.id('v1'), 1,
  jsonb_build_array(jsonb_build_object('id', tests.id('e1'), 'base_version', 5, 'envelope', '{"v": 1, "kv": 2}'::jsonb)), '[]')$$,
  'P0001', 'conflict', 'rotation must re-write every entry of the vault');
select throws_ok($$select public.rotate_vault_key(tests.id('v1'), 9, '[]', '[]')$$, 'P0001', 'conflict',
  'rotation from a stale key version');
select is(public.rotate_vault_key(tests.id('v1'), 1,
  jsonb_build_array(
    jsonb_build_object('id', tests.id('e1'), 'base_version', 6, 'envelope', '{"v": 1, "kv": 2, "ct": "r1"}'::jsonb,
      'state_proof', '{"sig": "not-for-a-live-row"}'::jsonb),
    jsonb_build_object('id', tests.id('e2'), 'base_version', 2, 'envelope', '{"v": 1, "kv": 2, "ct": "r2"}'::jsonb,
      'state_proof', '{"sig": "r2p"}'::jsonb),
    jsonb_build_object('id', 'c0000000-0000-4000-8000-0000000000f1', 'base_version', 1,
      'envelope', '{"v": 1, "kv": 2, "ct": "r3"}'::jsonb)),
  jsonb_build_array(
    jsonb_build_object('member_id', tests.id('admin'), 'member_public', tests.key('x', 'admin'), 'sealed_key', 'k2a', 'signature', 's'),
    jsonb_build_object('member_id', tests.id('member'), 'member_public', tests.key('x', 'member'), 'sealed_key', 'k2m', 'signature', 's'))),
  2, 'rotation returns the new key version');
select tests.reset();
select is((select array_agg(key_version || ':' || (envelope ->> 'ct') order by id)::text from public.entries
  where vault_id = tests.id('v1') and id in (tests.id('e1'), tests.id('e2'))), '{2:r1,2:r2}',
  'every entry now carries the new key version and ciphertext');
select is((select array_agg(coalesce(state_proof ->> 'sig', '-') order by id)::text from public.entries
  where id in (tests.id('e1'), tests.id('e2'))), '{l,r2p}',
  'rotation stores the tombstone''s new delete proof and keeps the live row''s restore proof');
select is((select count(*)::int from public.vault_grants where vault_id = tests.id('v1') and key_version = 2), 2,
  'grants replaced at the new key version (the disabled member is gone)');
select is((select count(*)::int from public.audit_log where vault_id = tests.id('v1') and action = 'vault.rotate'), 1,
  'rotation audited once');
select is(tests.probe('member', $$select count(*) from public.entries$$, true), 3::bigint,
  'the member still reads the vault through the new grant');
select tests.act_as('member');
select throws_ok($$select public.rotate_vault_key(tests.id('v1'), 2, '[]', '[]')$$, '42501', null,
  'members cannot rotate');
select tests.reset();

-- log_event: client events for entries the caller can read, stamped by the server.
select tests.act_as('member');
select isnt(public.log_event('entry.reveal', tests.id('e1')), null, 'member logs a reveal');
select isnt(public.log_event('entry.totp', tests.id('e1')), null, 'member logs an authenticator code');
select throws_ok($$select public.log_event('entry.delete', tests.id('e1'))$$, '22023', 'invalid_action',
  'only client actions can be logged');
select throws_ok($$select public.log_event('entry.copy', tests.id('e3'))$$, 'PT404', 'not_found',
  'no events for entries outside the caller''s vaults');
select tests.reset();
select is((select actor_email || ' ' || vault_id from public.audit_log where action = 'entry.reveal'),
  'member@keyroom.test ' || tests.id('v1'), 'log_event stamps actor and vault itself');
select tests.act_as('disabled');
select throws_ok($$select public.log_event('entry.copy', tests.id('e1'))$$, '42501', null,
  'a disabled user cannot log events');
select tests.reset();

select * from finish();
rollback;
