// The Phoenix wire formats realtime-js speaks: vsn 1.0.0 (JSON objects), vsn 2.0.0 (JSON arrays plus the
// binary "user broadcast" frames of Supabase Realtime's V2 serializer). Decoding never throws: a frame that
// does not parse comes back as null and the connection decides what to do with it.
import { z } from 'zod';

export type Vsn = '1.0.0' | '2.0.0';

/** A broadcast as it travels through the hub: the user payload stays encoded so fan-out encodes once. */
export interface UserBroadcast {
  event: string;
  encoding: 'json' | 'binary';
  /** JSON text (encoding json) or raw bytes (encoding binary). */
  data: Buffer;
  meta?: Record<string, unknown>;
}

export interface InboundMessage {
  joinRef: string | null;
  ref: string | null;
  topic: string;
  event: string;
  /** Parsed JSON payload, or the user broadcast of a binary frame. */
  payload: unknown;
  binary?: UserBroadcast;
}

export interface OutboundMessage {
  joinRef: string | null;
  ref: string | null;
  topic: string;
  event: string;
  payload: unknown;
}

const Ref = z.union([z.string(), z.number().transform(String), z.null()]).optional();

const V1Frame = z.object({
  topic: z.string(),
  event: z.string(),
  payload: z.unknown().optional(),
  ref: Ref,
  join_ref: Ref,
});

const V2Frame = z.tuple([Ref, Ref, z.string(), z.string(), z.unknown()]).rest(z.unknown());

// Binary frame kinds of Supabase Realtime's V2 serializer.
const KIND_USER_BROADCAST_PUSH = 3;
const KIND_USER_BROADCAST = 4;
const JSON_ENCODING = 1;

export function decodeText(vsn: Vsn, text: string): InboundMessage | null {
  let raw: unknown;
  try {
    raw = JSON.parse(text);
  } catch {
    return null;
  }
  if (vsn === '2.0.0') {
    const r = V2Frame.safeParse(raw);
    if (!r.success) return null;
    const [joinRef, ref, topic, event, payload] = r.data;
    return { joinRef: joinRef ?? null, ref: ref ?? null, topic, event, payload };
  }
  const r = V1Frame.safeParse(raw);
  if (!r.success) return null;
  return {
    joinRef: r.data.join_ref ?? null,
    ref: r.data.ref ?? null,
    topic: r.data.topic,
    event: r.data.event,
    payload: r.data.payload,
  };
}

/** Decodes a binary "user broadcast push" (the only binary frame realtime-js sends). */
export function decodeBinary(buf: Buffer): InboundMessage | null {
  const HEADER = 7;
  if (buf.length < HEADER || buf[0] !== KIND_USER_BROADCAST_PUSH) return null;
  const [joinRefLen, refLen, topicLen, eventLen, metaLen, encoding] = [1, 2, 3, 4, 5, 6].map(
    (i) => buf[i] as number,
  ) as [number, number, number, number, number, number];
  const end = HEADER + joinRefLen + refLen + topicLen + eventLen + metaLen;
  if (buf.length < end) return null;
  let at = HEADER;
  const take = (n: number) => {
    const s = buf.subarray(at, at + n);
    at += n;
    return s;
  };
  const joinRef = take(joinRefLen).toString('utf8');
  const ref = take(refLen).toString('utf8');
  const topic = take(topicLen).toString('utf8');
  const event = take(eventLen).toString('utf8');
  const metaText = take(metaLen).toString('utf8');
  const data = Buffer.from(buf.subarray(end));
  let meta: Record<string, unknown> | undefined;
  if (metaLen > 0) {
    try {
      const parsed: unknown = JSON.parse(metaText);
      if (parsed && typeof parsed === 'object' && !Array.isArray(parsed))
        meta = parsed as Record<string, unknown>;
    } catch {
      return null;
    }
  }
  if (encoding === JSON_ENCODING) {
    try {
      JSON.parse(data.toString('utf8'));
    } catch {
      return null;
    }
  }
  const binary: UserBroadcast = {
    event,
    encoding: encoding === JSON_ENCODING ? 'json' : 'binary',
    data,
    ...(meta ? { meta } : {}),
  };
  return { joinRef: joinRef || null, ref: ref || null, topic, event: 'broadcast', payload: null, binary };
}

export function encodeText(vsn: Vsn, m: OutboundMessage): string {
  if (vsn === '2.0.0') return JSON.stringify([m.joinRef, m.ref, m.topic, m.event, m.payload]);
  // The V1 serializer has no join_ref.
  return JSON.stringify({ topic: m.topic, event: m.event, payload: m.payload, ref: m.ref });
}

/**
 * Encodes a broadcast for one vsn: V2 sockets get the binary user-broadcast frame Supabase Realtime sends;
 * V1 sockets get the JSON broadcast (binary payloads cannot travel on V1 and are skipped: null).
 */
export function encodeBroadcast(vsn: Vsn, topic: string, b: UserBroadcast): string | Buffer | null {
  const meta = b.meta ? Buffer.from(JSON.stringify(b.meta)) : Buffer.alloc(0);
  const topicBytes = Buffer.from(topic);
  const eventBytes = Buffer.from(b.event);
  const fitsBinary = topicBytes.length <= 255 && eventBytes.length <= 255 && meta.length <= 255;
  if (vsn === '2.0.0' && (fitsBinary || b.encoding === 'binary')) {
    if (!fitsBinary) return null;
    const header = Buffer.from([
      KIND_USER_BROADCAST,
      topicBytes.length,
      eventBytes.length,
      meta.length,
      b.encoding === 'json' ? JSON_ENCODING : 0,
    ]);
    return Buffer.concat([header, topicBytes, eventBytes, meta, b.data]);
  }
  if (b.encoding === 'binary') return null;
  // The payload is already JSON text: splice it in rather than parse and re-stringify.
  const metaPart = b.meta ? `,"meta":${JSON.stringify(b.meta)}` : '';
  const payload = `{"event":${JSON.stringify(b.event)},"payload":${b.data.toString('utf8')},"type":"broadcast"${metaPart}}`;
  if (vsn === '2.0.0') return `[null,null,${JSON.stringify(topic)},"broadcast",${payload}]`;
  return `{"topic":${JSON.stringify(topic)},"event":"broadcast","payload":${payload},"ref":null}`;
}
