// Actions used from several places (buttons, keyboard shortcuts).
import type { CopyField } from '../shared/domain';
import { call, errorMessage } from './api';
import type { Toast } from './state/app-state';

type ShowToast = (kind: Toast['kind'], message: string) => void;

const COPIED = { password: 'Password', username: 'Username', totp: 'Code' } as const;

// The main process copies and clears the clipboard later; the renderer never holds the value.
export async function copyField(id: string, field: CopyField, toast: ShowToast): Promise<void> {
  try {
    const { clearsInSeconds } = await call('vault.copy', { id, field });
    toast(
      'success',
      field === 'username'
        ? 'Username copied.'
        : `${COPIED[field]} copied. Clipboard clears in ${clearsInSeconds} s.`,
    );
  } catch (err) {
    toast('error', errorMessage(err));
  }
}
