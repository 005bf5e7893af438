// Reports the SUPABASE_* variables it was given, and whether it may read anything else.
// Deno's API through globalThis: tsc type-checks this file with Node types, where Deno is unknown
// (exported only to make the file a module of its own).
export const deno = (
  globalThis as unknown as {
    Deno: {
      serve(handler: (req: Request) => Response | Promise<Response>): unknown;
      env: { get(name: string): string | undefined };
    };
  }
).Deno;

function readable(name: string): boolean {
  try {
    deno.env.get(name);
    return true;
  } catch {
    return false;
  }
}

const parsed = (name: string): unknown => {
  const raw = deno.env.get(name);
  return raw === undefined ? null : JSON.parse(raw);
};

deno.serve(() =>
  Response.json({
    url: deno.env.get('SUPABASE_URL'),
    publishableKeys: parsed('SUPABASE_PUBLISHABLE_KEYS'),
    secretKeys: parsed('SUPABASE_SECRET_KEYS'),
    jwks: parsed('SUPABASE_JWKS'),
    anonKey: deno.env.get('SUPABASE_ANON_KEY'),
    serviceRoleKey: deno.env.get('SUPABASE_SERVICE_ROLE_KEY'),
    dbUrl: deno.env.get('SUPABASE_DB_URL') ?? null,
    homeReadable: readable('HOME'),
  }),
);
