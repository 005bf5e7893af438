// verify_jwt = false: reached with or without a token; reports the Authorization it saw.
// Deno's API through globalThis: tsc type-checks this file with Node types, where Deno is unknown
// (exported only to make the file a module of its own).
export const deno = (
  globalThis as unknown as {
    Deno: { serve(handler: (req: Request) => Response | Promise<Response>): unknown };
  }
).Deno;

deno.serve((req) => Response.json({ authorization: req.headers.get('authorization') }));
