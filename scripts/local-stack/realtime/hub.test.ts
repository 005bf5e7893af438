// Rooms, fan-out filtering and presence diffs of the hub, with peers that record their frames.
import { describe, expect, it } from 'vitest';
import type { Vsn } from './frames';
import { Hub, type Peer, type Subscription } from './hub';
import { NO_ACCESS, type Policies } from './policies';

class RecordingPeer implements Peer {
  readonly frames: Array<string | Buffer> = [];
  constructor(readonly vsn: Vsn = '2.0.0') {}
  sendRaw(frame: string | Buffer): void {
    this.frames.push(frame);
  }
  json(): unknown[] {
    return this.frames.filter((f): f is string => typeof f === 'string').map((f) => JSON.parse(f));
  }
}

function sub(peer: Peer, subTopic: string, extra: Partial<Subscription> = {}): Subscription {
  return {
    peer,
    topic: `realtime:${subTopic}`,
    subTopic,
    private: false,
    self: false,
    ack: false,
    presenceKey: 'k',
    presenceEnabled: false,
    joinRef: '1',
    token: 't',
    claims: { role: 'authenticated', exp: 0 },
    policies: null,
    presence: null,
    closed: false,
    ...extra,
  };
}

const reader: Policies = { ...NO_ACCESS, broadcastRead: true };
const json = { event: 'e', encoding: 'json' as const, data: Buffer.from('{"x":1}') };

describe('broadcast', () => {
  it('keeps private and public rooms of one name apart and skips the sender and non-readers', () => {
    const hub = new Hub();
    const [pub, priv, denied, sender] = [0, 1, 2, 3].map(() => new RecordingPeer());
    hub.add(sub(pub!, 'room'));
    hub.add(sub(priv!, 'room', { private: true, policies: reader }));
    hub.add(sub(denied!, 'room', { private: true, policies: NO_ACCESS }));
    const from = sub(sender!, 'room', { private: true, policies: reader });
    hub.add(from);

    expect(hub.broadcast(true, 'room', json, from)).toBe(1);
    expect(priv!.frames).toHaveLength(1);
    expect(pub!.frames).toHaveLength(0);
    expect(denied!.frames).toHaveLength(0);
    expect(sender!.frames).toHaveLength(0);
    expect(hub.broadcast(false, 'room', json)).toBe(1);
    expect(pub!.frames).toHaveLength(1);
  });

  it('encodes once per protocol version', () => {
    const hub = new Hub();
    const a = new RecordingPeer('2.0.0');
    const b = new RecordingPeer('2.0.0');
    const c = new RecordingPeer('1.0.0');
    for (const p of [a, b, c]) hub.add(sub(p, 'room'));
    hub.broadcast(false, 'room', json);
    expect(a.frames[0]).toBe(b.frames[0]);
    expect(typeof c.frames[0]).toBe('string');
  });
});

describe('presence', () => {
  it('sends joins, updates (with phx_ref_prev) and leaves; an unchanged payload is a no-op', () => {
    const hub = new Hub();
    const watcher = new RecordingPeer();
    const me = new RecordingPeer();
    hub.add(sub(watcher, 'office', { presenceKey: 'w' }));
    const mine = sub(me, 'office', { presenceKey: 'ann' });
    hub.add(mine);

    hub.track(mine, { v: 1 });
    hub.track(mine, { v: 1 });
    hub.track(mine, { v: 2 });
    hub.remove(mine);
    const diffs = watcher.json().map((f) => (f as unknown[])[4]) as Array<{
      joins: Record<string, { metas: Array<Record<string, unknown>> }>;
      leaves: Record<string, { metas: Array<Record<string, unknown>> }>;
    }>;
    expect(diffs).toHaveLength(3);
    const first = diffs[0]?.joins.ann?.metas[0];
    expect(first).toMatchObject({ v: 1, phx_ref: expect.any(String) });
    expect(diffs[1]?.joins.ann?.metas[0]).toMatchObject({ v: 2, phx_ref_prev: first?.phx_ref });
    expect(diffs[1]?.leaves.ann?.metas[0]).toEqual(first);
    expect(diffs[2]).toEqual({ joins: {}, leaves: { ann: { metas: [expect.objectContaining({ v: 2 })] } } });
    expect(hub.presenceState(sub(watcher, 'office'))).toEqual({});
  });

  it('groups the state by key and withholds diffs from private members without presence read', () => {
    const hub = new Hub();
    const blind = new RecordingPeer();
    const a = sub(new RecordingPeer(), 'office', { private: true, presenceKey: 'same', policies: reader });
    const b = sub(new RecordingPeer(), 'office', { private: true, presenceKey: 'same', policies: reader });
    hub.add(sub(blind, 'office', { private: true, policies: reader }));
    hub.add(a);
    hub.add(b);
    hub.track(a, { pc: 1 });
    hub.track(b, { pc: 2 });
    expect(hub.presenceState(a).same?.metas.map((m) => m.pc)).toEqual([1, 2]);
    expect(blind.frames).toEqual([]);
  });
});
