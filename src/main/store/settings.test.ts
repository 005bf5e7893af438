import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeEach, describe, expect, it } from 'vitest';
import type { Settings } from '../../shared/domain';
import { confOpener } from './conf-opener';
import { openSettingsStore } from './profile-stores';
import { DEFAULT_SETTINGS } from './settings';

const root = await mkdtemp(join(tmpdir(), 'keyroom-esettings-'));
afterAll(() => rm(root, { recursive: true, force: true }));
let userData: string;
beforeEach(async () => {
  userData = await mkdtemp(join(root, 'u-'));
});
const settingsOf = () => openSettingsStore(confOpener(userData));

describe('ElectronSettingsStore on electron-store (conf under Node: Electron binary not available here)', () => {
  it('starts from the defaults and keeps a change across a restart, in userData/settings.json', async () => {
    expect(await settingsOf().get()).toEqual(DEFAULT_SETTINGS);
    expect(await settingsOf().set({ theme: 'dark', startWithWindows: true })).toEqual({
      ...DEFAULT_SETTINGS,
      theme: 'dark',
      startWithWindows: true,
    });
    expect((await settingsOf().get()).theme).toBe('dark');
    expect(JSON.parse(await readFile(join(userData, 'settings.json'), 'utf8')).settings.theme).toBe('dark');
  });

  it('refuses unknown keys and wrong types without changing anything', async () => {
    const store = settingsOf();
    await expect(store.set({ theme: 'neon' } as unknown as Partial<Settings>)).rejects.toThrow();
    await expect(store.set({ admin: true } as unknown as Partial<Settings>)).rejects.toThrow();
    expect(await settingsOf().get()).toEqual(DEFAULT_SETTINGS);
  });

  it('falls back per field when the file holds a damaged value', async () => {
    await settingsOf().set({ notifications: false });
    await writeFile(
      join(userData, 'settings.json'),
      JSON.stringify({ settings: { theme: 42, notifications: false, stayUnlocked: 'yes' } }),
    );
    expect(await settingsOf().get()).toEqual({ ...DEFAULT_SETTINGS, notifications: false });
  });

  it('tells listeners the new and previous settings, after the change is stored', async () => {
    const store = settingsOf();
    const seen: Array<[boolean, boolean, boolean]> = [];
    store.onChange(async (next, previous) => {
      seen.push([next.stayUnlocked, previous.stayUnlocked, (await settingsOf().get()).stayUnlocked]);
    });
    await store.set({ stayUnlocked: true });
    await store.set({ stayUnlocked: false });
    expect(seen).toEqual([
      [true, false, true],
      [false, true, false],
    ]);
  });
});
