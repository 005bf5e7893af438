// Actions used from several places (buttons, keyboard shortcuts).
import type { CopyField } from '../shared/domain';
import { call, errorMessage } from './api';
import type { Action } from './state/app-state';

const COPIED = { password: 'Password', username: 'Username', totp: 'Code' } as const;

/** After any copy: the toast, and the clipboard countdown (the main process clears every copy). */
export function copied(dispatch: (action: Action) => void, what: string, clearsInSeconds: number): void {
  dispatch({
    type: 'toast',
    kind: 'success',
    message: `${what} copied. Clipboard clears in ${clearsInSeconds} s.`,
  });
  dispatch({ type: 'copied', clearsAt: Date.now() + clearsInSeconds * 1000 });
}

// The main process copies and clears the clipboard later; the renderer never holds the value.
export async function copyField(
  id: string,
  field: CopyField,
  dispatch: (action: Action) => void,
): Promise<void> {
  try {
    const { clearsInSeconds } = await call('vault.copy', { id, field });
    copied(dispatch, COPIED[field], clearsInSeconds);
  } catch (err) {
    dispatch({ type: 'toast', kind: 'error', message: errorMessage(err) });
  }
}
