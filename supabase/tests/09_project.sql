-- The project as Supabase makes one today, and what the baseline keeps of it: the public objects' owner is no
-- superuser but bypasses RLS (Supabase's `postgres`); the API roles have Supabase's statement timeouts; anon holds
-- nothing but prelogin; no API role holds TRUNCATE, REFERENCES or TRIGGER on any table, and no function is executable by
-- PUBLIC (these two catch a later migration that forgets its grants). Then a table, sequence and function the owner
-- creates without grants: not reachable through the API, with what a project's default privileges still give.
begin;
\ir fixtures/keyroom.psql
select plan(22);

create function tests.become_owner() returns void
language plpgsql as $$
begin
  execute format('set local role %s', (select c.relowner::regrole from pg_class c where c.oid = 'public.profiles'::regclass));
end;
$$;

-- The owner.
select is(
  (select count(*)::int from pg_class c join pg_roles r on r.oid = c.relowner
   where c.relnamespace = 'public'::regnamespace and c.relkind in ('r', 'v', 'S') and r.rolsuper),
  0, 'no table, view or sequence in public is owned by a superuser');
select is(
  (select count(distinct c.relowner)::int from pg_class c
   where c.relnamespace = 'public'::regnamespace and c.relkind in ('r', 'v', 'S')),
  1, 'one role owns them all');
select ok(
  (select r.rolbypassrls and not r.rolsuper from pg_roles r
   where r.oid = (select c.relowner from pg_class c where c.oid = 'public.profiles'::regclass)),
  'the owner bypasses RLS without being a superuser, as Supabase''s postgres');
select is(
  (select count(*)::int from pg_proc f
   where f.pronamespace in ('public'::regnamespace, 'private'::regnamespace)
     and f.proowner <> (select c.relowner from pg_class c where c.oid = 'public.profiles'::regclass)),
  0, 'the functions (the SECURITY DEFINER ones run as it) have the same owner');

-- Statement timeouts, set on the roles as Supabase does (PostgREST applies them per request).
select is(
  (select array_agg(x order by x) from pg_db_role_setting s join pg_roles r on r.oid = s.setrole,
     unnest(s.setconfig) as x
   where r.rolname = 'anon' and s.setdatabase = 0 and x like 'statement_timeout=%'),
  '{statement_timeout=3s}', 'anon has a 3 s statement timeout');
select is(
  (select array_agg(x order by x) from pg_db_role_setting s join pg_roles r on r.oid = s.setrole,
     unnest(s.setconfig) as x
   where r.rolname = 'authenticated' and s.setdatabase = 0 and x like 'statement_timeout=%'),
  '{statement_timeout=8s}', 'authenticated has an 8 s statement timeout');

-- anon: nothing, anywhere in the project's schemas.
select is(
  (select count(*)::int from pg_class c
   cross join unnest('{SELECT,INSERT,UPDATE,DELETE,TRUNCATE,REFERENCES,TRIGGER}'::text[]) as p (priv)
   where c.relnamespace in ('public'::regnamespace, 'private'::regnamespace) and c.relkind in ('r', 'v', 'm', 'p')
     and (has_table_privilege('anon', c.oid, p.priv)
       or (p.priv in ('SELECT', 'INSERT', 'UPDATE', 'REFERENCES') and has_any_column_privilege('anon', c.oid, p.priv)))),
  0, 'anon holds no privilege on any table or view, not even on a column');
select is(
  (select count(*)::int from pg_class c cross join unnest('{USAGE,SELECT,UPDATE}'::text[]) as p (priv)
   where c.relnamespace = 'public'::regnamespace and c.relkind = 'S' and has_sequence_privilege('anon', c.oid, p.priv)),
  0, 'anon holds no privilege on any sequence');
select is(
  (select string_agg(f.oid::regprocedure::text, ',') from pg_proc f
   where f.pronamespace in ('public'::regnamespace, 'private'::regnamespace)
     and has_function_privilege('anon', f.oid, 'execute')),
  'prelogin(text)', 'anon executes no function but prelogin (a new PC asks for its KDF parameters before sign-in)');
select ok(not has_schema_privilege('anon', 'private', 'usage'), 'anon cannot use the private schema');
select ok(not has_schema_privilege('authenticated', 'private', 'usage'), 'authenticated cannot use the private schema');

-- Catch-alls for what a later migration might add without its grants.
select is(
  (select count(*)::int from pg_class c
   cross join (values ('anon'), ('authenticated'), ('service_role')) as r (role)
   cross join unnest('{TRUNCATE,REFERENCES,TRIGGER}'::text[]) as p (priv)
   where c.relnamespace = 'public'::regnamespace and c.relkind in ('r', 'v', 'm', 'p')
     and has_table_privilege(r.role, c.oid, p.priv)),
  0, 'no API role holds TRUNCATE, REFERENCES or TRIGGER on any table in public');
select is(
  (select count(*)::int from pg_proc f, aclexplode(coalesce(f.proacl, acldefault('f', f.proowner))) a
   where f.pronamespace in ('public'::regnamespace, 'private'::regnamespace) and a.grantee = 0),
  0, 'no function in public or private is executable by PUBLIC');

-- What the owner creates without grants.
select tests.become_owner();
create table public.late_addition (id int primary key, note text);
insert into public.late_addition values (1, 'x');
create sequence public.late_seq;
create function public.late_fn() returns int language sql as 'select 1';
select tests.reset();

select is(tests.probe('admin', 'select count(*) from public.late_addition', true), -1::bigint,
  'authenticated cannot read a table created without grants');
select is(tests.probe('admin', $$insert into public.late_addition values (2, 'y')$$, false), -1::bigint,
  'nor insert into it');
select is(tests.probe('admin', $$update public.late_addition set note = 'z'$$, false), -1::bigint,
  'nor update it');
select is(tests.probe('anon', 'select count(*) from public.late_addition', true), -1::bigint,
  'anon cannot read it');
select is(tests.probe('service', 'select count(*) from public.late_addition', true), -1::bigint,
  'nor can the service role');
-- What a project's default privileges still give (supabase/cli RevokeDefaultDataApiPrivilegesSql revokes only
-- SELECT, INSERT, UPDATE, DELETE; sequences keep UPDATE; PostgreSQL gives every function to PUBLIC): the reason each
-- object in the baseline starts with `revoke all`.
select table_privs_are('public', 'late_addition', 'authenticated', '{REFERENCES,TRIGGER,TRUNCATE}',
  'a new table still gives the API roles TRUNCATE, REFERENCES and TRIGGER');
select sequence_privs_are('public', 'late_seq', 'authenticated', '{UPDATE}',
  'a new sequence still gives the API roles UPDATE');
select ok(has_function_privilege('anon', 'public.late_fn()', 'execute'),
  'a new function is executable by PUBLIC, anon included');
select is(tests.probe('admin', 'truncate public.late_addition', false), 0::bigint,
  'so an authenticated caller could truncate a table that forgot its revoke');

select * from finish();
rollback;
