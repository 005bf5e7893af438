// Supabase Auth for the connection: the KDF parameters before signing in (prelogin), sign in with the derived
// Auth secret, change it, sign out.
import type { SupabaseClient } from '@supabase/supabase-js';
import { z } from 'zod';
import type { Connection } from './connection';
import { CoreError, mapServerError } from './errors';
import { closeRealtime } from './realtime';

const sessionSchema = z.object({
  access_token: z.string().min(1),
  user: z.object({ id: z.uuid(), email: z.string().max(254).optional() }),
});

export async function signIn(
  c: Connection,
  email: string,
  password: string,
): Promise<{ id: string; email: string }> {
  let res: Awaited<ReturnType<SupabaseClient['auth']['signInWithPassword']>>;
  try {
    res = await c.client.auth.signInWithPassword({ email, password });
  } catch (err) {
    throw mapServerError(err);
  }
  if (res.error) throw mapServerError(res.error);
  const s = sessionSchema.safeParse(res.data.session);
  if (!s.success) throw new CoreError('internal');
  c.signedInAs = { id: s.data.user.id, email: s.data.user.email ?? email };
  await c.client.realtime.setAuth(s.data.access_token);
  return c.signedInAs;
}

/** Changes the Supabase Auth password (the derived authSecret, never the master password). */
export async function setAuthPassword(c: Connection, password: string): Promise<void> {
  c.requireUser();
  const res = await c.client.auth.updateUser({ password }).catch((err: unknown) => ({ error: err }));
  if (res.error) throw mapServerError(res.error);
}

export async function signOut(c: Connection): Promise<void> {
  await closeRealtime(c);
  if (c.signedInAs) await c.client.auth.signOut({ scope: 'local' }).catch(() => {});
  c.signedInAs = null;
}

/**
 * The KDF parameters for an email before any sign-in (public.prelogin, callable with the publishable key): an
 * account's own, or stable fake ones for an email without one. Untrusted: the caller parses and floors them.
 */
export async function prelogin(c: Connection, email: string): Promise<unknown> {
  return c.call(() => c.client.rpc('prelogin', { p_email: email.trim().toLowerCase() }));
}
