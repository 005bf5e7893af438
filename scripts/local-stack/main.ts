// npm run stack -- [--port 54321] [--data-dir DIR] [--db-url postgres://…] [--print-env]
// Starts the Docker-free Supabase stand-in and prints its URL and keys like `supabase status -o env`.
import { parseArgs } from 'node:util';
import { defaultDataDir } from './paths';
import { startStack } from './server';

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
const say = (line: string) => {
  if (!printEnv) console.log(line);
};

say(`starting the local stack on ${dbUrl ? 'PostgreSQL' : `embedded PGlite in ${dataDir}`} …`);
const stack = await startStack({ port: Number(values.port), dataDir, dbUrl, log: say });
console.log(`SUPABASE_URL=${stack.url}`);
console.log(`SUPABASE_ANON_KEY=${stack.anonKey}`);
console.log(`SUPABASE_SERVICE_ROLE_KEY=${stack.serviceRoleKey}`);
say('ready. Ctrl-C stops it; the data stays.');

let stopping = false;
const shutdown = async () => {
  if (stopping) return;
  stopping = true;
  await stack.stop();
  process.exit(0);
};
process.on('SIGINT', shutdown);
process.on('SIGTERM', shutdown);
