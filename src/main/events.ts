// Pushes contract events to the renderer(s). Payloads are validated here too: an event is an output of the main
// process like a call response, and the same "nothing undeclared leaves" rule applies.
import { type EventName, eventChannel } from '../shared/channels';
import { type EventPayload, events } from '../shared/contract';

export interface EventTarget {
  isDestroyed(): boolean;
  send(channel: string, payload: unknown): void;
}

export type EmitEvent = <E extends EventName>(name: E, payload: EventPayload<E>) => void;

export function createEventEmitter(targets: () => readonly EventTarget[]): EmitEvent {
  return (name, payload) => {
    const parsed = events[name].safeParse(payload);
    if (!parsed.success) throw new Error(`event ${name} does not match the contract`);
    for (const target of targets()) {
      if (!target.isDestroyed()) target.send(eventChannel(name), parsed.data);
    }
  };
}
