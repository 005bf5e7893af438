// The last-admin guard under concurrency, on PostgreSQL (real parallel transactions): two admins who
// demote or disable each other at the same moment cannot both succeed and leave the office without one.
import { randomUUID } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createTestDatabase, type TestDatabase } from '../../test/pg';
import { call, certificate, colleague, type Office, type Refusal, signIn, startOffice } from './edge-office';

let tdb: TestDatabase;
let office: Office;

// A fresh stack takes over a minute to start on a loaded two-core machine.
beforeAll(async () => {
  tdb = await createTestDatabase('keyroom_edge_admins');
  office = await startOffice({ dbUrl: tdb.url });
}, 300_000);
afterAll(async () => {
  await office?.stack.stop();
  await tdb?.drop();
});

async function activeAdmins(): Promise<number> {
  const r = await office.stack.db.query<{ n: string }>(
    `select count(*) as n from public.profiles where role = 'admin' and status = 'active'`,
  );
  return Number(r.rows[0]?.n);
}

describe('last active admin', () => {
  it.each([
    ['set-role', { role: 'member' }],
    ['disable', {}],
  ] as const)('two admins who %s each other at once through admin-users: one wins', async (action, extra) => {
    const other = await colleague(office, `peer-${action}@office.test`, 'admin');
    expect(await activeAdmins()).toBe(2);
    const [a, b] = await Promise.all([
      call<Refusal>(office.root.client, 'admin-users', { action, user_id: other.id, ...extra }),
      call<Refusal>(other.client, 'admin-users', { action, user_id: office.root.id, ...extra }),
    ]);
    // The loser is refused by the guard (409) or, when the winner finished first, no longer an admin (403).
    const statuses = [a.status, b.status].sort();
    expect(statuses[0]).toBe(200);
    expect([403, 409]).toContain(statuses[1]);
    expect(await activeAdmins()).toBe(1);

    // Put the office back: the root as the only admin, for the next case.
    if (a.status !== 200) {
      const restore =
        action === 'disable'
          ? { action: 'enable', user_id: office.root.id }
          : { action: 'set-role', user_id: office.root.id, role: 'admin' };
      expect((await call(other.client, 'admin-users', restore)).status).toBe(200);
      // Either way the root lost its certificate and waits to be confirmed again.
      const confirm = await call(other.client, 'admin-users', {
        action: 'confirm',
        user_id: office.root.id,
        key_certificate: certificate(other.id),
        grants: [],
      });
      expect(confirm.status).toBe(200);
      // A disable ended the root's sessions: sign in again.
      office.root = await signIn(office.stack, office.root.email, office.root.password);
      // The root's certificate now rests on the peer's signature: the root signs its own again (the take-over),
      // demotes the peer, and only then may delete them.
      const takeOver = await call(office.root.client, 'admin-users', {
        action: 'take-over',
        user_id: other.id,
        grants: [],
        certificates: [{ user_id: office.root.id, key_certificate: certificate(office.root.id) }],
      });
      expect(takeOver.status).toBe(200);
      const demote = { action: 'set-role', user_id: other.id, role: 'member' };
      expect((await call(office.root.client, 'admin-users', demote)).status).toBe(200);
    }
    expect(
      (await call(office.root.client, 'admin-users', { action: 'delete', user_id: other.id })).status,
    ).toBe(200);
  });

  it('holds the second demotion until the first commits, then refuses it (the RPCs on two connections)', async () => {
    const peer = await colleague(office, 'racer@office.test', 'admin');
    const demote = 'select public.admin_set_role($1, $2, $3)';
    let commitFirst!: () => void;
    const gate = new Promise<void>((resolve) => {
      commitFirst = resolve;
    });
    let firstDone!: () => void;
    const firstRan = new Promise<void>((resolve) => {
      firstDone = resolve;
    });
    const first = office.stack.db.transaction(async (tx) => {
      await tx.query(demote, [office.root.id, peer.id, 'member']);
      firstDone();
      await gate;
    });
    await firstRan;
    const second = office.stack.db.query(demote, [peer.id, office.root.id, 'member']).then(
      () => 'committed',
      (err: unknown) => String(err),
    );
    // The second waits for the first to commit; without the guard's lock it would have passed its check
    // before that (the first's change not visible yet) and committed too, leaving no admin (checked by hand).
    const early = await Promise.race([second, new Promise((r) => setTimeout(() => r('waiting'), 500))]);
    expect(early).toBe('waiting');
    commitFirst();
    await first;
    expect(await second).toContain('last_admin');
    expect(await activeAdmins()).toBe(1);
  });

  // A signature and the end of its signer's role, on two connections: whichever takes the signer's row first, the
  // other is refused, so no grant is left signed by someone who is no longer an admin.
  it('orders a grant against the demotion of its signer: neither strands a colleague', async () => {
    const vaultId = randomUUID();
    await office.stack.db.query(`insert into public.vaults (id, name) values ($1, 'Race')`, [vaultId]);
    const staff = await colleague(office, 'raced-staff@office.test');
    const grantBy = (signer: string) =>
      `insert into public.vault_grants (vault_id, member_id, key_version, sealed_key, member_public, granted_by,
         signature) select '${vaultId}', id, 1, 's', x25519_public, '${signer}', 's' from public.profiles
       where id = '${staff.id}'`;
    const demote = 'select public.admin_set_role($1, $2, $3)';
    const held = async (first: string, firstArgs: unknown[], second: string, secondArgs: unknown[]) => {
      let commitFirst!: () => void;
      const gate = new Promise<void>((resolve) => {
        commitFirst = resolve;
      });
      let firstDone!: () => void;
      const firstRan = new Promise<void>((resolve) => {
        firstDone = resolve;
      });
      const tx = office.stack.db.transaction(async (t) => {
        await t.query(first, firstArgs);
        firstDone();
        await gate;
      });
      await firstRan;
      const waiting = office.stack.db.query(second, secondArgs).then(
        () => 'committed',
        (err: unknown) => String(err),
      );
      const early = await Promise.race([waiting, new Promise((r) => setTimeout(() => r('waiting'), 500))]);
      commitFirst();
      await tx;
      return { early, second: await waiting };
    };

    // The demotion first: the grant waits for it, then finds its signer no longer an admin.
    const peer = await colleague(office, 'raced-peer@office.test', 'admin');
    const a = await held(demote, [office.root.id, peer.id, 'member'], grantBy(peer.id), []);
    expect(a).toEqual({ early: 'waiting', second: expect.stringContaining('signer_not_admin') });

    // The grant first: the demotion waits for it, then sees the grant and refuses until the take-over.
    const peer2 = await colleague(office, 'raced-peer2@office.test', 'admin');
    const b = await held(grantBy(peer2.id), [], demote, [office.root.id, peer2.id, 'member']);
    expect(b).toEqual({ early: 'waiting', second: expect.stringContaining('still_signs') });
    expect(await activeAdmins()).toBe(2);
    const stranded = await office.stack.db.query(
      `select 1 from public.vault_grants g join public.profiles s on s.id = g.granted_by
       where g.vault_id = $1 and not (s.role = 'admin' and s.status = 'active')`,
      [vaultId],
    );
    expect(stranded.rows).toHaveLength(0);
  });
});
