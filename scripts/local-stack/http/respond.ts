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
): void {
  if (res.headersSent) return;
  const all: Record<string, string> = { ...headers };
  if (text !== null) all['content-type'] = contentType;
  res.writeHead(status, all);
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
