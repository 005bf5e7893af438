// Keyboard shortcuts of the vault screen, as a pure mapping from a key press to an action. Ctrl on Windows and
// Linux, Cmd on macOS. Ctrl+C only means "copy password" when no text is selected and focus is not in a text
// field, so normal copying of selected text keeps working.

export type ShortcutAction =
  | 'focusSearch'
  | 'copyPassword'
  | 'copyUsername'
  | 'lock'
  | 'newEntry'
  | 'selectNext'
  | 'selectPrevious'
  | 'openSelected'
  | 'clearSearch';

export interface KeyPress {
  key: string;
  ctrlKey: boolean;
  metaKey: boolean;
  altKey: boolean;
  shiftKey: boolean;
  // Focus is in an input, textarea or contenteditable.
  inTextField: boolean;
  // Focus is in the search box (arrows and Enter still drive the list from there).
  inSearch: boolean;
  hasTextSelection: boolean;
  isMac: boolean;
}

export function shortcutFor(press: KeyPress): ShortcutAction | null {
  const mod = press.isMac ? press.metaKey && !press.ctrlKey : press.ctrlKey && !press.metaKey;
  const key = press.key.length === 1 ? press.key.toLowerCase() : press.key;
  if (mod && !press.altKey && !press.shiftKey) {
    switch (key) {
      case 'f':
        return 'focusSearch';
      case 'l':
        return 'lock';
      case 'n':
        return 'newEntry';
      case 'b':
        return press.inTextField && !press.inSearch ? null : 'copyUsername';
      case 'c':
        return press.hasTextSelection || (press.inTextField && !press.inSearch) ? null : 'copyPassword';
      default:
        return null;
    }
  }
  if (press.ctrlKey || press.metaKey || press.altKey) return null;
  if (press.inTextField && !press.inSearch) return null;
  switch (key) {
    case 'ArrowDown':
      return 'selectNext';
    case 'ArrowUp':
      return 'selectPrevious';
    case 'Enter':
      return 'openSelected';
    case 'Escape':
      return press.inSearch ? 'clearSearch' : null;
    default:
      return null;
  }
}
