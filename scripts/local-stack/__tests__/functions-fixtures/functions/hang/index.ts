// /hang/stuck never answers; anything else answers with the worker's pid (to see restarts).
// Deno's API through globalThis: tsc type-checks this file with Node types, where Deno is unknown
// (exported only to make the file a module of its own).
export const deno = (
  globalThis as unknown as {
    Deno: { serve(handler: (req: Request) => Response | Promise<Response>): unknown; pid: number };
  }
).Deno;

deno.serve(async (req) => {
  if (new URL(req.url).pathname.endsWith('/stuck')) await new Promise(() => {});
  return Response.json({ pid: deno.pid });
});
