// Streams three chunks 300 ms apart, so a test can see the first before the last is written.
// Deno's API through globalThis: tsc type-checks this file with Node types, where Deno is unknown
// (exported only to make the file a module of its own).
export const deno = (
  globalThis as unknown as {
    Deno: { serve(handler: (req: Request) => Response | Promise<Response>): unknown };
  }
).Deno;

deno.serve(() => {
  const encoder = new TextEncoder();
  const body = new ReadableStream<Uint8Array>({
    async start(controller) {
      for (const part of ['one\n', 'two\n', 'three\n']) {
        controller.enqueue(encoder.encode(part));
        await new Promise((r) => setTimeout(r, 300));
      }
      controller.close();
    },
  });
  return new Response(body, { headers: { 'content-type': 'text/plain' } });
});
