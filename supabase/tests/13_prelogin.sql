-- Pre-login: a new PC asks for the account's KDF parameters by email before it can sign in. An enrolled account
-- answers its own; any other email answers fake ones of the same shape, stable per email, so the answer tells
-- nobody whether the account exists. anon may call it and still reads nothing else.
begin;
\ir fixtures/keyroom.psql
select plan(25);

-- The shape of a real default set (src/core/crypto/kdf.ts KdfParamsSchema with KDF_DEFAULT): the same keys, the
-- defaults, a 16-byte salt in unpadded base64url.
create function tests.default_shape(p jsonb) returns boolean
language sql immutable as $$
  select (select array_agg(k order by k) from jsonb_object_keys(p) k) = '{alg,m,p,salt,t,v}'
    and p ->> 'alg' = 'argon2id' and p -> 'v' = '19' and p -> 'm' = '65536' and p -> 't' = '3' and p -> 'p' = '1'
    and p ->> 'salt' ~ '^[A-Za-z0-9_-]{22}$'
    and length(decode(translate(p ->> 'salt', '-_', '+/') || '==', 'base64')) = 16
$$;
grant execute on function tests.default_shape(jsonb) to anon, authenticated;

-- A real enrolled account with a default set, as the client writes it (newKdfParams).
update public.profiles set kdf = '{"alg": "argon2id", "v": 19, "m": 65536, "t": 3, "p": 1, "salt": "q83vEjRWeJCrze8SNFZ4kA"}'
where id = tests.id('other');

select tests.act_as_anon();
select lives_ok($$select public.prelogin('nobody@keyroom.test')$$, 'anon calls prelogin');
select ok(tests.default_shape(public.prelogin('nobody@keyroom.test')), 'an unknown email answers a valid default set');
select is(public.prelogin('nobody@keyroom.test'), public.prelogin('nobody@keyroom.test'), 'stable across calls');
select is(public.prelogin('  NoBody@Keyroom.TEST '), public.prelogin('nobody@keyroom.test'),
  'case and surrounding spaces do not matter (as GoTrue normalises emails)');
select isnt(public.prelogin('nobody@keyroom.test') ->> 'salt', public.prelogin('somebody@keyroom.test') ->> 'salt',
  'different emails answer different salts');
select is(public.prelogin('other@keyroom.test'),
  '{"alg": "argon2id", "v": 19, "m": 65536, "t": 3, "p": 1, "salt": "q83vEjRWeJCrze8SNFZ4kA"}'::jsonb,
  'an enrolled account answers its own kdf');
select ok(tests.default_shape(public.prelogin('other@keyroom.test')), 'which has the same shape as a fake answer');
select is(
  (select array_agg(k order by k) from jsonb_object_keys(public.prelogin('other@keyroom.test')) k),
  (select array_agg(k order by k) from jsonb_object_keys(public.prelogin('nobody@keyroom.test')) k),
  'the same keys, real or fake');
select ok(tests.default_shape(public.prelogin('invited@keyroom.test')), 'an invited person (no kdf yet) answers a fake set');
select is(public.prelogin('invited@keyroom.test') ->> 'salt', public.prelogin('invited@keyroom.test') ->> 'salt',
  'stable for them too');
select ok(tests.default_shape(public.prelogin('')), 'an empty email answers a fake set, not an error that differs');
select lives_ok(format($$select public.prelogin(%L)$$, repeat('a', 241) || '@keyroom.test'),
  'an email of 254 characters is answered');
select throws_ok(format($$select public.prelogin(%L)$$, repeat('a', 242) || '@keyroom.test'), '22023', 'invalid_email',
  'a longer one is refused');
select throws_ok($$select public.prelogin(null)$$, '22023', 'invalid_email', 'no email is refused');

-- anon still reads nothing of profiles, nor anything else.
select throws_ok($$select count(*) from public.profiles$$, '42501', null, 'anon cannot read profiles');
select throws_ok($$select count(*) from public.colleagues$$, '42501', null, 'anon cannot read colleagues');
select throws_ok($$select count(*) from public.devices$$, '42501', null, 'anon cannot read devices');
select throws_ok($$select public.my_status()$$, '42501', null, 'anon cannot call my_status');
select throws_ok($$select * from private.secrets$$, '42501', null, 'anon cannot read the secret');
select tests.reset();

select tests.act_as('member');
select ok(tests.default_shape(public.prelogin('nobody@keyroom.test')), 'a signed-in person may call it too');
select throws_ok($$select * from private.secrets$$, '42501', null, 'and cannot read the secret either');
select tests.reset();

-- The fake salt is keyed by this database's secret: another secret, another salt.
select is(public.prelogin('nobody@keyroom.test') ->> 'salt',
  translate(encode(substring(extensions.hmac(convert_to('nobody@keyroom.test', 'UTF8'),
    (select secret from private.secrets where name = 'prelogin'), 'sha256') from 1 for 16), 'base64'), '+/=', '-_'),
  'the fake salt is the first 16 bytes of HMAC-SHA256(secret, email)');
select is((select octet_length(secret) from private.secrets where name = 'prelogin'), 32,
  'the secret is 32 random bytes, made when the database was');

-- A master-password change changes the real salt (written down in prelogin's comment as what still distinguishes).
update public.profiles set kdf = '{"alg": "argon2id", "v": 19, "m": 65536, "t": 3, "p": 1, "salt": "AAECAwQFBgcICQoLDA0ODw"}'
where id = tests.id('other');
select is(public.prelogin('other@keyroom.test') ->> 'salt', 'AAECAwQFBgcICQoLDA0ODw', 'the answer follows the new kdf');
select is(public.prelogin('member@keyroom.test'), (select kdf from public.profiles where id = tests.id('member')),
  'any enrolled account answers exactly the kdf it stores');

select * from finish();
rollback;
