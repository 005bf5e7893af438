// admin-users and the office root, through supabase.functions.invoke on the local stack (PGlite): another admin
// cannot reset, disable, demote or delete the root's holder (409 office_root, nothing changes), and take-root stores
// only a statement the root's key signed for the caller (checked in the function against office_root_public).
import { ed25519 } from '@noble/curves/ed25519.js';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { signRootHolder } from '../../../src/core/crypto/root-holder';
import {
  call,
  certificate,
  colleague,
  enroll,
  invite,
  type Office,
  type Person,
  type Refusal,
  startOffice,
} from './edge-office';

let office: Office;
let second: Person;
let newcomer: Person;
// The pinned root key of this office: enroll() uploads shapes only, so the test installs a key it holds.
const rootSecret = ed25519.utils.randomSecretKey();

beforeAll(async () => {
  office = await startOffice();
  second = await colleague(office, 'second@office.test', 'admin');
  newcomer = await invite(office, 'newcomer@office.test', 'admin');
  await enroll(newcomer);
  await office.stack.db.transaction(async (tx) => {
    await tx.query('set local session_replication_role = replica');
    await tx.query('update public.client_policy set office_root_public = $1', [
      Buffer.from(ed25519.getPublicKey(rootSecret)).toString('base64url'),
    ]);
  });
}, 300_000);
afterAll(async () => {
  await office?.stack.stop();
});

async function state(id: string) {
  const r = await office.stack.db.query<Record<string, unknown>>(
    'select role, status, ed25519_public is not null as keys from public.profiles where id = $1',
    [id],
  );
  return r.rows[0];
}

const holder = async () =>
  (
    await office.stack.db.query<{ h: string | null }>(
      "select root_holder ->> 'holder' as h from public.client_policy",
    )
  ).rows[0]?.h;

const ends = (user: string) => [
  { action: 'set-role', user_id: user, role: 'member' },
  { action: 'disable', user_id: user },
  { action: 'reset', user_id: user },
  { action: 'delete', user_id: user },
];

describe('admin-users and the office root', () => {
  it('refuses another admin every way of ending the root, and changes nothing', async () => {
    for (const body of ends(office.root.id)) {
      const r = await call<Refusal>(second.client, 'admin-users', body);
      expect([r.status, r.body.error.code], body.action).toEqual([409, 'office_root']);
    }
    expect(await state(office.root.id)).toEqual({ role: 'admin', status: 'active', keys: true });
  });

  it('refuses a take-over the root key did not sign, or signed for someone else', async () => {
    const forged = signRootHolder(
      { id: office.root.id, ed25519Secret: ed25519.utils.randomSecretKey() },
      second.id,
      1,
    );
    const forOther = signRootHolder({ id: office.root.id, ed25519Secret: rootSecret }, office.root.id, 1);
    for (const statement of [forged, forOther, { ...forged, sig: 'x'.repeat(86) }]) {
      const r = await call<Refusal>(second.client, 'admin-users', { action: 'take-root', statement });
      expect(r.status).toBe(r.body.error.code === 'invalid_input' ? 400 : 403);
    }
    expect(await holder()).toBeNull();
    // Nor does another admin certify as the root while the first admin holds the role.
    const asRoot = await call<Refusal>(second.client, 'admin-users', {
      action: 'confirm',
      user_id: newcomer.id,
      key_certificate: certificate(office.root.id),
      grants: [],
    });
    expect([asRoot.status, asRoot.body.error.code]).toEqual([400, 'invalid_input']);
  });

  it('stores a root-signed take-over for the caller, who is then protected in turn', async () => {
    const statement = signRootHolder({ id: office.root.id, ed25519Secret: rootSecret }, second.id, 1);
    const r = await call(second.client, 'admin-users', { action: 'take-root', statement });
    expect(r).toEqual({ status: 200, body: { holder: second.id, n: 1 } });
    expect(await holder()).toBe(second.id);
    const replay = await call<Refusal>(second.client, 'admin-users', { action: 'take-root', statement });
    expect([replay.status, replay.body.error.code]).toEqual([409, 'take_root_mismatch']);
    for (const body of ends(second.id)) {
      const refused = await call<Refusal>(office.root.client, 'admin-users', body);
      expect([refused.status, refused.body.error.code], body.action).toEqual([409, 'office_root']);
    }
    // The first root's id still names the root on every PC: never reset, whoever holds the role now.
    const reset = await call<Refusal>(second.client, 'admin-users', {
      action: 'reset',
      user_id: office.root.id,
    });
    expect([reset.status, reset.body.error.code]).toEqual([409, 'office_root']);
    expect(await state(second.id)).toEqual({ role: 'admin', status: 'active', keys: true });
    // The holder certifies as the root (the root's id, which every PC pinned).
    const asRoot = await call(second.client, 'admin-users', {
      action: 'confirm',
      user_id: newcomer.id,
      key_certificate: certificate(office.root.id),
      grants: [],
    });
    expect(asRoot.status).toBe(200);
  });
});
