// Runs inside each Deno worker process (plain JS so the Node type-check leaves it alone). It loads one
// edge function and points the function's own `Deno.serve` at a loopback port on which only the runner
// talks to it, the way the edge runtime hands requests to a user worker. Protocol on stdout: one line
// `<token> ready <port>` or `<token> boot-error`; everything else is the function's own output.
const [entry, token] = Deno.args;
const realServe = Deno.serve.bind(Deno);
let serving = false;

// A handler that throws answers 500 with the error's message, and the worker lives on.
const onError = (error) =>
  Response.json(
    { code: 'WORKER_ERROR', message: error instanceof Error ? error.message : String(error) },
    { status: 500 },
  );

Deno.serve = (first, second) => {
  if (serving) throw new Error('Deno.serve may be called once per function');
  serving = true;
  const options = typeof first === 'function' ? {} : { ...first };
  const handler = typeof first === 'function' ? first : (second ?? options.handler);
  delete options.handler;
  delete options.cert;
  delete options.key;
  return realServe(
    {
      onError,
      ...options,
      hostname: '127.0.0.1',
      port: 0,
      onListen: ({ port }) => console.log(`${token} ready ${port}`),
    },
    handler,
  );
};

// The runner holds our stdin open and never writes to it: end of input means it is gone (even killed
// outright), and a worker must not outlive its stack.
(async () => {
  for await (const _ of Deno.stdin.readable);
  Deno.exit(0);
})();

try {
  await import(entry);
  if (!serving) throw new Error('the function never called Deno.serve');
} catch (error) {
  console.error(error);
  console.log(`${token} boot-error`);
  Deno.exit(1);
}
