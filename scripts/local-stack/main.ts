// npm run stack -- [--port 54321] [--data-dir DIR] [--db-url postgres://…] [--print-env]
// Starts the Docker-free Supabase stand-in and prints its URL and keys like `supabase status -o env`.
import { parseArgs } from 'node:util';
import { defaultDataDir } from './paths';
import { type RunningStack, startStack } from './server';

const { values } = parseArgs({
  options: {
    port: { type: 'string', default: '54321' },
    'data-dir': { type: 'string' },
    'db-url': { type: 'string' },
    'print-env': { type: 'boolean', default: false },
  },
});
const printEnv = values['print-env'];
const dbUrl = values['db-url'] ?? process.env.DATABASE_URL;
const dataDir = values['data-dir'] ?? defaultDataDir();
const port = Number(values.port);
const say = (line: string) => {
  if (!printEnv) console.log(line);
};

if (!Number.isInteger(port) || port < 0 || port > 65535) {
  console.error(`error: --port must be a port number, not "${values.port}"`);
  process.exit(2);
}

say(`starting the local stack on ${dbUrl ? 'PostgreSQL' : `embedded PGlite in ${dataDir}`} …`);
let stack: RunningStack;
try {
  stack = await startStack({ port, dataDir, dbUrl, log: say });
} catch (err) {
  const e = err as NodeJS.ErrnoException;
  console.error(
    e.code === 'EADDRINUSE'
      ? `error: port ${port} is in use (another stack or supabase start?); choose one with --port`
      : `error: the local stack could not start: ${e.message}`,
  );
  process.exit(1);
}
// The new keys first, then the legacy ones a project keeps until it switches them off (`supabase status -o env`
// prints both kinds too).
console.log(`SUPABASE_URL=${stack.url}`);
console.log(`SUPABASE_PUBLISHABLE_KEY=${stack.publishableKey}`);
console.log(`SUPABASE_SECRET_KEY=${stack.secretKey}`);
console.log(`SUPABASE_ANON_KEY=${stack.anonKey}`);
console.log(`SUPABASE_SERVICE_ROLE_KEY=${stack.serviceRoleKey}`);
say('ready. Ctrl-C stops it; the data stays.');

let stopping = false;
const shutdown = async () => {
  // A second Ctrl-C while stopping means "now".
  if (stopping) process.exit(130);
  stopping = true;
  try {
    await stack.stop();
    process.exit(0);
  } catch (err) {
    console.error(`error while stopping: ${(err as Error).message}`);
    process.exit(1);
  }
};
process.on('SIGINT', shutdown);
process.on('SIGTERM', shutdown);
