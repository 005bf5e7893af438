// npm run admin:init -- --email <email> [--display-name <name>] [--url <project url>] [--data-dir <local stack dir>]
// Creates a fresh office's first admin with the project's secret key — SUPABASE_SECRET_KEY (`sb_secret_…`), or
// a legacy SUPABASE_SERVICE_ROLE_KEY; the local stack's by default. The key comes from the environment only,
// never the command line, where every user of the PC could read it in the process list.
// and prints `one-time password: <password>` — the only place the password ever appears. The admin signs in
// with it and enrolls; the first admin to enroll becomes active and the office root (profiles trigger).
import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { parseArgs } from 'node:util';
import { createClient, type SupabaseClientOptions } from '@supabase/supabase-js';
import { z } from 'zod';
import { envNetwork } from '../src/core/backend/network/network';
import { oneTimePassword } from '../supabase/functions/_shared/password';
import { defaultDataDir } from './local-stack/paths';

export interface FirstAdminOptions {
  url: string;
  /** `sb_secret_…` or a legacy service-role key. */
  secretKey: string;
  email: string;
  displayName: string;
}

export class AdminInitError extends Error {}

// supabase-js's realtime client needs a WebSocket class to construct (it never connects here).
type Transport = NonNullable<NonNullable<SupabaseClientOptions<'public'>['realtime']>['transport']>;

export async function createFirstAdmin(
  opts: FirstAdminOptions,
): Promise<{ userId: string; password: string }> {
  const network = envNetwork();
  const service = createClient(opts.url, opts.secretKey, {
    auth: { persistSession: false, autoRefreshToken: false },
    // The same route as the app's core: the proxy variables as curl reads them.
    global: { fetch: network.fetch },
    realtime: { transport: network.WebSocket as unknown as Transport },
  });
  const admins = await service.from('profiles').select('id').eq('role', 'admin').limit(1);
  if (admins.error) throw new AdminInitError(`cannot read profiles: ${admins.error.message}`);
  if (admins.data.length > 0)
    throw new AdminInitError('this office already has an admin; invite more from the app (admin-users)');

  const password = oneTimePassword();
  const created = await service.auth.admin.createUser({
    email: opts.email,
    password,
    email_confirm: true,
    user_metadata: { display_name: opts.displayName },
  });
  if (created.error || !created.data.user)
    throw new AdminInitError(`Auth refused the account: ${created.error?.message ?? 'no user returned'}`);
  const userId = created.data.user.id;
  const profile = await service
    .from('profiles')
    .insert({ id: userId, email: opts.email.toLowerCase(), display_name: opts.displayName, role: 'admin' });
  if (profile.error) {
    await service.auth.admin.deleteUser(userId);
    throw new AdminInitError(`cannot create the profile: ${profile.error.message}`);
  }
  return { userId, password };
}

// A data directory written before the new keys holds only the legacy service-role key.
const KeysFile = z.object({ secretKey: z.string().min(1).optional(), serviceRoleKey: z.string().min(1) });

/** The local stack's secret key, read from its data directory (never created here). */
function localSecretKey(dataDir: string): string {
  const file = join(dataDir, 'keys.json');
  if (!existsSync(file))
    throw new AdminInitError(
      `no local stack keys in ${dataDir}: start it (npm run stack), or set SUPABASE_SECRET_KEY for a project`,
    );
  const keys = KeysFile.parse(JSON.parse(readFileSync(file, 'utf8')));
  return keys.secretKey ?? keys.serviceRoleKey;
}

async function main() {
  const { values } = parseArgs({
    options: {
      email: { type: 'string' },
      'display-name': { type: 'string' },
      url: { type: 'string' },
      'data-dir': { type: 'string' },
    },
  });
  const email = z.email().safeParse(values.email);
  if (!email.success) throw new AdminInitError('--email <address> is required and must be an email address');
  const url = values.url ?? process.env.SUPABASE_URL ?? 'http://127.0.0.1:54321';
  const secretKey =
    process.env.SUPABASE_SECRET_KEY ||
    process.env.SUPABASE_SERVICE_ROLE_KEY ||
    localSecretKey(values['data-dir'] ?? defaultDataDir());
  const displayName = values['display-name'] ?? email.data.split('@')[0] ?? email.data;
  const created = await createFirstAdmin({ url, secretKey, email: email.data, displayName });
  console.log(`first admin ${email.data} created (id ${created.userId}) on ${url}`);
  console.log(`one-time password: ${created.password}`);
  console.log('sign in with it in the app and enroll: the first admin to enroll becomes the office root.');
}

if (process.argv[1] && import.meta.url === pathToFileURL(process.argv[1]).href) {
  main().catch((err: unknown) => {
    console.error(
      err instanceof AdminInitError ? err.message : `admin:init failed: ${(err as Error).message}`,
    );
    process.exit(1);
  });
}
