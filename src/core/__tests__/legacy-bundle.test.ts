// An account enrolled before key bundles carried the office pin (a v1 bundle) cannot be verified on a new PC: the
// new PC refuses and says what to do, and the PC that enrolled it adds the pin at its next unlock, after which the
// new PC signs in. The v1 bundle is made here the way the old code made it (the v1 associated data, no pin).
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { CoreError } from '../backend/errors';
import { canonical, concat } from '../crypto/bytes';
import { ALG, sealWith } from '../crypto/envelope';
import type { CoreContext } from '../session/context';
import { deriveSecrets } from '../session/enrollment';
import { MASTER, Office, type Pc, SLOW, STARTUP, until } from './office';

const ctxOf = (pc: Pc) => (pc.core as unknown as { ctx: CoreContext }).ctx;

describe('a key bundle from before the pin (PGlite)', () => {
  let office: Office;
  let admin: Pc;
  let old: Pc;

  beforeAll(async () => {
    office = await Office.start('pglite', { pollMs: 1_000 });
    admin = await office.firstAdmin();
    old = await office.colleague(admin, 'old@office.test');
    // Back to the old format, on the server and on the PC, under the same master password.
    const ctx = ctxOf(old);
    const open = ctx.open!;
    const account = open.account;
    const { wrapKey } = await deriveSecrets(MASTER, account.kdf);
    const keys = open.keyring.user;
    const v1 = {
      v: 1 as const,
      alg: ALG as typeof ALG,
      ...sealWith(
        wrapKey,
        canonical('keyroom/v1/wrapped-keys', account.userId.toLowerCase()),
        concat(keys.x25519Secret, keys.ed25519Secret),
      ),
    };
    wrapKey.wipe();
    await ctx.backend.updateOwnProfile({ kdf: account.kdf, wrapped_keys: v1 });
    await ctx.accounts.save({ ...account, wrappedKeys: v1 });
    await old.core.lock();
    ctx.account = { ...account, wrappedKeys: v1 };
  }, STARTUP);
  afterAll(async () => {
    await office?.stop();
  });

  const bundleVersion = async () =>
    (
      await office.stack.db.query<{ v: string }>(
        `select wrapped_keys ->> 'v' as v from public.profiles where email = 'old@office.test'`,
      )
    ).rows[0]?.v;

  it(
    'a new PC refuses to sign in with it and says where to go first',
    async () => {
      expect(await bundleVersion()).toBe('1');
      const pc = await office.pc('new');
      const err = await pc.core.signIn('old@office.test', MASTER).catch((e: unknown) => e);
      expect(err).toBeInstanceOf(CoreError);
      expect((err as CoreError).code).toBe('invalid_request');
      expect((err as CoreError).message).toMatch(/Unlock Keyroom once on the PC you set it up on/);
      expect(pc.core.accountUserId).toBeNull();
    },
    SLOW,
  );

  it(
    'the PC that holds it adds the pin at its next unlock; then the new PC signs in',
    async () => {
      expect((await old.core.unlock(MASTER)).state).toBe('unlocked');
      await until(() => ctxOf(old).account?.wrappedKeys.v === 2, 15_000);
      expect(await bundleVersion()).toBe('2');
      // The other PC of this person does not take its own upgrade for a password change.
      expect(old.core.state.state).toBe('unlocked');
      const pc = await office.pc('new-again');
      expect((await pc.core.signIn('old@office.test', MASTER)).state).toBe('unlocked');
      // And the upgraded bundle opens on the first PC too, after a restart.
      await old.core.lock();
      expect((await old.core.unlock(MASTER)).state).toBe('unlocked');
    },
    SLOW,
  );
});
