// npm start [-- --keep-stack]: the desktop app against a Keyroom backend.
// - SUPABASE_URL + SUPABASE_PUBLISHABLE_KEY (or .keyroom/config.json with {supabaseUrl, publishableKey}) → that
//   project (the legacy SUPABASE_ANON_KEY / anonKey still work).
// - Otherwise the local stack in this process on the embedded database (data in .keyroom/local-stack), and the
//   first time a demo office (an admin and an employee, enrolled and confirmed, sample entries), whose emails
//   and master passwords are printed once.
// Then it builds and launches Electron. The Electron binary cannot be downloaded on some machines (this one):
// then it says so and points at `npm run preview` instead of crashing; the stack keeps running only with
// --keep-stack.
import { spawn } from 'node:child_process';
import { existsSync, readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { parseArgs } from 'node:util';
import { z } from 'zod';
import { type OfficeConfig, officeConfigFromEnv, parseOfficeConfig } from '../src/shared/office-config';
import { ensureDemoOffice } from './demo-office';
import { defaultDataDir } from './local-stack/paths';
import { type RunningStack, startStack } from './local-stack/server';

const root = fileURLToPath(new URL('..', import.meta.url));
const STACK_PORT = 54321;
const PROFILES_DIR = join(root, '.keyroom', 'profiles');
const APP_VERSION = z
  .object({ version: z.string() })
  .parse(JSON.parse(readFileSync(join(root, 'package.json'), 'utf8'))).version;

function configuredBackend(): OfficeConfig | null {
  const fromEnv = officeConfigFromEnv(process.env);
  if (fromEnv) return fromEnv;
  const file = join(root, '.keyroom', 'config.json');
  if (!existsSync(file)) return null;
  return parseOfficeConfig(readFileSync(file, 'utf8'), file);
}

// The electron package resolves to its binary's path, and throws when the download never happened.
function electronBinary(): string | null {
  try {
    const path: unknown = createRequire(import.meta.url)('electron');
    return typeof path === 'string' && existsSync(path) ? path : null;
  } catch {
    return null;
  }
}

async function startLocalStack(): Promise<RunningStack> {
  const dataDir = defaultDataDir();
  try {
    return await startStack({ port: STACK_PORT, dataDir });
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code !== 'EADDRINUSE') throw error;
    console.log(`port ${STACK_PORT} is taken; using a free one`);
    return startStack({ port: 0, dataDir });
  }
}

function run(command: string, args: string[], env: NodeJS.ProcessEnv = process.env): Promise<number> {
  return new Promise((resolve, reject) => {
    const child = spawn(command, args, { cwd: root, env, stdio: 'inherit' });
    child.on('error', reject);
    child.on('exit', (code) => resolve(code ?? 1));
  });
}

async function main(): Promise<void> {
  const { values } = parseArgs({ options: { 'keep-stack': { type: 'boolean', default: false } } });
  let stack: RunningStack | null = null;
  let backend = configuredBackend();
  if (backend) {
    console.log(`using the Supabase project at ${backend.supabaseUrl}`);
  } else {
    console.log(`starting the local stack on the embedded database in ${defaultDataDir()} …`);
    stack = await startLocalStack();
    backend = { supabaseUrl: stack.url, publishableKey: stack.publishableKey };
    console.log(`local stack at ${stack.url}`);
    await ensureDemoOffice({
      url: stack.url,
      publishableKey: stack.publishableKey,
      secretKey: stack.secretKey,
      profilesDir: PROFILES_DIR,
      markerDir: defaultDataDir(),
      version: APP_VERSION,
    });
  }
  const stopStack = async () => {
    await stack?.stop();
  };

  if ((await run(join(root, 'node_modules/.bin/tsx'), ['scripts/build.ts'])) !== 0) {
    await stopStack();
    throw new Error('the build failed');
  }

  const electron = electronBinary();
  if (electron === null) {
    console.error(
      'Keyroom did not start: Electron is not installed here; run `npm run preview` to use the app in a browser.',
    );
    // Not a success: a script or CI step that runs `npm start` must see that no app came up.
    process.exitCode = 1;
    if (stack && values['keep-stack']) {
      console.log(`the local stack keeps running at ${stack.url} (Ctrl-C stops it).`);
      const stop = () => void stopStack().then(() => process.exit(1));
      process.once('SIGINT', stop);
      process.once('SIGTERM', stop);
      return;
    }
    await stopStack();
    return;
  }
  const code = await run(electron, ['.'], {
    ...process.env,
    SUPABASE_URL: backend.supabaseUrl,
    SUPABASE_PUBLISHABLE_KEY: backend.publishableKey,
  });
  await stopStack();
  process.exitCode = code;
}

main().catch((error: unknown) => {
  console.error(`npm start failed: ${error instanceof Error ? error.message : 'unknown error'}`);
  process.exit(1);
});
