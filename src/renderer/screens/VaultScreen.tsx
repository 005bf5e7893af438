import { useEffect, useRef, useState } from 'preact/hooks';
import type { HealthFlagName } from '../../shared/upkeep';
import { call } from '../api';
import { EntryList } from '../components/EntryList';
import { Icon } from '../components/Icon';
import { DETAIL_PANE_ID, SEARCH_INPUT_ID } from '../dom-ids';
import { visibleEntries } from '../state/app-state';
import { useStore } from '../state/store';
import { EntryEditor } from './EntryEditor';
import { EntryView } from './EntryView';

// List pane (search + entries) and detail pane (entry, editor, or an empty state).
export function VaultScreen() {
  const { state, dispatch } = useStore();
  const view = state.view.kind === 'vault' ? state.view : null;
  const searchRef = useRef<HTMLInputElement>(null);

  useEffect(() => {
    let cancelled = false;
    call('vault.list', { includeDeleted: view?.trash ?? false }).then(
      (r) => !cancelled && dispatch({ type: 'list', vaults: r.vaults, entries: r.entries }),
      () =>
        !cancelled && dispatch({ type: 'toast', kind: 'error', message: 'The vault could not be loaded.' }),
    );
    return () => {
      cancelled = true;
    };
  }, [state.revision, view?.trash]);

  // Password health flags for the list, worked out in the main process from what this person reads.
  const [flags, setFlags] = useState<ReadonlyMap<string, readonly HealthFlagName[]>>(new Map());
  useEffect(() => {
    let cancelled = false;
    call('health.flags', {}).then(
      (r) => !cancelled && setFlags(new Map(r.flags.map((f) => [f.id, f.flags]))),
      () => {},
    );
    return () => {
      cancelled = true;
    };
  }, [state.revision, state.settings?.healthMaxAgeDays]);

  // Search runs in the main process (it also searches notes and fields that summaries do not carry).
  useEffect(() => {
    const query = state.query;
    if (query.trim() === '') return;
    call('vault.search', { query }).then(
      (r) => dispatch({ type: 'searchResults', query, entries: r.entries }),
      () => dispatch({ type: 'searchResults', query, entries: [] }),
    );
  }, [state.query, state.revision]);

  const list = visibleEntries(state);
  const title = view?.trash
    ? 'Deleted'
    : (view?.category ?? state.vaults.find((v) => v.id === view?.vaultId)?.name ?? 'All items');
  const emptyText = state.query
    ? `Nothing matches “${state.query}”.`
    : view?.trash
      ? 'Nothing deleted.'
      : 'No entries yet. Press Ctrl+N to add one.';

  return (
    <div class="vault">
      <section class="list-pane" aria-label="Entry list">
        <div class="list-header">
          <div class="search">
            <Icon name="search" />
            <input
              id={SEARCH_INPUT_ID}
              ref={searchRef}
              type="search"
              class="search-input"
              placeholder="Search (Ctrl+F)"
              aria-label="Search entries"
              value={state.query}
              onInput={(e) => dispatch({ type: 'query', query: e.currentTarget.value })}
              autoComplete="off"
              spellcheck={false}
            />
          </div>
          <button
            type="button"
            class="btn-icon btn-primary-icon"
            aria-label="New entry (Ctrl+N)"
            title="New entry (Ctrl+N)"
            onClick={() => dispatch({ type: 'edit', editing: { mode: 'new' } })}
          >
            <Icon name="plus" />
          </button>
        </div>
        <div class="list-title">
          <span>{title}</span>
          <span class="muted">{list.length}</span>
        </div>
        <EntryList
          entries={list}
          selectedId={state.selectedId}
          onSelect={(id) => dispatch({ type: 'select', id })}
          onOpen={(id) => {
            dispatch({ type: 'select', id });
            document.getElementById(DETAIL_PANE_ID)?.focus();
          }}
          emptyText={emptyText}
          flags={flags}
        />
      </section>
      <section class="detail-pane" id={DETAIL_PANE_ID} tabIndex={-1} aria-label="Entry details">
        {state.editing?.mode === 'new' ? (
          <EntryEditor id={null} />
        ) : state.editing?.mode === 'edit' ? (
          <EntryEditor id={state.editing.id} />
        ) : state.selectedId ? (
          <EntryView id={state.selectedId} />
        ) : (
          <div class="detail-empty">
            <Icon name="key" size={40} />
            <p>Select an entry to see it.</p>
            <p class="muted small">
              <kbd>Ctrl</kbd>+<kbd>F</kbd> search · <kbd>↑</kbd>
              <kbd>↓</kbd> move · <kbd>Ctrl</kbd>+<kbd>C</kbd> copy password · <kbd>Ctrl</kbd>+<kbd>B</kbd>{' '}
              copy username · <kbd>Ctrl</kbd>+<kbd>L</kbd> lock
            </p>
          </div>
        )}
      </section>
    </div>
  );
}
