// How long the last copy stays on the clipboard, in the sidebar footer. The region is always there (a live region
// must exist before its text changes to be announced); the seconds tick visibly but are hidden from screen
// readers, which would otherwise read every second — the copy toast already announced "clears in 30 s", and
// "Clipboard cleared." is announced when the time is up.
import { useEffect, useState } from 'preact/hooks';
import { useStore } from '../state/store';
import { Icon } from './Icon';

// How long "Clipboard cleared." stays on screen.
const CLEARED_SHOWN_MS = 4000;

export function ClipboardCountdown() {
  const { state } = useStore();
  const clearsAt = state.clipboardClearsAt;
  // Re-render a few times a second while counting; the time itself is read at render.
  const [, setTick] = useState(0);
  const now = Date.now();
  const over = clearsAt === null || now >= clearsAt + CLEARED_SHOWN_MS;
  useEffect(() => {
    if (clearsAt === null) return;
    const t = setInterval(() => {
      setTick((n) => n + 1);
      if (Date.now() >= clearsAt + CLEARED_SHOWN_MS) clearInterval(t);
    }, 250);
    return () => clearInterval(t);
  }, [clearsAt]);
  const left = clearsAt === null ? 0 : Math.ceil((clearsAt - now) / 1000);
  return (
    <div class="clipboard-status" role="status">
      {!over && <Icon name="copy" size={14} />}
      {!over && left > 0 && <span aria-hidden="true">Clipboard clears in {left} s</span>}
      {!over && left <= 0 && <span>Clipboard cleared.</span>}
    </div>
  );
}
