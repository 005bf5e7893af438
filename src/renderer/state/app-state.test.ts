import { describe, expect, it } from 'vitest';
import type { EntrySummary } from '../../shared/domain';
import {
  type AppState,
  categoryCounts,
  describeChanges,
  describeDeviceAdded,
  initialState,
  moveSelection,
  reducer,
  visibleEntries,
} from './app-state';

const uuid = (n: number) => `00000000-0000-4000-8000-${String(n).padStart(12, '0')}`;
const entry = (n: number, over: Partial<EntrySummary> = {}): EntrySummary => ({
  id: uuid(n),
  vaultId: uuid(100),
  title: `Entry ${n}`,
  username: '',
  url: '',
  category: 'Login',
  version: 1,
  updatedAt: '2026-11-25T10:00:00.000Z',
  updatedBy: 'ann@example.com',
  hasTotp: false,
  damaged: false,
  deletedAt: null,
  ...over,
});
const unlocked: AppState['session'] = {
  state: 'unlocked',
  user: { id: uuid(1), email: 'ann@example.com', displayName: 'Ann', role: 'member' },
  officeFingerprint: '3F2A 9C1B 77D0 E412',
};

describe('reducer', () => {
  it('locking drops the vault contents but keeps settings and toasts', () => {
    let s = reducer(initialState, { type: 'session', session: unlocked! });
    s = reducer(s, { type: 'list', vaults: [], entries: [entry(1)] });
    s = reducer(s, { type: 'select', id: uuid(1) });
    s = reducer(s, { type: 'toast', kind: 'info', message: 'hello' });
    s = reducer(s, {
      type: 'session',
      session: { state: 'locked', email: 'ann@example.com', displayName: 'Ann' },
    });
    expect(s.entries).toEqual([]);
    expect(s.selectedId).toBeNull();
    expect(s.toasts).toHaveLength(1);
  });

  it('a copy starts the clipboard countdown, a new copy restarts it, locking drops it (the clipboard was cleared)', () => {
    let s = reducer(initialState, { type: 'session', session: unlocked! });
    expect(s.clipboardClearsAt).toBeNull();
    s = reducer(s, { type: 'copied', clearsAt: 1_000 });
    s = reducer(s, { type: 'copied', clearsAt: 2_000 });
    expect(s.clipboardClearsAt).toBe(2_000);
    s = reducer(s, {
      type: 'session',
      session: { state: 'locked', email: 'ann@example.com', displayName: 'Ann' },
    });
    expect(s.clipboardClearsAt).toBeNull();
  });

  it('ignores search results for a query the user has already changed', () => {
    let s = reducer(initialState, { type: 'query', query: 'wi' });
    s = reducer(s, { type: 'query', query: 'wifi' });
    s = reducer(s, { type: 'searchResults', query: 'wi', entries: [entry(1)] });
    expect(s.searchResults).toBeNull();
    s = reducer(s, { type: 'searchResults', query: 'wifi', entries: [entry(2)] });
    expect(s.searchResults?.map((e) => e.id)).toEqual([uuid(2)]);
    s = reducer(s, { type: 'query', query: ' ' });
    expect(s.searchResults).toBeNull();
  });

  it('drops the selection when the selected entry disappears from the list', () => {
    let s = reducer(initialState, { type: 'list', vaults: [], entries: [entry(1), entry(2)] });
    s = reducer(s, { type: 'select', id: uuid(2) });
    s = reducer(s, { type: 'list', vaults: [], entries: [entry(1)] });
    expect(s.selectedId).toBeNull();
  });

  it('keeps at most four toasts, newest last', () => {
    let s = initialState;
    for (let i = 0; i < 6; i++) s = reducer(s, { type: 'toast', kind: 'info', message: `t${i}` });
    expect(s.toasts.map((t) => t.message)).toEqual(['t2', 't3', 't4', 't5']);
    s = reducer(s, { type: 'dismissToast', id: s.toasts[0]?.id ?? 0 });
    expect(s.toasts.map((t) => t.message)).toEqual(['t3', 't4', 't5']);
  });
});

describe('visibleEntries', () => {
  const entries = [
    entry(1, { title: 'wifi', category: 'Wi-Fi' }),
    entry(2, { title: 'Bank', category: 'Finance' }),
    entry(3, { title: 'Old', deletedAt: '2026-11-20T10:00:00.000Z' }),
    entry(4, { title: 'Server', vaultId: uuid(200) }),
  ];
  const base = { ...initialState, entries };
  it('hides tombstones outside the trash, sorted by title ignoring case', () => {
    expect(visibleEntries(base).map((e) => e.title)).toEqual(['Bank', 'Server', 'wifi']);
  });
  it('filters by category, vault and trash', () => {
    expect(
      visibleEntries({ ...base, view: { kind: 'vault', vaultId: null, category: 'Wi-Fi', trash: false } }),
    ).toHaveLength(1);
    expect(
      visibleEntries({ ...base, view: { kind: 'vault', vaultId: uuid(200), category: null, trash: false } }),
    ).toHaveLength(1);
    expect(
      visibleEntries({ ...base, view: { kind: 'vault', vaultId: null, category: null, trash: true } }).map(
        (e) => e.title,
      ),
    ).toEqual(['Old']);
  });
  it('uses search results when there are some', () => {
    expect(
      visibleEntries({ ...base, searchResults: [entry(2, { title: 'Bank' })] }).map((e) => e.title),
    ).toEqual(['Bank']);
  });
  it('counts categories of live entries', () => {
    expect(categoryCounts(entries)).toEqual([
      ['Finance', 1],
      ['Login', 1],
      ['Wi-Fi', 1],
    ]);
  });
});

describe('moveSelection', () => {
  const list = [entry(1), entry(2), entry(3)];
  it('starts at the first or last entry and stops at the ends', () => {
    expect(moveSelection(list, null, 1)).toBe(uuid(1));
    expect(moveSelection(list, null, -1)).toBe(uuid(3));
    expect(moveSelection(list, uuid(3), 1)).toBe(uuid(3));
    expect(moveSelection(list, uuid(1), -1)).toBe(uuid(1));
    expect(moveSelection(list, uuid(2), 1)).toBe(uuid(3));
    expect(moveSelection([], null, 1)).toBeNull();
  });
});

describe('describeChanges', () => {
  const change = (over: object) => ({
    entryId: uuid(1),
    vaultId: uuid(100),
    title: 'Wi-Fi',
    op: 'update' as const,
    actorName: 'Ann',
    byMe: false,
    fields: [] as ('password' | 'title' | 'username')[],
    ...over,
  });
  it('says which entry, which fields (never a value) and who, and stays quiet about my own changes', () => {
    expect(describeChanges([change({ fields: ['password'] })])).toBe('Wi-Fi: password changed by Ann');
    expect(describeChanges([change({ fields: ['title', 'username', 'password'] })])).toBe(
      'Wi-Fi: title, username and password changed by Ann',
    );
    expect(describeChanges([change({ op: 'insert' })])).toBe('Wi-Fi: added by Ann');
    expect(describeChanges([change({})])).toBe('Wi-Fi: updated by Ann');
    expect(describeChanges([change({ byMe: true })])).toBeNull();
    expect(describeChanges([change({}), change({ title: 'Bank' })])).toBe('Ann changed 2 entries');
    // An import by one person: said as what it is.
    expect(describeChanges([change({ op: 'insert' }), change({ op: 'insert', title: 'Bank' })])).toBe(
      'Ann added 2 entries',
    );
    expect(describeChanges([change({}), change({ actorName: 'Bob' })])).toBe('2 entries changed by 2 people');
  });
});

describe('describeDeviceAdded', () => {
  it('names the new PC and when it signed in, and where to sign it out', () => {
    const at = '2026-12-02T16:00:00.000Z';
    const text = describeDeviceAdded({ id: uuid(7), name: 'Sam’s laptop', platform: 'win32', at });
    expect(text).toBe(
      `Signed in on a new PC: Sam’s laptop, ${new Date(at).toLocaleString()}. Not you? Sign it out in Settings.`,
    );
  });

  it('falls back to the platform when the PC has no name', () => {
    const text = describeDeviceAdded({
      id: uuid(7),
      name: '',
      platform: 'darwin',
      at: '2026-12-02T16:00:00Z',
    });
    expect(text).toMatch(/^Signed in on a new PC: darwin, /);
  });
});
