// The Electron binary cannot run here: this drives the layer beneath it, the wiring main.ts builds, with a real
// core on the local stack (PGlite), the real settings store (conf under Node) and an in-memory keychain in
// place of keytar.
import { randomBytes } from 'node:crypto';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { MASTER, Office, type Pc, SLOW, STARTUP, until, waitFor } from '../core/__tests__/office';
import { MemoryKeychain } from './secrets/memory-keychain';
import { STAY_UNLOCKED_SERVICE } from './secrets/stay-unlocked';
import { StayUnlockedWiring } from './stay-unlocked-wiring';

const NEW_MASTER = 'a new master password for both PCs 9';

import { confOpener } from './store/conf-opener';
import { openSettingsStore } from './store/profile-stores';

describe('stay unlocked on this PC: the main-process wiring beneath Electron (real core and local stack, in-memory keychain)', () => {
  let office: Office;
  let admin: Pc;
  let emp: Pc;
  let wifiId: string;
  let userData: string;
  let wiring: StayUnlockedWiring;
  const keychain = new MemoryKeychain();
  const errors: string[] = [];
  const settings = () => openSettingsStore(confOpener(userData));
  let store: ReturnType<typeof settings>;

  const wire = (pc: Pc) =>
    new StayUnlockedWiring({
      core: pc.core,
      keychain,
      settings: store,
      office: 'office.test',
      onError: (m) => errors.push(m),
    });

  /** The app restarting: wiring and core close, a new core opens the same disk and start() runs. */
  async function restart(): Promise<void> {
    await wiring.dispose();
    await emp.core.dispose();
    emp = await office.pc('emp', emp.dir);
    store = settings();
    wiring = wire(emp);
    await wiring.start();
  }

  async function relock(): Promise<void> {
    await emp.core.lock();
    expect((await emp.core.unlock(MASTER)).state).toBe('unlocked');
    await wiring.settled();
  }

  async function policy(allow: boolean): Promise<void> {
    // Realtime keeps no broadcast for a channel still joining: after a restart or an unlock, wait until this PC
    // is back on the office channel (its own presence claim shows) so the policy poke reaches it.
    const me = emp.core.accountUserId;
    await until(() => {
      try {
        return emp.core.presence().some((p) => p.userId === me);
      } catch {
        return false;
      }
    }, 20_000);
    const seen = waitFor(emp.core, 'policyChanged', (p) => p.allowStayUnlocked === allow, 30_000);
    await admin.core.office.setPolicy(10, allow);
    await seen;
    await wiring.settled();
  }

  const kept = () => keychain.findCredentials(STAY_UNLOCKED_SERVICE);

  beforeAll(async () => {
    userData = await mkdtemp(join(tmpdir(), 'keyroom-stay-'));
    store = settings();
    office = await Office.start('pglite', { pollMs: 1_000 });
    admin = await office.firstAdmin();
    const vaultId = admin.core.vaults()[0]!.id;
    wifiId = (
      await admin.core.vault.create(vaultId, { title: 'Wi-Fi', username: 'office', password: 'pw-1' })
    ).id;
    emp = await office.colleague(admin, 'emp@office.test');
    wiring = wire(emp);
  }, STARTUP);
  afterAll(async () => {
    await wiring?.dispose();
    await office?.stop();
    await rm(userData, { recursive: true, force: true });
  });

  it(
    'keeps the master key only when the office policy and the user setting both allow it',
    async () => {
      await store.set({ stayUnlocked: true });
      await relock();
      expect(await kept()).toEqual([]);
      expect(wiring.enabled()).toBe(false);

      await policy(true);
      await store.set({ stayUnlocked: false });
      await relock();
      expect(await kept()).toEqual([]);

      await store.set({ stayUnlocked: true });
      await relock();
      const [entry] = await kept();
      const s = emp.core.state;
      expect(entry?.account).toBe('emp@office.test @ office.test');
      expect(JSON.parse(entry!.password)).toMatchObject({ v: 1, user: s.state === 'unlocked' && s.user.id });
      expect(Buffer.from(JSON.parse(entry!.password).material, 'base64')).toHaveLength(32);
      expect(entry!.password).not.toContain(MASTER);
      expect(wiring.enabled()).toBe(true);
      expect(errors).toEqual([]);
    },
    SLOW,
  );

  it(
    'a restart opens without the password; a lock holds for the rest of the run, the next start opens again',
    async () => {
      await restart();
      expect(emp.core.state.state).toBe('unlocked');
      await emp.core.syncNow();
      expect(await emp.core.vault.reveal(wifiId)).toBe('pw-1');

      await emp.core.lock();
      await new Promise((r) => setTimeout(r, 500));
      await wiring.settled();
      expect(emp.core.state.state).toBe('locked');
      expect(await kept()).toHaveLength(1);

      await restart();
      expect(emp.core.state.state).toBe('unlocked');
    },
    SLOW,
  );

  it(
    'the policy turning it off wipes the keychain, and a start then asks for the password',
    async () => {
      await policy(false);
      await until(() => keychain.entries.size === 0, 5_000);
      expect(wiring.enabled()).toBe(false);
      await restart();
      expect(emp.core.state.state).toBe('locked');
      expect((await emp.core.unlock(MASTER)).state).toBe('unlocked');
    },
    SLOW,
  );

  it(
    'the user turning the setting off wipes it',
    async () => {
      await policy(true);
      await relock();
      expect(await kept()).toHaveLength(1);
      await store.set({ stayUnlocked: false });
      await wiring.settled();
      expect(await kept()).toEqual([]);
      await store.set({ stayUnlocked: true });
    },
    SLOW,
  );

  it(
    'sign-out wipes it',
    async () => {
      await relock();
      expect(await kept()).toHaveLength(1);
      await emp.core.signOut();
      await wiring.settled();
      expect(await kept()).toEqual([]);
      expect((await emp.core.signIn('emp@office.test', MASTER)).state).toBe('unlocked');
      await wiring.settled();
      expect(await kept()).toHaveLength(1);
    },
    SLOW,
  );

  it(
    'a kept key the account does not accept is wiped at start and the lock screen stays',
    async () => {
      const [entry] = await kept();
      const stored = JSON.parse(entry!.password);
      stored.material = randomBytes(32).toString('base64');
      await keychain.setPassword(STAY_UNLOCKED_SERVICE, entry!.account, JSON.stringify(stored));
      await restart();
      expect(emp.core.state.state).toBe('locked');
      await wiring.settled();
      expect(await kept()).toEqual([]);
      expect(errors).toEqual([]);
    },
    SLOW,
  );

  it(
    'the master password changed on another PC of the person: this PC locks at once and its kept key goes',
    async () => {
      await relock();
      expect(await kept()).toHaveLength(1);
      const laptop = await office.pc('laptop');
      expect((await laptop.core.signIn('emp@office.test', MASTER)).state).toBe('unlocked');
      const locked = waitFor(emp.core, 'sessionChanged', (s) => s.state === 'locked', 15_000);
      await laptop.core.changeMasterPassword(MASTER, NEW_MASTER);
      const s = await locked;
      expect(s.state === 'locked' && s.notice).toMatch(/changed on another PC/);
      await wiring.settled();
      expect(await kept()).toEqual([]);
      // It opens with the new password (and keeps that key); the password goes back for the tests after this.
      expect((await emp.core.unlock(NEW_MASTER)).state).toBe('unlocked');
      await emp.core.changeMasterPassword(NEW_MASTER, MASTER);
      await wiring.settled();
      expect(errors).toEqual([]);
    },
    SLOW,
  );

  it(
    'a keychain that fails (keytar not loadable on this PC) keeps nothing and unlocking still works; the log names the step only',
    async () => {
      await wiring.dispose();
      const broken = new Error(`keychain refused ${MASTER}`);
      const fail = async (): Promise<never> => {
        throw broken;
      };
      wiring = new StayUnlockedWiring({
        core: emp.core,
        keychain: { getPassword: fail, setPassword: fail, deletePassword: fail, findCredentials: fail },
        settings: store,
        office: 'office.test',
        onError: (m) => errors.push(m),
      });
      await relock();
      expect(emp.core.state.state).toBe('unlocked');
      expect(errors).toEqual(['stay unlocked: save failed (Error)']);
    },
    SLOW,
  );
});
