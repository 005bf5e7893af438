// Who is calling: the JWT names a user (Auth confirms it is live and not banned), and `profiles`, not the
// JWT, says whether that user is an active admin right now.
import { createClient, type SupabaseClient } from 'npm:@supabase/supabase-js@2';
import { env } from './env.ts';
import { HttpError } from './http.ts';

export interface Admin {
  id: string;
  email: string;
}

export function serviceClient(): SupabaseClient {
  return createClient(env.SUPABASE_URL, env.SUPABASE_SERVICE_ROLE_KEY, {
    auth: { persistSession: false, autoRefreshToken: false },
  });
}

export async function requireAdmin(req: Request, service: SupabaseClient): Promise<Admin> {
  const token = /^Bearer (.+)$/.exec(req.headers.get('authorization') ?? '')?.[1];
  if (!token) throw new HttpError(401, 'unauthorized', 'sign in first');
  const { data, error } = await service.auth.getUser(token);
  if (error || !data.user) throw new HttpError(401, 'unauthorized', 'sign in first');
  const profile = await service
    .from('profiles')
    .select('id, email, role, status')
    .eq('id', data.user.id)
    .maybeSingle();
  if (profile.error) throw new Error(`profiles lookup failed: ${profile.error.code}`);
  if (profile.data?.role !== 'admin' || profile.data.status !== 'active')
    throw new HttpError(403, 'forbidden', 'only an active admin may do this');
  return { id: profile.data.id, email: profile.data.email };
}
