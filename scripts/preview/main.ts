// npm run preview [-- --port 5173]: the built renderer in a normal browser, with window.keyroom bridged to a real
// core per browser profile. Against SUPABASE_URL/SUPABASE_PUBLISHABLE_KEY (or the legacy SUPABASE_ANON_KEY) when set; otherwise it starts the
// local stack in this process on the embedded database (the same .keyroom data as npm start) and, the first
// time, creates the demo office. Run `npm run build` first (it builds here when dist/renderer is missing).
import { spawnSync } from 'node:child_process';
import { existsSync, readFileSync } from 'node:fs';
import { rm } from 'node:fs/promises';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { parseArgs } from 'node:util';
import { z } from 'zod';
import { officeConfigFromEnv } from '../../src/shared/office-config';
import { DEMO_PROFILES, ensureDemoOffice } from '../demo-office';
import { defaultDataDir } from '../local-stack/paths';
import { type RunningStack, startStack } from '../local-stack/server';
import { startPreviewHost } from './host';
import { coreSessions } from './session';

const root = fileURLToPath(new URL('../..', import.meta.url));
const version = z
  .object({ version: z.string() })
  .parse(JSON.parse(readFileSync(join(root, 'package.json'), 'utf8'))).version;

const { values } = parseArgs({
  options: { port: { type: 'string', default: '5173' }, 'reset-demo': { type: 'boolean', default: false } },
});
const rendererDir = join(root, 'dist/renderer');
if (!existsSync(join(rendererDir, 'index.html'))) {
  console.log('dist/renderer is missing: building …');
  const built = spawnSync(join(root, 'node_modules/.bin/tsx'), ['scripts/build.ts'], {
    cwd: root,
    stdio: 'inherit',
  });
  if (built.status !== 0) process.exit(1);
}

let stack: RunningStack | null = null;
let demoCreated = false;
let url = process.env.SUPABASE_URL;
let publishableKey = officeConfigFromEnv(process.env)?.publishableKey;
if (!url || !publishableKey) {
  const dataDir = defaultDataDir();
  // The demo master passwords are printed once, when the demo office is made, and stored nowhere; a fresh
  // demo office (new passwords, printed again) is the way back in.
  if (values['reset-demo']) {
    console.log(`--reset-demo: removing the demo office (${dataDir} and the demo PCs) …`);
    await rm(dataDir, { recursive: true, force: true });
    await rm(join(root, '.keyroom', 'profiles'), { recursive: true, force: true });
  }
  console.log(`starting the local stack on the embedded database in ${dataDir} …`);
  stack = await startStack({ port: 0, dataDir });
  url = stack.url;
  publishableKey = stack.publishableKey;
  demoCreated = await ensureDemoOffice({
    url,
    publishableKey,
    secretKey: stack.secretKey,
    profilesDir: join(root, '.keyroom', 'profiles'),
    markerDir: dataDir,
    version,
  });
}

const host = await startPreviewHost({
  rendererDir,
  port: Number(values.port),
  createSession: coreSessions({
    url,
    publishableKey,
    profilesDir: join(root, '.keyroom', 'profiles'),
    version,
  }),
  log: (line) => console.log(line),
});
console.log(`Keyroom preview (backend ${url}):`);
console.log(`  ${host.url}`);
if (stack) {
  console.log(`  demo admin PC:    ${host.url}&profile=${DEMO_PROFILES.admin}`);
  console.log(`  demo employee PC: ${host.url}&profile=${DEMO_PROFILES.employee}`);
  if (!demoCreated)
    console.log(
      'The demo master passwords were printed when the demo office was created. Forgot them? `npm run preview -- --reset-demo` makes a fresh demo office and prints them again.',
    );
}
console.log('Each browser profile is one simulated PC. Ctrl-C stops the preview.');

const shutdown = async () => {
  await host.stop();
  await stack?.stop();
  process.exit(0);
};
process.once('SIGINT', () => void shutdown());
process.once('SIGTERM', () => void shutdown());
