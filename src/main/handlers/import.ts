// Import calls: the main process asks the OS for a file, reads it under the size cap and hands the text to the
// core, which returns a plan. The renderer gets the plan's preview (no passwords, no notes) and an id to run or
// drop it; the plaintext rows stay here, and are dropped when the session locks.
import { randomUUID } from 'node:crypto';
import { readFile, stat } from 'node:fs/promises';
import { basename } from 'node:path';
import type { ImportPlan, KeyroomCore } from '../../core';
import { openSealedExport } from '../../core/vault/export';
import { isSealedExport } from '../../core/vault/import/bitwarden-json';
import { IMPORT_MAX_BYTES } from '../../core/vault/import/parse';
import { KeyroomError } from '../../shared/errors';
import type { Handlers } from '../ipc-registry';
import { mapped } from './errors';
import type { HandlerOs } from './os';

/** A file the person chose: its name, its size as reported before reading, and its bytes. */
export interface ChosenFile {
  name: string;
  size(): Promise<number>;
  bytes(): Promise<Uint8Array>;
}

/**
 * The file chooser, injected: Electron's dialog in the app; in the browser preview, the page's own file input,
 * whose bytes the host receives with the call. Either way the bytes are read and decoded here, under one cap.
 */
export interface ImportFilePicker {
  /** The chosen file, or null when the person cancels; `kind` sets the dialog's title and filters. */
  choose(kind?: FileKind): Promise<ChosenFile | null>;
}

/** What the open dialog is asked for: exported passwords to import, or an office backup to restore. */
export type FileKind = 'import' | 'backup';

const DIALOGS: Record<FileKind, Omit<OpenDialogOptions, 'properties'>> = {
  import: {
    title: 'Import passwords',
    filters: [
      { name: 'Exported passwords (CSV, Bitwarden JSON)', extensions: ['csv', 'txt', 'json'] },
      { name: 'All files', extensions: ['*'] },
    ],
  },
  backup: {
    title: 'Restore from a backup',
    filters: [
      { name: 'Keyroom office backup', extensions: ['keyroom-backup'] },
      { name: 'All files', extensions: ['*'] },
    ],
  },
};

export interface OpenDialogOptions {
  title: string;
  properties: ['openFile'];
  filters: { name: string; extensions: string[] }[];
}

/** A file on this machine, by path (what Electron's dialog answers). */
export function fileAt(path: string): ChosenFile {
  return {
    name: basename(path),
    async size() {
      const info = await stat(path).catch(() => null);
      if (!info?.isFile()) throw new KeyroomError('not_found', 'That file could not be opened.');
      return info.size;
    },
    bytes: () => readFile(path),
  };
}

/** The picker over Electron's dialog.showOpenDialog (passed in, so this file stays free of Electron). */
export function dialogPicker(
  show: (options: OpenDialogOptions) => Promise<{ canceled: boolean; filePaths: string[] }>,
): ImportFilePicker {
  return {
    async choose(kind = 'import') {
      const r = await show({ ...DIALOGS[kind], properties: ['openFile'] });
      const path = r.canceled ? undefined : r.filePaths[0];
      return path === undefined ? null : fileAt(path);
    },
  };
}

/** Reads an exported file as text (UTF-8, else Windows-1252); a file over the cap is refused unread. */
export async function readImportFile(file: ChosenFile): Promise<{ name: string; text: string }> {
  if ((await file.size()) > IMPORT_MAX_BYTES) throw tooLarge();
  const bytes = await file.bytes();
  // The size was reported before reading; what was read is what counts.
  if (bytes.byteLength > IMPORT_MAX_BYTES) {
    bytes.fill(0);
    throw tooLarge();
  }
  let text: string;
  try {
    text = new TextDecoder('utf-8', { fatal: true }).decode(bytes);
  } catch {
    // Not UTF-8: Excel's plain "CSV" on Windows is saved as Windows-1252; the preview shows the titles, so a
    // wrong guess is seen before anything is imported.
    text = new TextDecoder('windows-1252').decode(bytes);
  } finally {
    bytes.fill(0);
  }
  return { name: file.name.slice(0, 260), text };
}

function looksSealed(text: string): boolean {
  if (!text.trimStart().startsWith('{')) return false;
  try {
    return isSealedExport(JSON.parse(text));
  } catch {
    return false;
  }
}

function sealedPreview(importId: string, vaultId: string, fileName: string) {
  return {
    importId,
    fileName,
    vaultId,
    sealed: true,
    format: 'sealedjson',
    formatName: 'Keyroom (protected)',
    rows: 0,
    ready: 0,
    problemLines: 0,
    problems: [],
    duplicateCount: 0,
    duplicates: [],
    sample: [],
  };
}

function tooLarge(): KeyroomError {
  return new KeyroomError('invalid_request', 'This file is larger than 10 MB, too large to import.');
}

type ImportHandlers = Pick<Handlers, 'import.choose' | 'import.run' | 'import.cancel' | 'import.unseal'>;

export function importHandlers(
  core: KeyroomCore,
  os: Pick<HandlerOs, 'importFiles' | 'emit'>,
): ImportHandlers {
  // One import at a time: choosing another file drops the previous plan.
  const plans = new Map<string, ImportPlan>();
  // A sealed Keyroom export waiting for its passphrase: ciphertext only, kept like a plan.
  const sealed = new Map<string, { vaultId: string; fileName: string; text: string }>();
  core.events.on('sessionChanged', (s) => {
    if (s.state !== 'unlocked') {
      plans.clear();
      sealed.clear();
    }
  });
  const planOf = (importId: string) => {
    const plan = plans.get(importId);
    if (!plan) throw new KeyroomError('not_found', 'Choose the file again: this import is no longer open.');
    return plan;
  };
  return {
    'import.choose': mapped(async ({ vaultId }) => {
      const chosen = await os.importFiles.choose();
      if (chosen === null) return null;
      const file = await readImportFile(chosen);
      plans.clear();
      sealed.clear();
      const importId = randomUUID();
      if (looksSealed(file.text)) {
        sealed.set(importId, { vaultId, fileName: file.name, text: file.text });
        return sealedPreview(importId, vaultId, file.name);
      }
      const plan = core.importEntries(vaultId, file.text);
      plans.set(importId, plan);
      return { importId, fileName: file.name, ...plan.preview };
    }),
    'import.unseal': mapped(async ({ importId, passphrase }) => {
      const file = sealed.get(importId);
      if (!file) throw new KeyroomError('not_found', 'Choose the file again: this import is no longer open.');
      const json = await openSealedExport(file.text, passphrase);
      const plan = core.importEntries(file.vaultId, json);
      sealed.delete(importId);
      plans.set(importId, plan);
      return { importId, fileName: file.fileName, ...plan.preview };
    }),
    'import.run': mapped(async ({ importId, includeDuplicates }) => {
      const plan = planOf(importId);
      plans.delete(importId);
      return plan.commit({
        includeDuplicates,
        onProgress: (done, total) => os.emit('importProgress', { importId, done, total }),
      });
    }),
    'import.cancel': mapped(({ importId }) => {
      plans.delete(importId);
      sealed.delete(importId);
      return null;
    }),
  };
}
