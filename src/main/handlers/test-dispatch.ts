// For the handler tests: a call goes through dispatch() exactly as an IPC message from the app's own window
// would (origin check, zod on the request and the answer), against a session's real handlers.
import type { CoreSession } from '../../../scripts/preview/session';
import type { CallName, CallRequest, CallResponse } from '../../shared/contract';
import type { IpcResult } from '../../shared/errors';
import { type CallHandler, dispatch } from '../ipc-registry';
import { APP_ORIGIN } from '../sender';

const frame = { url: `${APP_ORIGIN}/index.html` };
const sender = { senderFrame: frame, sender: { mainFrame: frame } };

export function call<C extends CallName>(
  session: CoreSession,
  name: C,
  request: CallRequest<C>,
): Promise<IpcResult<CallResponse<C>>> {
  const handler = session.handlers[name] as CallHandler<C>;
  return dispatch(name, handler, sender, request, () => {}) as Promise<IpcResult<CallResponse<C>>>;
}

/** The answer of a call that must succeed; a refusal fails the test with its code and words. */
export async function answer<C extends CallName>(
  session: CoreSession,
  name: C,
  request: CallRequest<C>,
): Promise<CallResponse<C>> {
  const result = await call(session, name, request);
  if (!result.ok) throw new Error(`${name}: ${result.error.code} ${result.error.message}`);
  return result.value;
}

/** The signed-in user's id of an unlocked session. */
export function userId(session: CoreSession): string {
  const s = session.core.state;
  if (s.state !== 'unlocked') throw new Error(`not unlocked: ${s.state}`);
  return s.user.id;
}
