// The HTTP frame every Keyroom edge function shares: CORS (preflight included), POST with a JSON body only,
// and every failure as `{error: {code, message}}` with its status. Messages name what went wrong, never a
// secret; unexpected errors are logged by name only and answered with a generic 500.

export const CORS_HEADERS: Record<string, string> = {
  'access-control-allow-origin': '*',
  'access-control-allow-headers': 'authorization, x-client-info, apikey, content-type',
  'access-control-allow-methods': 'POST, OPTIONS',
};

export class HttpError extends Error {
  constructor(
    readonly status: number,
    readonly code: string,
    message: string,
  ) {
    super(message);
  }
}

export function json(status: number, body: unknown): Response {
  return new Response(JSON.stringify(body), {
    status,
    headers: { ...CORS_HEADERS, 'content-type': 'application/json' },
  });
}

function errorResponse(err: HttpError): Response {
  return json(err.status, { error: { code: err.code, message: err.message } });
}

/** Wraps a function's handler: `handle(body, req)` gets the parsed JSON body and returns [status, result]. */
export function serveJson(
  name: string,
  handle: (body: unknown, req: Request) => Promise<[number, unknown]>,
): (req: Request) => Promise<Response> {
  return async (req) => {
    if (req.method === 'OPTIONS') return new Response('ok', { headers: CORS_HEADERS });
    try {
      if (req.method !== 'POST') throw new HttpError(405, 'method_not_allowed', 'use POST');
      let body: unknown;
      try {
        body = await req.json();
      } catch {
        throw new HttpError(400, 'invalid_json', 'the body must be a JSON object');
      }
      const [status, result] = await handle(body, req);
      return json(status, result);
    } catch (err) {
      if (err instanceof HttpError) return errorResponse(err);
      console.error(`${name}: unexpected ${err instanceof Error ? err.name : typeof err}`);
      return errorResponse(new HttpError(500, 'internal', 'the request failed on the server'));
    }
  };
}
