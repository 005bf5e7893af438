// "Stay unlocked on this PC" as the core sees it, through the real local stack on PGlite and PostgreSQL: the
// master key a password unlock hands out opens a fresh core over the same disk, and a key the account no
// longer accepts (password changed on another PC, account disabled) is refused, never used.
import { randomBytes } from 'node:crypto';
import { copyFile, mkdtemp, readFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { CoreError } from '../backend/errors';
import { MASTER, Office, type Pc, refusal, SLOW, STARTUP, waitFor } from './office';

const NEW_MASTER = 'a new master password for every PC 7';

/** The app restarting on the same disk: the old core closes, a new one opens the same files. */
async function restart(office: Office, pc: Pc): Promise<Pc> {
  await pc.core.dispose();
  return office.pc(pc.name, pc.dir);
}

/** Password unlock with a keeper set, returning what the keeper was handed (copied: the core wipes it). */
async function unlockKeeping(pc: Pc, password: string): Promise<Uint8Array> {
  let kept: Uint8Array | undefined;
  let handed: Uint8Array | undefined;
  pc.core.keepUnlockKey(async (key) => {
    handed = key;
    kept = key.slice();
  });
  expect((await pc.core.unlock(password)).state).toBe('unlocked');
  pc.core.keepUnlockKey(null);
  if (!kept || !handed) throw new Error('the keeper was not called');
  expect(handed.every((b) => b === 0)).toBe(true);
  return kept;
}

describe.each(['pglite', 'postgres'] as const)('unlock with a kept master key (%s local stack)', (kind) => {
  let office: Office;
  let admin: Pc;
  let emp: Pc;
  let wifiId: string;
  let key: Uint8Array;

  beforeAll(async () => {
    office = await Office.start(kind, { pollMs: 1_000 });
    admin = await office.firstAdmin();
    const vaultId = admin.core.vaults()[0]!.id;
    wifiId = (
      await admin.core.vault.create(vaultId, { title: 'Wi-Fi', username: 'office', password: 'pw-1' })
    ).id;
    emp = await office.colleague(admin, 'emp@office.test');
  }, STARTUP);
  afterAll(async () => {
    await office?.stop();
  });

  it(
    'a password unlock hands out the 32-byte master key; a fresh core on the same disk opens and decrypts with it',
    async () => {
      await emp.core.lock();
      key = await unlockKeeping(emp, MASTER);
      expect(key.length).toBe(32);
      emp = await restart(office, emp);
      expect(emp.core.state.state).toBe('locked');
      const given = key.slice();
      expect((await emp.core.unlockWithKey(given)).state).toBe('unlocked');
      // The caller's bytes stay the caller's: it decides when the keychain copy goes.
      expect(given).toEqual(key);
      await emp.core.syncNow();
      expect(await emp.core.vault.reveal(wifiId)).toBe('pw-1');
    },
    SLOW,
  );

  it(
    'a key that does not fit is refused with wrong_credentials and the PC stays locked',
    async () => {
      await emp.core.lock();
      for (const wrong of [new Uint8Array(randomBytes(32)), new Uint8Array(16)]) {
        const err = await refusal(emp.core.unlockWithKey(wrong));
        expect(err.code).toBe('wrong_credentials');
        expect(err.message).toMatch(/master password/);
        expect(emp.core.state.state).toBe('locked');
      }
    },
    SLOW,
  );

  it(
    'after the master password changed on another PC the kept key is refused: by the server first, then here',
    async () => {
      // The same account on a second PC (its disk a copy of this one), where the password is changed.
      const laptopDir = await mkdtemp(join(tmpdir(), 'keyroom-laptop-'));
      for (const f of ['cache.json', 'outbox.json'])
        await copyFile(join(emp.dir, f), join(laptopDir, f)).catch(() => {});
      const laptop = await office.pc('laptop', laptopDir);
      await laptop.core.unlock(MASTER);
      await laptop.core.changeMasterPassword(MASTER, NEW_MASTER);
      await laptop.core.lock();

      // This PC has not heard of it: its cache still opens with the old key, and the server's answer ends it.
      emp = await restart(office, emp);
      const refused: CoreError[] = [];
      const locked = waitFor(emp.core, 'sessionChanged', (s) => s.state === 'locked', 30_000);
      await emp.core.unlockWithKey(key, (r) => refused.push(r));
      await expect(emp.core.syncNow()).rejects.toMatchObject({ code: 'wrong_credentials' });
      await locked;
      expect(refused.map((r) => r.code)).toEqual(['wrong_credentials']);
      expect(() => emp.core.vault.list()).toThrow(CoreError);

      // Now only the server opens it, and the old key is turned away there without the new password.
      const err = await refusal(emp.core.unlockWithKey(key));
      expect(err.code).toBe('wrong_credentials');
      expect(emp.core.state.state).toBe('locked');
      expect((await refusal(emp.core.unlock(MASTER))).code).toBe('wrong_credentials');
      expect(emp.core.state.state).toBe('locked');
    },
    SLOW,
  );

  it(
    'a disabled account: the kept key opens nothing for long; the state is disabled and the cache erased',
    async () => {
      let leaver = await office.colleague(admin, 'leaver@office.test');
      const s = leaver.core.state;
      const id = s.state === 'unlocked' ? s.user.id : '';
      await leaver.core.lock();
      const kept = await unlockKeeping(leaver, MASTER);
      await leaver.core.lock();
      await admin.core.admin.disable(id);
      leaver = await restart(office, leaver);
      const refused: CoreError[] = [];
      const disabled = waitFor(leaver.core, 'sessionChanged', (x) => x.state === 'disabled', 30_000);
      // From the cache it opens for as long as the server takes to answer; the answer ends it.
      const first = await leaver.core.unlockWithKey(kept, (r) => refused.push(r));
      if (first.state === 'unlocked') await leaver.core.syncNow().catch(() => {});
      await disabled;
      expect(leaver.core.state.state).toBe('disabled');
      expect(refused.map((r) => r.code)).toEqual(first.state === 'unlocked' ? ['disabled'] : []);
      expect(() => leaver.core.vault.list()).toThrow(CoreError);
      await expect(readFile(join(leaver.dir, 'cache.json'), 'utf8')).rejects.toThrow();
    },
    SLOW,
  );
});
