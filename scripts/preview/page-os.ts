// PREVIEW ONLY, in the browser page: the two OS pieces the Electron main process owns and a browser page has to do
// itself. The file input stands in for Electron's open dialog (the bytes go to the host, whose app import code
// reads them under the same cap with the same errors); navigator.clipboard stands in for the OS clipboard. In
// Electron the renderer never sees a copied secret; here the shim does (the renderer still does not: the shim keeps
// these messages to itself), which the preview accepts because its host holds every secret on this machine anyway.
import { PAGE_FILE_MAX_BYTES, type PageFile } from './protocol';

// The same filters Electron's dialog offers first (src/main/handlers/import.ts).
const ACCEPT = {
  import: '.csv,.txt,.json,text/csv,text/plain,application/json',
  backup: '.keyroom-backup',
} as const;

function base64Of(file: File): Promise<string> {
  return new Promise((resolve, reject) => {
    const reader = new FileReader();
    reader.onload = () => {
      const url = String(reader.result);
      resolve(url.slice(url.indexOf(',') + 1));
    };
    reader.onerror = () => reject(reader.error);
    reader.readAsDataURL(file);
  });
}

async function pageFile(file: File): Promise<PageFile> {
  // Over the cap: only the size goes, and the host refuses it unread, as the app does a large file.
  if (file.size > PAGE_FILE_MAX_BYTES) return { name: file.name, size: file.size, base64: '' };
  // A file that cannot be read (gone since it was chosen) arrives without its bytes: "could not be opened".
  const base64 = await base64Of(file).catch(() => '');
  return { name: file.name, size: file.size, base64 };
}

/**
 * Opens the browser's file chooser; must be called while the click that asked for it is being handled (a
 * browser opens a chooser only on a user's gesture). Null when the person cancels.
 */
export function chooseFile(kind: keyof typeof ACCEPT): Promise<PageFile | null> {
  return new Promise((resolve) => {
    const input = document.createElement('input');
    input.type = 'file';
    input.accept = ACCEPT[kind];
    input.hidden = true;
    const done = (file: PageFile | null) => {
      input.remove();
      resolve(file);
    };
    input.addEventListener('cancel', () => done(null));
    input.addEventListener('change', () => {
      const file = input.files?.[0];
      if (file) void pageFile(file).then(done);
      else done(null);
    });
    document.body.append(input);
    input.click();
  });
}

async function digest(text: string): Promise<string> {
  const hash = await crypto.subtle.digest('SHA-256', new TextEncoder().encode(text));
  return [...new Uint8Array(hash)].map((b) => b.toString(16).padStart(2, '0')).join('');
}

async function mayRead(): Promise<boolean> {
  try {
    const status = await navigator.permissions.query({ name: 'clipboard-read' as PermissionName });
    return status.state === 'granted';
  } catch {
    return false;
  }
}

/**
 * The browser's clipboard, written and cleared on the host's word, like the main process's clipboard guard: the
 * clear removes the value only if the clipboard still holds it (a hash is kept meanwhile, not the value). Where
 * the page may not read the clipboard (no permission granted: asking would pop a prompt 30 s after the copy), it
 * clears without looking, since a password left on the clipboard is worse than losing what the person copied.
 */
export function createPageClipboard(): { write(text: string): void; clear(): void } {
  let ours: string | null = null;
  // Writes and clears run in the order the host sent them.
  let queue = Promise.resolve();
  const then = (step: () => Promise<void>) => {
    queue = queue.then(step).catch(() => {});
  };
  return {
    write(text) {
      then(async () => {
        ours = null;
        await navigator.clipboard.writeText(text);
        ours = await digest(text);
      });
    },
    clear() {
      then(async () => {
        const mine = ours;
        ours = null;
        if (mine === null) return;
        if (await mayRead()) {
          const now = await navigator.clipboard.readText();
          if ((await digest(now)) !== mine) return;
        }
        await navigator.clipboard.writeText('');
      });
    },
  };
}
