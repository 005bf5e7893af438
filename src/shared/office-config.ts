// Which office the app talks to: the project URL and the API key the app may hold. Read from the environment
// (what `npm start` passes) or from an office config file (what an installer or the admin puts beside the app).
//
// The app holds a publishable key (`sb_publishable_…`) or, on a project that still has them, the legacy anon
// JWT key. A secret key (`sb_secret_…`) or a service-role JWT bypasses row-level security: anyone who can
// read the file would own the office, so such a key is refused here with a message that says so.
import { z } from 'zod';

const JWT_SHAPE = /^[A-Za-z0-9_-]+\.([A-Za-z0-9_-]+)\.[A-Za-z0-9_-]+$/;

/** The role a legacy JWT key claims, read without verifying (the server verifies; this only catches mistakes). */
function legacyKeyRole(key: string): string | undefined {
  const payload = JWT_SHAPE.exec(key)?.[1];
  if (!payload) return undefined;
  try {
    const role: unknown = JSON.parse(atob(payload.replace(/-/g, '+').replace(/_/g, '/'))).role;
    return typeof role === 'string' ? role : undefined;
  } catch {
    return undefined;
  }
}

export const PublishableKey = z.string().superRefine((key, ctx) => {
  if (key.startsWith('sb_secret_') || legacyKeyRole(key) === 'service_role') {
    ctx.addIssue({
      code: 'custom',
      message:
        "this is a secret (service-role) key, which must never be given to the app: use the project's publishable key (sb_publishable_…)",
    });
  } else if (!/^sb_publishable_[A-Za-z0-9_-]{10,}$/.test(key) && legacyKeyRole(key) !== 'anon') {
    ctx.addIssue({
      code: 'custom',
      message: 'not a Supabase publishable key (sb_publishable_…) or legacy anon key',
    });
  }
});

export const OfficeConfig = z.object({
  supabaseUrl: z.url({ protocol: /^https?$/ }),
  publishableKey: PublishableKey,
  // The office's own update feed, in electron-builder's `publish` shape (src/main/updater/feed.ts checks it);
  // absent: the feed the app was built with.
  updateFeed: z.unknown().optional(),
});
export type OfficeConfig = z.infer<typeof OfficeConfig>;

/** The file's shape: `publishableKey`, or `anonKey` as config files written before the new keys have it. */
const OfficeConfigFile = z
  .object({
    supabaseUrl: z.unknown(),
    publishableKey: z.unknown().optional(),
    anonKey: z.unknown().optional(),
    updateFeed: z.unknown().optional(),
  })
  .transform((f) => ({
    supabaseUrl: f.supabaseUrl,
    publishableKey: f.publishableKey ?? f.anonKey,
    ...(f.updateFeed === undefined ? {} : { updateFeed: f.updateFeed }),
  }))
  .pipe(OfficeConfig);

export const OFFICE_CONFIG_EXAMPLE =
  '{"supabaseUrl": "https://<project>.supabase.co", "publishableKey": "sb_publishable_…"}';

function explain(error: z.ZodError): string {
  return error.issues.map((i) => `${i.path.join('.') || 'config'}: ${i.message}`).join('; ');
}

/**
 * From SUPABASE_URL with SUPABASE_PUBLISHABLE_KEY (or the legacy SUPABASE_ANON_KEY); undefined when the URL
 * or both keys are unset. Throws with what is wrong, never with the key itself.
 */
export function officeConfigFromEnv(env: NodeJS.ProcessEnv): OfficeConfig | undefined {
  const publishableKey = env.SUPABASE_PUBLISHABLE_KEY || env.SUPABASE_ANON_KEY;
  if (!env.SUPABASE_URL || !publishableKey) return undefined;
  const parsed = OfficeConfig.safeParse({ supabaseUrl: env.SUPABASE_URL, publishableKey });
  if (!parsed.success) throw new Error(`SUPABASE_URL / SUPABASE_PUBLISHABLE_KEY: ${explain(parsed.error)}`);
  return parsed.data;
}

/** Parses an office config file's text; throws with what is wrong and the shape it wants. */
export function parseOfficeConfig(text: string, where: string): OfficeConfig {
  let json: unknown;
  try {
    json = JSON.parse(text);
  } catch {
    throw new Error(`${where} is not JSON; it must hold ${OFFICE_CONFIG_EXAMPLE}`);
  }
  const parsed = OfficeConfigFile.safeParse(json);
  if (!parsed.success)
    throw new Error(`${where}: ${explain(parsed.error)}; it must hold ${OFFICE_CONFIG_EXAMPLE}`);
  return parsed.data;
}
