// Wires the pure shortcut mapping to the document while the vault is unlocked.
import { useEffect, useRef } from 'preact/hooks';
import { copyField } from '../actions';
import { call } from '../api';
import { DETAIL_PANE_ID, SEARCH_INPUT_ID } from '../dom-ids';
import { moveSelection, visibleEntries } from './app-state';
import { shortcutFor } from './shortcuts';
import { useStore } from './store';

function isTextField(el: Element | null): boolean {
  if (!el) return false;
  if (el instanceof HTMLTextAreaElement) return true;
  if (el instanceof HTMLInputElement)
    return !['checkbox', 'radio', 'range', 'button', 'submit'].includes(el.type);
  return el instanceof HTMLElement && el.isContentEditable;
}

export function useShortcuts(): void {
  const { state: rendered, dispatch } = useStore();
  // The state of the last render, read at each key press: re-subscribing on every change (after paint) let a
  // quick ArrowDown, Enter reach the old handler, which had no selection yet.
  const latest = useRef(rendered);
  latest.current = rendered;

  useEffect(() => {
    const onKey = (e: KeyboardEvent) => {
      const state = latest.current;
      // A modal dialog owns the keyboard while it is open.
      if (document.querySelector('dialog[open]')) return;
      const active = document.activeElement;
      const action = shortcutFor({
        key: e.key,
        ctrlKey: e.ctrlKey,
        metaKey: e.metaKey,
        altKey: e.altKey,
        shiftKey: e.shiftKey,
        inTextField: isTextField(active),
        inSearch: active?.id === SEARCH_INPUT_ID,
        hasTextSelection: (window.getSelection()?.toString() ?? '') !== '',
        isMac: navigator.platform.startsWith('Mac'),
      });
      if (action === null) return;
      const inVault = state.view.kind === 'vault' && state.editing === null;
      const selected = inVault ? state.selectedId : null;
      switch (action) {
        case 'focusSearch':
          if (state.view.kind !== 'vault')
            dispatch({
              type: 'navigate',
              view: { kind: 'vault', vaultId: null, category: null, trash: false },
            });
          queueMicrotask(() =>
            (document.getElementById(SEARCH_INPUT_ID) as HTMLInputElement | null)?.select(),
          );
          break;
        case 'lock':
          void call('session.lock', {}).then((session) => dispatch({ type: 'session', session }));
          break;
        case 'newEntry':
          if (state.view.kind !== 'vault')
            dispatch({
              type: 'navigate',
              view: { kind: 'vault', vaultId: null, category: null, trash: false },
            });
          dispatch({ type: 'edit', editing: { mode: 'new' } });
          break;
        case 'copyPassword':
        case 'copyUsername':
          if (!selected) return;
          void copyField(selected, action === 'copyPassword' ? 'password' : 'username', dispatch);
          break;
        case 'selectNext':
        case 'selectPrevious':
          if (!inVault) return;
          dispatch({
            type: 'select',
            id: moveSelection(visibleEntries(state), state.selectedId, action === 'selectNext' ? 1 : -1),
          });
          break;
        case 'openSelected':
          if (!selected || active?.tagName === 'BUTTON') return;
          document.getElementById(DETAIL_PANE_ID)?.focus();
          break;
        case 'clearSearch':
          dispatch({ type: 'query', query: '' });
          break;
      }
      e.preventDefault();
    };
    document.addEventListener('keydown', onKey);
    return () => document.removeEventListener('keydown', onKey);
  }, [dispatch]);
}
