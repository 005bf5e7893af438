// Echoes what the runner passed through: method, path, query, headers and body.
// Deno's API through globalThis: tsc type-checks this file with Node types, where Deno is unknown
// (exported only to make the file a module of its own).
export const deno = (
  globalThis as unknown as {
    Deno: { serve(handler: (req: Request) => Response | Promise<Response>): unknown; pid: number };
  }
).Deno;

deno.serve(async (req) => {
  const url = new URL(req.url);
  return Response.json({
    method: req.method,
    path: url.pathname,
    query: url.search,
    custom: req.headers.get('x-custom'),
    contentType: req.headers.get('content-type'),
    body: await req.text(),
    pid: deno.pid,
  });
});
