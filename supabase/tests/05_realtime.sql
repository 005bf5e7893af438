-- Realtime channel authorization (RLS on realtime.messages, evaluated with `realtime.topic` set, as the
-- Realtime server does on join and on send) and the pokes the triggers send.
begin;
\ir fixtures/keyroom.psql
select plan(106);

-- Joining = reading messages of the topic; sending = inserting one. Both probed per persona and rolled back.
create function tests.topic_probe(p_persona text, p_topic text, p_extension text, p_op text) returns boolean
language plpgsql as $$
declare
  n bigint;
begin
  begin
    if p_persona = 'anon' then
      perform tests.act_as_anon();
    else
      perform tests.act_as(p_persona);
    end if;
    perform set_config('realtime.topic', p_topic, true);
    if p_op = 'select' then
      select count(*) into n from realtime.messages m where m.topic = p_topic and m.extension = p_extension;
    else
      insert into realtime.messages (topic, extension, payload, event, private)
      values (p_topic, p_extension, '{}', 'probe', true);
      get diagnostics n = row_count;
    end if;
    raise exception using errcode = 'KRT01', message = n::text;
  exception
    when sqlstate 'KRT01' then
      return sqlerrm::bigint > 0;
    when others then
      return false;
  end;
end;
$$;
grant execute on function tests.topic_probe(text, text, text, text) to anon, authenticated;

-- One stored message per topic so that a permitted reader has something to see.
-- allowed: who may join (read); senders: who may insert (only presence on office: pokes come from triggers).
create temp table topics (label text, topic text, extension text, allowed text[], senders text[]) on commit drop;
insert into topics values
  ('vault:v1', 'vault:' || tests.id('v1'), 'broadcast', '{member,admin}', '{}'),
  ('vault:v2', 'vault:' || tests.id('v2'), 'broadcast', '{admin}', '{}'),
  ('vault:v1 presence', 'vault:' || tests.id('v1'), 'presence', '{}', '{}'),
  ('member:<member>', 'member:' || tests.id('member'), 'broadcast', '{member}', '{}'),
  ('member:<other>', 'member:' || tests.id('other'), 'broadcast', '{}', '{}'),
  ('office', 'office', 'broadcast', '{member,admin}', '{}'),
  ('office presence', 'office', 'presence', '{member,admin}', '{member,admin}'),
  ('unknown topic', 'lobby', 'broadcast', '{}', '{}');
insert into realtime.messages (topic, extension, payload, event, private)
select topic, extension, '{}', 'seed', true from topics;

create temp table personas (name text) on commit drop;
insert into personas values ('anon'), ('invited'), ('enrolled'), ('member'), ('disabled'), ('admin');

-- 8 topics x 6 personas x {join, send} = 96
select is(tests.topic_probe(p.name, t.topic, t.extension, o.op),
  p.name = any (case o.op when 'select' then t.allowed else t.senders end),
  format('%s: %s on %s %s', p.name, case o.op when 'select' then 'join' else 'send' end, t.label,
    case when p.name = any (case o.op when 'select' then t.allowed else t.senders end) then 'allowed'
      else 'refused' end))
from topics t cross join personas p cross join (values ('select'), ('insert')) as o (op)
order by t.label, p.name, o.op;

-- Every user (but a disabled one) has their own member channel, whatever their status.
insert into realtime.messages (topic, extension, payload, event, private)
select 'member:' || tests.id(n), 'broadcast', '{}', 'seed', true from unnest(array['invited', 'enrolled', 'disabled']) n;
select ok(tests.topic_probe('invited', 'member:' || tests.id('invited'), 'broadcast', 'select'),
  'an invited user joins their own member channel');
select ok(tests.topic_probe('enrolled', 'member:' || tests.id('enrolled'), 'broadcast', 'select'),
  'an enrolled user joins their own member channel');
select ok(not tests.topic_probe('disabled', 'member:' || tests.id('disabled'), 'broadcast', 'select'),
  'a disabled user cannot join even their own member channel');
select ok(not tests.topic_probe('admin', 'member:' || tests.id('member'), 'broadcast', 'select'),
  'an admin does not listen on a member''s channel');

-- A grant at an old key version does not open the vault channel after a rotation.
update public.vault_grants set revoked_at = now() where member_id = tests.id('member') and vault_id = tests.id('v1');
select ok(not tests.topic_probe('member', 'vault:' || tests.id('v1'), 'broadcast', 'select'),
  'a revoked grant closes the vault channel');

-- Pokes: ids and seqs only, never ciphertext.
select tests.act_as('admin');
insert into public.entries (id, vault_id, envelope, key_version)
values ('c0000000-0000-4000-8000-0000000000f2', tests.id('v2'), '{"v": 1, "ct": "secret"}', 1);
select public.update_entry('c0000000-0000-4000-8000-0000000000f2', 1, '{"v": 1, "ct": "secret2"}', 1);
select tests.reset();
select is((select array_agg(payload ->> 'op' order by (payload ->> 'seq')::bigint)::text from realtime.messages
  where topic = 'vault:' || tests.id('v2') and event = 'entry'
  and payload ->> 'id' = 'c0000000-0000-4000-8000-0000000000f2'), '{insert,update}',
  'insert and update poke the vault channel with their op');
select is((select count(*)::int from realtime.messages where topic = 'vault:' || tests.id('v2') and event = 'entry'
  and payload ->> 'seq' = (select seq::text from public.entries where id = 'c0000000-0000-4000-8000-0000000000f2')),
  1, 'the poke carries the entry''s current seq');
select is((select count(*)::int from realtime.messages where payload::text like '%secret%'), 0,
  'no ciphertext in any poke');

-- As the app-updates RPCs do it (they run as the owner).
update public.client_policy set min_version = '1.2.0', critical = true;
select is((select count(*)::int from realtime.messages where topic = 'office' and event = 'policy'), 1,
  'a policy change pokes the office channel');
select is((select details ->> 'changed' from public.audit_log where action = 'policy.update'),
  '["critical", "min_version"]', 'and is audited with the changed fields');

select * from finish();
rollback;
