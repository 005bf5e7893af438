// The server as the adversary of a PC signing in for the first time (docs/security.md): nothing it serves may
// make the new PC trust another office root, open other keys, or derive with weakened parameters. Rows and the
// prelogin answer are rewritten directly in the database, as in tamper.test.ts.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { toBase64Url } from '../crypto/bytes';
import { generateUserKeys } from '../crypto/keys';
import { MASTER, Office, type Pc, refusal, SLOW, STARTUP } from './office';

describe('a malicious server cannot mislead a PC signing in for the first time', () => {
  let office: Office;
  let admin: Pc;
  let emp: Pc;
  const tamper = (sql: string, params: unknown[] = []) => office.tamper(sql, params);

  beforeAll(async () => {
    office = await Office.start('postgres');
    admin = await office.firstAdmin();
    emp = await office.colleague(admin, 'emp@office.test');
  }, STARTUP);
  afterAll(async () => {
    await office?.stop();
  });

  const signedOut = (pc: Pc) => {
    expect(pc.core.state.state).toBe('signedOut');
    expect(pc.core.accountUserId).toBeNull();
  };

  it(
    'another office root listed to the new PC is refused: the pin comes from the own key bundle',
    async () => {
      const [{ office_root_public: real }] = (
        await office.stack.db.query<{ office_root_public: string }>(
          'select office_root_public from public.client_policy',
        )
      ).rows as [{ office_root_public: string }];
      await tamper('update public.client_policy set office_root_public = $1', [
        toBase64Url(generateUserKeys().ed25519Public),
      ]);
      try {
        const pc = await office.pc('fooled');
        expect((await refusal(pc.core.signIn('emp@office.test', MASTER))).code).toBe('fingerprint_mismatch');
        signedOut(pc);
      } finally {
        await tamper('update public.client_policy set office_root_public = $1', [real]);
      }
    },
    SLOW,
  );

  it(
    'a pin rewritten in the stored bundle, or a bundle of other keys, does not open: damaged, nothing trusted',
    async () => {
      const id = emp.core.accountUserId!;
      const [{ wrapped }] = (
        await office.stack.db.query<{ wrapped: string }>(
          'select wrapped_keys::text as wrapped from public.profiles where id = $1',
          [id],
        )
      ).rows as [{ wrapped: string }];
      const bundle = JSON.parse(wrapped) as { pin: { root_public: string } };
      const rogue = toBase64Url(generateUserKeys().ed25519Public);
      await tamper('update public.profiles set wrapped_keys = $2::jsonb where id = $1', [
        id,
        JSON.stringify({ ...bundle, pin: { ...bundle.pin, root_public: rogue } }),
      ]);
      await tamper('update public.client_policy set office_root_public = $1', [rogue]).catch(() => {});
      try {
        const pc = await office.pc('swapped');
        expect((await refusal(pc.core.signIn('emp@office.test', MASTER))).code).toBe('damaged');
        signedOut(pc);
      } finally {
        await tamper('update public.profiles set wrapped_keys = $2::jsonb where id = $1', [id, wrapped]);
      }
    },
    SLOW,
  );

  it(
    'prelogin parameters below the KDF floor are refused before any derivation',
    async () => {
      const [{ kdf }] = (
        await office.stack.db.query<{ kdf: string }>(
          'select kdf::text as kdf from public.profiles where id = $1',
          [emp.core.accountUserId!],
        )
      ).rows as [{ kdf: string }];
      const weak = { ...JSON.parse(kdf), m: 1024, t: 1 };
      await tamper('update public.profiles set kdf = $2::jsonb where id = $1', [
        emp.core.accountUserId!,
        JSON.stringify(weak),
      ]);
      try {
        const pc = await office.pc('weakened');
        expect((await refusal(pc.core.signIn('emp@office.test', MASTER))).code).toBe('damaged');
        signedOut(pc);
      } finally {
        await tamper('update public.profiles set kdf = $2::jsonb where id = $1', [
          emp.core.accountUserId!,
          kdf,
        ]);
      }
    },
    SLOW,
  );
});
