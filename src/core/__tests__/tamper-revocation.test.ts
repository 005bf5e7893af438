// The server (and a rogue admin) as the adversary for revocations and deletes (docs/security.md): rows are
// rewritten or inserted directly, triggers off, as in tamper.test.ts. A revocation nobody with an admin key signed
// takes nobody's access away, now or later.
import { randomBytes } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Backend } from '../backend/client';
import type { KeyroomCore } from '../index';
import { MASTER, Office, type Pc, SLOW, STARTUP, waitFor } from './office';

const idOf = (pc: Pc) => (pc.core.state.state === 'unlocked' ? pc.core.state.user.id : '');
/** The rogue admin's own server calls: what any admin's PC can send. */
const backendOf = (core: KeyroomCore) => (core as unknown as { backend: Backend }).backend;

describe('a malicious server cannot cut people off with revocations nobody signed', () => {
  let office: Office;
  let admin: Pc;
  let office1: string;
  const tamper = (sql: string, params: unknown[] = []) =>
    office.stack.db.transaction(async (tx) => {
      await tx.query('set local session_replication_role = replica');
      await tx.query(sql, params);
    });
  const certificateOf = async (memberId: string) =>
    (
      await office.stack.db.query<{ key_certificate: string | null }>(
        `select key_certificate from public.profiles where id = $1`,
        [memberId],
      )
    ).rows[0]!.key_certificate;

  beforeAll(async () => {
    office = await Office.start('postgres');
    admin = await office.firstAdmin();
    office1 = admin.core.vaults()[0]!.id;
  }, STARTUP);
  afterAll(async () => {
    await office?.stop();
  });

  it(
    'a rogue admin revokes a colleague admin with a junk signature: ignored and reported, the colleague’s members keep their vault',
    async () => {
      const colleagueAdmin = await office.colleague(admin, 'ra-admin@office.test', 'admin');
      const member = await office.colleague(colleagueAdmin, 'ra-member@office.test');
      const rogue = await office.colleague(admin, 'ra-rogue@office.test', 'admin');
      expect(member.core.vaults().map((v) => v.id)).toContain(office1);
      const victim = idOf(colleagueAdmin);
      await backendOf(rogue.core).insertRevocation({
        user_id: victim,
        certificate: JSON.parse(String(await certificateOf(victim))),
        revoked_by: idOf(rogue),
        signature: randomBytes(64).toString('base64url'),
      });
      await member.core.lock();
      const reported = waitFor(member.core, 'revocationRefused', (p) => p.count === 1, 20_000);
      await member.core.unlock(MASTER);
      await member.core.syncNow();
      await reported;
      expect(member.core.vaults().map((v) => v.id)).toContain(office1);
      // Nothing of it was kept: the next unlock judges the server's rows afresh.
      await member.core.lock();
      await member.core.unlock(MASTER);
      await member.core.syncNow();
      expect(member.core.vaults().map((v) => v.id)).toContain(office1);
    },
    SLOW,
  );

  it(
    'the server puts a junk-signed revocation in the table itself, as the root: members keep their vault',
    async () => {
      const colleagueAdmin = await office.colleague(admin, 'rs-admin@office.test', 'admin');
      const member = await office.colleague(colleagueAdmin, 'rs-member@office.test');
      const victim = idOf(colleagueAdmin);
      await tamper(
        `insert into public.key_revocations (user_id, certificate, revoked_by, signature) values ($1, $2, $3, $4)`,
        [victim, await certificateOf(victim), idOf(admin), randomBytes(64).toString('base64url')],
      );
      await member.core.lock();
      await member.core.unlock(MASTER);
      await member.core.syncNow();
      expect(member.core.vaults().map((v) => v.id)).toContain(office1);
    },
    SLOW,
  );
});
