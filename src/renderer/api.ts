// The renderer's only way to the main process: window.keyroom, typed from the contract. Failures come back as
// data ({ok:false, error}) and are rethrown here as KeyroomError so screens can show error.message.
import type { KeyroomBridge } from '../shared/api';
import type { CallName, CallRequest, CallResponse, EventName, EventPayload } from '../shared/contract';
import { DEFAULT_MESSAGES, KeyroomError } from '../shared/errors';

declare global {
  interface Window {
    keyroom: KeyroomBridge;
  }
}

export async function call<C extends CallName>(name: C, request: CallRequest<C>): Promise<CallResponse<C>> {
  let result: Awaited<ReturnType<KeyroomBridge['invoke']>>;
  try {
    result = await window.keyroom.invoke(name, request);
  } catch {
    throw new KeyroomError('internal', DEFAULT_MESSAGES.internal);
  }
  if (result.ok) return result.value as CallResponse<C>;
  throw new KeyroomError(result.error.code, result.error.message);
}

export function on<E extends EventName>(name: E, listener: (payload: EventPayload<E>) => void): () => void {
  return window.keyroom.subscribe(name, listener);
}

export function errorMessage(error: unknown): string {
  return error instanceof KeyroomError ? error.message : DEFAULT_MESSAGES.internal;
}
