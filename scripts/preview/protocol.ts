// The preview bridge's wire format: the browser shim plays the preload, the host plays ipcMain. Calls carry
// the contract name and the raw request (the host validates it with the contract, through dispatch());
// results are the same {ok, value | error} envelope Electron's IPC returns; events are the contract's events.
import { z } from 'zod';

export const BRIDGE_PATH = '/bridge';
export const SHIM_PATH = '/preview-shim.js';

// A profile is one simulated PC: its own core, cache directory and session.
export const profileSchema = z.string().regex(/^[A-Za-z0-9-]{1,64}$/);

export const clientMessageSchema = z
  .object({
    t: z.literal('invoke'),
    id: z.number().int().nonnegative(),
    call: z.string().max(64),
    request: z.unknown(),
  })
  .strict();
export type ClientMessage = z.infer<typeof clientMessageSchema>;

export type HostMessage =
  | { t: 'result'; id: number; result: unknown }
  | { t: 'event'; name: string; payload: unknown };

export const hostMessageSchema = z.discriminatedUnion('t', [
  z.object({ t: z.literal('result'), id: z.number().int().nonnegative(), result: z.unknown() }),
  z.object({ t: z.literal('event'), name: z.string(), payload: z.unknown() }),
]);

// Big enough for any contract request (the largest is an entry with notes and custom fields).
export const MAX_MESSAGE_BYTES = 1024 * 1024;
