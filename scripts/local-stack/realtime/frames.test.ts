// The wire codec against realtime-js's own serializer: what it encodes we decode, what we encode it decodes.
import { describe, expect, it } from 'vitest';
import { decodeBinary, decodeText, encodeBroadcast, encodeText } from './frames';

// realtime-js's Serializer (the vsn 2.0.0 codec of the client) from the installed package.
const { default: Serializer } = (await import(
  '@supabase/realtime-js/dist/module/lib/serializer.js' as string
)) as {
  default: new () => {
    encode(msg: unknown, cb: (out: string | ArrayBuffer) => void): void;
    decode(raw: string | ArrayBuffer, cb: (msg: unknown) => void): void;
  };
};
const client = new Serializer();
const clientEncode = (msg: unknown): string | ArrayBuffer => {
  const out: Array<string | ArrayBuffer> = [];
  client.encode(msg, (o) => out.push(o));
  return out[0] ?? '';
};
const clientDecode = (raw: string | Buffer) => {
  let msg: unknown;
  const input = typeof raw === 'string' ? raw : raw.buffer.slice(raw.byteOffset, raw.byteOffset + raw.length);
  client.decode(input as string | ArrayBuffer, (m) => {
    msg = m;
  });
  return msg;
};

describe('decoding what realtime-js sends', () => {
  it('reads a JSON broadcast push as a binary user broadcast with its refs, topic and event', () => {
    const out = clientEncode({
      join_ref: '3',
      ref: '17',
      topic: 'realtime:room',
      event: 'broadcast',
      payload: { type: 'broadcast', event: 'hello', payload: { a: [1, 'é'] } },
    });
    expect(out).toBeInstanceOf(ArrayBuffer);
    const msg = decodeBinary(Buffer.from(out as ArrayBuffer));
    expect(msg).toMatchObject({ joinRef: '3', ref: '17', topic: 'realtime:room', event: 'broadcast' });
    expect(msg?.binary?.event).toBe('hello');
    expect(msg?.binary?.encoding).toBe('json');
    expect(JSON.parse(msg?.binary?.data.toString('utf8') ?? '')).toEqual({ a: [1, 'é'] });
  });

  it('reads a binary payload push byte for byte', () => {
    const bytes = new Uint8Array([0, 1, 254, 255]).buffer;
    const out = clientEncode({
      join_ref: '1',
      ref: '2',
      topic: 'realtime:bin',
      event: 'broadcast',
      payload: { type: 'broadcast', event: 'blob', payload: bytes },
    });
    const msg = decodeBinary(Buffer.from(out as ArrayBuffer));
    expect(msg?.binary?.encoding).toBe('binary');
    expect([...(msg?.binary?.data ?? [])]).toEqual([0, 1, 254, 255]);
  });

  it('reads v2 arrays and v1 objects, and refuses what is neither', () => {
    const text = clientEncode({
      join_ref: null,
      ref: '5',
      topic: 'phoenix',
      event: 'heartbeat',
      payload: {},
    });
    expect(decodeText('2.0.0', text as string)).toEqual({
      joinRef: null,
      ref: '5',
      topic: 'phoenix',
      event: 'heartbeat',
      payload: {},
    });
    expect(decodeText('1.0.0', '{"topic":"t","event":"e","payload":{"x":1},"ref":7}')).toEqual({
      joinRef: null,
      ref: '7',
      topic: 't',
      event: 'e',
      payload: { x: 1 },
    });
    for (const bad of ['', '{', '[]', '{"topic":"t"}', '[null,null,1,"e",{}]', 'null']) {
      expect(decodeText('2.0.0', bad)).toBeNull();
    }
    expect(decodeText('1.0.0', '[null,"1","t","e",{}]')).toBeNull();
  });

  it('refuses truncated, unknown or inconsistent binary frames', () => {
    expect(decodeBinary(Buffer.alloc(0))).toBeNull();
    expect(decodeBinary(Buffer.from([4, 0, 0, 0, 0, 0, 0]))).toBeNull();
    expect(decodeBinary(Buffer.from([3, 9, 9, 9, 9, 9, 1, 0x61]))).toBeNull();
    // JSON encoding announced, but the payload is not JSON.
    expect(decodeBinary(Buffer.from([3, 0, 0, 1, 1, 0, 1, 0x74, 0x65, 0x7b]))).toBeNull();
  });
});

describe('encoding what realtime-js reads', () => {
  it('frames a broadcast for vsn 2.0.0 as a binary user broadcast the client decodes', () => {
    const frame = encodeBroadcast('2.0.0', 'realtime:vault:1', {
      event: 'entry',
      encoding: 'json',
      data: Buffer.from('{"seq":3}'),
      meta: { id: 'm-1' },
    });
    expect(Buffer.isBuffer(frame)).toBe(true);
    expect(clientDecode(frame as Buffer)).toEqual({
      join_ref: null,
      ref: null,
      topic: 'realtime:vault:1',
      event: 'broadcast',
      payload: { type: 'broadcast', event: 'entry', payload: { seq: 3 }, meta: { id: 'm-1' } },
    });
  });

  it('frames a broadcast for vsn 1.0.0 as the JSON broadcast, and skips binary payloads there', () => {
    const frame = encodeBroadcast('1.0.0', 'realtime:r', {
      event: 'e',
      encoding: 'json',
      data: Buffer.from('[1]'),
    });
    expect(JSON.parse(frame as string)).toEqual({
      topic: 'realtime:r',
      event: 'broadcast',
      payload: { event: 'e', payload: [1], type: 'broadcast' },
      ref: null,
    });
    expect(
      encodeBroadcast('1.0.0', 'realtime:r', { event: 'e', encoding: 'binary', data: Buffer.from([1]) }),
    ).toBeNull();
  });

  it('falls back to JSON when a topic is too long for the binary header', () => {
    const topic = `realtime:${'t'.repeat(300)}`;
    const frame = encodeBroadcast('2.0.0', topic, { event: 'e', encoding: 'json', data: Buffer.from('{}') });
    expect(clientDecode(frame as string)).toMatchObject({
      topic,
      event: 'broadcast',
      payload: { event: 'e' },
    });
  });

  it('encodes replies as v2 arrays and v1 objects', () => {
    const reply = {
      joinRef: '1',
      ref: '2',
      topic: 'realtime:x',
      event: 'phx_reply',
      payload: { status: 'ok' },
    };
    expect(clientDecode(encodeText('2.0.0', reply))).toEqual({
      join_ref: '1',
      ref: '2',
      topic: 'realtime:x',
      event: 'phx_reply',
      payload: { status: 'ok' },
    });
    expect(JSON.parse(encodeText('1.0.0', reply))).toEqual({
      topic: 'realtime:x',
      event: 'phx_reply',
      payload: { status: 'ok' },
      ref: '2',
    });
  });
});
