// Request bodies: read with a size cap so one huge upload cannot exhaust memory, and parse JSON once.
import type { IncomingMessage } from 'node:http';

/** Like the body limits of Kong and GoTrue in front of a real project: big enough for any Keyroom payload. */
export const MAX_BODY_BYTES = 1024 * 1024;

export class BodyTooLargeError extends Error {
  constructor(readonly limit: number) {
    super(`Request body exceeds the limit of ${limit} bytes`);
  }
}

export class InvalidJsonError extends Error {
  constructor(message = 'Request body is not valid JSON') {
    super(message);
  }
}

/** Valid JSON, refused for its depth (see MAX_JSON_DEPTH); an InvalidJsonError to callers that do not care. */
export class JsonTooDeepError extends InvalidJsonError {}

/**
 * Deepest nesting of arrays and objects a JSON body may have. A stand-in limit: JSON.parse takes any depth, but
 * JSON.stringify and every recursive walk after it overflow the stack (a 500) long before PostgreSQL's own JSON
 * parser gives up (54001 past some ten thousand levels). No Keyroom payload nests more than a few levels.
 */
export const MAX_JSON_DEPTH = 512;

/** The nesting depth of a JSON text, counted without recursion; brackets inside strings do not count. */
export function jsonDepth(text: string): number {
  let depth = 0;
  let max = 0;
  let inString = false;
  for (let i = 0; i < text.length; i++) {
    const c = text.charCodeAt(i);
    if (inString) {
      if (c === 0x5c) i++;
      else if (c === 0x22) inString = false;
    } else if (c === 0x22) inString = true;
    else if (c === 0x5b || c === 0x7b) {
      depth++;
      if (depth > max) max = depth;
    } else if (c === 0x5d || c === 0x7d) depth--;
  }
  return max;
}

export async function readBody(req: IncomingMessage, limit = MAX_BODY_BYTES): Promise<Buffer> {
  const declared = Number(req.headers['content-length'] ?? '0');
  if (declared > limit) {
    // Drain without buffering so the client still gets the answer on a kept-alive socket.
    req.resume();
    throw new BodyTooLargeError(limit);
  }
  const chunks: Buffer[] = [];
  let size = 0;
  let tooLarge = false;
  for await (const chunk of req) {
    const buf = chunk as Buffer;
    size += buf.length;
    if (size > limit) tooLarge = true;
    if (!tooLarge) chunks.push(buf);
  }
  if (tooLarge) throw new BodyTooLargeError(limit);
  return Buffer.concat(chunks);
}

/** Parses a JSON body; an empty body is `undefined`. */
export async function readJson(req: IncomingMessage, limit = MAX_BODY_BYTES): Promise<unknown> {
  const raw = (await readBody(req, limit)).toString('utf8');
  if (raw.trim() === '') return undefined;
  if (jsonDepth(raw) > MAX_JSON_DEPTH)
    throw new JsonTooDeepError(`JSON body nested deeper than ${MAX_JSON_DEPTH} levels (a local-stack limit)`);
  try {
    return JSON.parse(raw) as unknown;
  } catch {
    throw new InvalidJsonError();
  }
}
