// The type of `window.keyroom`, the only thing the preload exposes to the renderer.
import type { CallName, CallRequest, CallResponse, EventName, EventPayload } from './contract';
import type { IpcResult } from './errors';

export interface KeyroomBridge {
  invoke<C extends CallName>(call: C, request: CallRequest<C>): Promise<IpcResult<CallResponse<C>>>;
  // Returns the function that unsubscribes this listener.
  subscribe<E extends EventName>(event: E, listener: (payload: EventPayload<E>) => void): () => void;
}
