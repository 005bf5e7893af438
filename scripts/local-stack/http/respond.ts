// Small response helpers shared by the stack's services.
import type { IncomingMessage, ServerResponse } from 'node:http';

export function sendJson(
  res: ServerResponse,
  status: number,
  body: unknown,
  headers: Record<string, string> = {},
): void {
  sendRaw(res, status, JSON.stringify(body), headers);
}

/** Sends an already serialised JSON text (bodies built by SQL). */
export function sendRaw(
  res: ServerResponse,
  status: number,
  text: string | null,
  headers: Record<string, string> = {},
  contentType = 'application/json; charset=utf-8',
  statusText?: string,
): void {
  if (res.headersSent) return;
  const all: Record<string, string> = { ...headers };
  if (text !== null) all['content-type'] = contentType;
  // A reason phrase set by the database (PostgREST's PTxyz) only when it is a valid one; Node throws otherwise.
  if (statusText !== undefined && /^[\t\x20-\x7e]{1,200}$/.test(statusText))
    res.writeHead(status, statusText, all);
  else res.writeHead(status, all);
  res.end(text ?? undefined);
}

export function header(req: IncomingMessage, name: string): string | undefined {
  const v = req.headers[name.toLowerCase()];
  return Array.isArray(v) ? v[0] : v;
}

/** The bearer token of the Authorization header, if any. */
export function bearer(req: IncomingMessage): string | undefined {
  const auth = header(req, 'authorization');
  const m = auth ? /^bearer\s+(.*)$/i.exec(auth.trim()) : null;
  return m ? m[1]?.trim() : undefined;
}

/** The client's address, for per-IP limits (no proxy sits in front of the local stack). */
export function clientIp(req: IncomingMessage): string {
  return req.socket.remoteAddress ?? 'unknown';
}
