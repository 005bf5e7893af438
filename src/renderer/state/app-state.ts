// The renderer's app state and the pure reducer that changes it. Data that only one screen uses (an entry's
// details, the audit log page) stays in that screen; what several parts share lives here.
import { describeBurst, describeChange } from '../../shared/change-words';
import type { CallResponse, EventPayload } from '../../shared/contract';
import type {
  EntrySummary,
  SessionState,
  Settings,
  SyncState,
  UpdateStatus,
  VaultInfo,
} from '../../shared/domain';

export type AdminPage = 'users' | 'audit' | 'devices' | 'updates' | 'health' | 'trash' | 'export' | 'backup';

export type View =
  | { kind: 'vault'; vaultId: string | null; category: string | null; trash: boolean }
  | { kind: 'conflicts' }
  | { kind: 'import' }
  | { kind: 'admin'; page: AdminPage }
  | { kind: 'settings' };

export type Editing = { mode: 'new' } | { mode: 'edit'; id: string } | null;

export interface Toast {
  id: number;
  kind: EventPayload<'toast'>['kind'];
  message: string;
}

export type AppInfo = CallResponse<'app.info'>;

export interface AppState {
  session: SessionState | null;
  info: AppInfo | null;
  sync: SyncState;
  update: UpdateStatus;
  settings: Settings | null;
  vaults: VaultInfo[];
  entries: EntrySummary[];
  // Results of the last search for `query` (null while the query is empty).
  searchResults: EntrySummary[] | null;
  query: string;
  view: View;
  selectedId: string | null;
  editing: Editing;
  conflictsCount: number;
  toasts: Toast[];
  // When the main process clears what was last copied (epoch ms), for the countdown; null when nothing waits.
  clipboardClearsAt: number | null;
  // Bumped whenever entries change, so open detail views reload.
  revision: number;
  /** Bumped when someone's status or role changes: the People list reads itself again. */
  peopleRevision: number;
  /** People who enrolled and wait for an admin to compare their fingerprint (the People badge). */
  waitingForConfirmation: number;
  nextToastId: number;
}

export const initialState: AppState = {
  session: null,
  info: null,
  sync: { connection: 'connecting', lastSyncedAt: null, pendingChanges: 0, liveBlocked: false },
  update: { kind: 'none' },
  settings: null,
  vaults: [],
  entries: [],
  searchResults: null,
  query: '',
  view: { kind: 'vault', vaultId: null, category: null, trash: false },
  selectedId: null,
  editing: null,
  conflictsCount: 0,
  toasts: [],
  // Locking clears the clipboard in the main process, so the reset on leaving "unlocked" drops this too.
  clipboardClearsAt: null,
  revision: 0,
  peopleRevision: 0,
  waitingForConfirmation: 0,
  nextToastId: 1,
};

export type Action =
  | { type: 'session'; session: SessionState }
  | { type: 'info'; info: AppInfo }
  | { type: 'policy'; policy: NonNullable<AppInfo['policy']> }
  | { type: 'sync'; sync: SyncState }
  | { type: 'update'; update: UpdateStatus }
  | { type: 'settings'; settings: Settings }
  | { type: 'list'; vaults: VaultInfo[]; entries: EntrySummary[] }
  | { type: 'entriesChanged' }
  | { type: 'peopleChanged' }
  | { type: 'waiting'; count: number }
  | { type: 'query'; query: string }
  | { type: 'searchResults'; query: string; entries: EntrySummary[] }
  | { type: 'navigate'; view: View }
  | { type: 'select'; id: string | null }
  | { type: 'edit'; editing: Editing }
  | { type: 'conflicts'; count: number }
  | { type: 'toast'; kind: Toast['kind']; message: string }
  | { type: 'dismissToast'; id: number }
  | { type: 'copied'; clearsAt: number };

const MAX_TOASTS = 4;

export function reducer(state: AppState, action: Action): AppState {
  switch (action.type) {
    case 'session': {
      // Leaving the unlocked state drops everything derived from the vault.
      if (action.session.state !== 'unlocked') {
        return {
          ...initialState,
          session: action.session,
          info: state.info,
          sync: state.sync,
          update: state.update,
          settings: state.settings,
          toasts: state.toasts,
          nextToastId: state.nextToastId,
        };
      }
      return { ...state, session: action.session };
    }
    case 'info':
      return { ...state, info: action.info, sync: action.info.sync, update: action.info.update };
    case 'policy':
      return state.info ? { ...state, info: { ...state.info, policy: action.policy } } : state;
    case 'sync':
      return { ...state, sync: action.sync };
    case 'update':
      return { ...state, update: action.update };
    case 'settings':
      return { ...state, settings: action.settings };
    case 'list': {
      const stillThere = action.entries.some((e) => e.id === state.selectedId);
      return {
        ...state,
        vaults: action.vaults,
        entries: action.entries,
        selectedId: stillThere ? state.selectedId : null,
      };
    }
    case 'entriesChanged':
      return { ...state, revision: state.revision + 1 };
    case 'peopleChanged':
      return { ...state, peopleRevision: state.peopleRevision + 1 };
    case 'waiting':
      return { ...state, waitingForConfirmation: action.count };
    case 'query':
      return {
        ...state,
        query: action.query,
        searchResults: action.query.trim() === '' ? null : state.searchResults,
      };
    case 'searchResults':
      // A slow answer to an older query must not overwrite the results of the current one.
      return action.query === state.query ? { ...state, searchResults: action.entries } : state;
    case 'navigate':
      return { ...state, view: action.view, editing: null };
    case 'select':
      return {
        ...state,
        selectedId: action.id,
        editing: state.editing?.mode === 'new' ? state.editing : null,
      };
    case 'edit':
      return { ...state, editing: action.editing };
    case 'conflicts':
      return { ...state, conflictsCount: action.count };
    case 'toast': {
      const toast = { id: state.nextToastId, kind: action.kind, message: action.message };
      return {
        ...state,
        toasts: [...state.toasts, toast].slice(-MAX_TOASTS),
        nextToastId: state.nextToastId + 1,
      };
    }
    case 'dismissToast':
      return { ...state, toasts: state.toasts.filter((t) => t.id !== action.id) };
    case 'copied':
      return { ...state, clipboardClearsAt: action.clearsAt };
  }
}

export function isAdmin(state: AppState): boolean {
  return state.session?.state === 'unlocked' && state.session.user.role === 'admin';
}

// The entries the list pane shows for the current view, query and search results, sorted by title.
export function visibleEntries(state: AppState): EntrySummary[] {
  const view = state.view;
  if (view.kind !== 'vault') return [];
  const source = state.searchResults ?? state.entries;
  return source
    .filter((e) => (view.trash ? e.deletedAt !== null : e.deletedAt === null))
    .filter((e) => view.vaultId === null || e.vaultId === view.vaultId)
    .filter((e) => view.category === null || e.category === view.category)
    .sort((a, b) => a.title.localeCompare(b.title, undefined, { sensitivity: 'base' }));
}

export function categoryCounts(entries: readonly EntrySummary[]): [string, number][] {
  const counts = new Map<string, number>();
  // An entry without a category is under All items only: no nameless category in the sidebar.
  for (const e of entries)
    if (e.deletedAt === null && e.category !== '') counts.set(e.category, (counts.get(e.category) ?? 0) + 1);
  return [...counts].sort((a, b) => a[0].localeCompare(b[0]));
}

// Moves the selection by `delta` within the visible list, staying at the ends.
export function moveSelection(
  list: readonly EntrySummary[],
  selectedId: string | null,
  delta: 1 | -1,
): string | null {
  if (list.length === 0) return null;
  const index = list.findIndex((e) => e.id === selectedId);
  if (index === -1) return (delta === 1 ? list[0] : list[list.length - 1])?.id ?? null;
  const next = Math.min(list.length - 1, Math.max(0, index + delta));
  return list[next]?.id ?? null;
}

// The text of the toast for changes made by others: "Wi-Fi: password changed by Ann" or "Ann added 3 entries".
export function describeChanges(changes: EventPayload<'entriesChanged'>['changes']): string | null {
  const others = changes.filter((c) => !c.byMe);
  const [first] = others;
  if (!first) return null;
  return others.length === 1 ? describeChange(first) : describeBurst(others);
}

/** The toast when another PC of this person signs in for the first time (a sign-in they did not make shows). */
export function describeDeviceAdded(device: EventPayload<'deviceAdded'>): string {
  const when = new Date(device.at);
  const time = Number.isNaN(when.getTime()) ? device.at : when.toLocaleString();
  return `Signed in on a new PC: ${device.name || device.platform || 'unnamed PC'}, ${time}. Not you? Sign it out in Settings.`;
}
