// The preview bridge's wire format: the browser shim plays the preload, the host plays ipcMain. Calls carry
// the contract name and the raw request (the host validates it with the contract, through dispatch());
// results are the same {ok, value | error} envelope Electron's IPC returns; events are the contract's events.
// Two things exist only here, never on Electron's IPC (see PreviewPageMessage and pageFileSchema): the browser
// page has no main process to own the OS clipboard or show a file dialog, so the page does both itself.
import { z } from 'zod';

export const BRIDGE_PATH = '/bridge';
export const SHIM_PATH = '/preview-shim.js';

// A profile is one simulated PC: its own core, cache directory and session.
export const profileSchema = z.string().regex(/^[A-Za-z0-9-]{1,64}$/);

// The core's import cap (IMPORT_MAX_BYTES, 10 MB; not imported: this file is bundled into the browser shim).
// The shim sends no bytes for a larger file, only its size, and the host refuses it with the app's words.
export const PAGE_FILE_MAX_BYTES = 10 * 1024 * 1024;

// PREVIEW ONLY, never on Electron's IPC: the file the page's own <input type=file> chose, sent with an
// `import.choose` call in place of Electron's dialog (null: the person cancelled). The host reads and decodes
// it with the app's own import code (same cap, same errors).
export const pageFileSchema = z
  .object({
    name: z.string().max(1024),
    size: z.number().int().nonnegative(),
    base64: z.string().max(Math.ceil(PAGE_FILE_MAX_BYTES / 3) * 4),
  })
  .strict();
export type PageFile = z.infer<typeof pageFileSchema>;

export const clientMessageSchema = z
  .object({
    t: z.literal('invoke'),
    id: z.number().int().nonnegative(),
    call: z.string().max(64),
    request: z.unknown(),
    file: pageFileSchema.nullable().optional(),
  })
  .strict();
export type ClientMessage = z.infer<typeof clientMessageSchema>;

// PREVIEW ONLY, never on Electron's IPC: the copied value goes to the page, which writes it to the browser's
// clipboard with navigator.clipboard (there is no main process to own the OS clipboard), and later the order
// to clear it. In Electron the main process writes and clears the OS clipboard and nothing secret reaches the
// renderer; the preview is a demo whose host already holds every secret on the same machine. The shim keeps
// these messages to itself: the renderer never sees them.
export type PreviewPageMessage = { t: 'clipboardWrite'; text: string } | { t: 'clipboardClear' };

export type HostMessage =
  | { t: 'result'; id: number; result: unknown }
  | { t: 'event'; name: string; payload: unknown }
  | PreviewPageMessage;

export const hostMessageSchema = z.discriminatedUnion('t', [
  z.object({ t: z.literal('result'), id: z.number().int().nonnegative(), result: z.unknown() }),
  z.object({ t: z.literal('event'), name: z.string(), payload: z.unknown() }),
  z.object({ t: z.literal('clipboardWrite'), text: z.string() }),
  z.object({ t: z.literal('clipboardClear') }),
]);

// Big enough for any contract request (the largest is an entry with notes and custom fields) and for an
// import file up to the cap, base64-encoded.
export const MAX_MESSAGE_BYTES = Math.ceil(PAGE_FILE_MAX_BYTES / 3) * 4 + 1024 * 1024;
