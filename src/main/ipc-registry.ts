// Registers one ipcMain handler per contract call. Each handler: refuses untrusted senders, parses the request
// with the contract's schema, runs the implementation, then parses the response (which also strips any field
// the contract does not declare, so a stray secret in an implementation's result never reaches the renderer).
// Failures travel as {ok:false, error:{code, message}}; unexpected errors get a generic message, never their own.
import type { z } from 'zod';
import { CALL_NAMES, type CallName, callChannel } from '../shared/channels';
import { type CallResponse, type Calls, calls } from '../shared/contract';
import { DEFAULT_MESSAGES, type IpcResult, KeyroomError } from '../shared/errors';
import { type IpcEventLike, isTrustedSender } from './sender';

export type CallInput<C extends CallName> = z.output<Calls[C]['request']>;

export type CallHandler<C extends CallName> = (
  request: CallInput<C>,
) => Promise<z.input<Calls[C]['response']>> | z.input<Calls[C]['response']>;

export type Handlers = { [C in CallName]: CallHandler<C> };

export interface IpcMainLike {
  handle(channel: string, listener: (event: IpcEventLike, ...args: unknown[]) => Promise<unknown>): void;
  removeHandler(channel: string): void;
}

// Receives unexpected failures so they can be logged by the caller; gets the call name and the error only.
export type FailureReporter = (call: CallName, error: unknown) => void;

export async function dispatch<C extends CallName>(
  name: C,
  handler: CallHandler<C>,
  event: IpcEventLike,
  rawRequest: unknown,
  report: FailureReporter,
): Promise<IpcResult<CallResponse<C>>> {
  if (!isTrustedSender(event)) {
    return { ok: false, error: { code: 'forbidden', message: DEFAULT_MESSAGES.forbidden } };
  }
  const contract = calls[name];
  const request = contract.request.safeParse(rawRequest ?? {});
  if (!request.success) {
    return { ok: false, error: { code: 'invalid_request', message: firstIssue(request.error) } };
  }
  try {
    const result = await handler(request.data as CallInput<C>);
    const response = contract.response.safeParse(result);
    if (!response.success) {
      report(name, new Error(`response of ${name} does not match the contract`));
      return { ok: false, error: { code: 'internal', message: DEFAULT_MESSAGES.internal } };
    }
    return { ok: true, value: response.data as CallResponse<C> };
  } catch (error) {
    if (error instanceof KeyroomError) return { ok: false, error: error.toIpc() };
    report(name, error);
    return { ok: false, error: { code: 'internal', message: DEFAULT_MESSAGES.internal } };
  }
}

// Issue messages name the field and the rule, never the submitted value.
function firstIssue(error: z.ZodError): string {
  const issue = error.issues[0];
  if (!issue) return DEFAULT_MESSAGES.invalid_request;
  const where = issue.path.length > 0 ? `${issue.path.join('.')}: ` : '';
  return `${where}${issue.message}`.slice(0, 500);
}

export function registerIpcHandlers(
  ipcMain: IpcMainLike,
  handlers: Handlers,
  report: FailureReporter,
): () => void {
  for (const name of CALL_NAMES) {
    const handler = handlers[name] as CallHandler<typeof name>;
    ipcMain.handle(callChannel(name), (event, request) => dispatch(name, handler, event, request, report));
  }
  return () => {
    for (const name of CALL_NAMES) ipcMain.removeHandler(callChannel(name));
  };
}
