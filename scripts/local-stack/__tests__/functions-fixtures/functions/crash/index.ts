// /crash/exit kills the worker process mid-request; anything else answers with the worker's pid.
// Deno's API through globalThis: tsc type-checks this file with Node types, where Deno is unknown
// (exported only to make the file a module of its own).
export const deno = (
  globalThis as unknown as {
    Deno: {
      serve(handler: (req: Request) => Response | Promise<Response>): unknown;
      pid: number;
      exit(code: number): never;
    };
  }
).Deno;

deno.serve((req) => {
  if (new URL(req.url).pathname.endsWith('/exit')) deno.exit(3);
  return Response.json({ pid: deno.pid });
});
