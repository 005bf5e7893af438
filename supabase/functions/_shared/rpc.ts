// The admin RPCs (supabase/migrations/20261125130000_admin_functions.sql) signal refusals by message; this
// turns them into HTTP answers.
import type { SupabaseClient } from 'npm:@supabase/supabase-js@2';
import { HttpError } from './http.ts';

const REFUSALS: Record<string, HttpError> = {
  last_admin: new HttpError(409, 'last_admin', 'the office must keep at least one active admin'),
  not_found: new HttpError(404, 'not_found', 'no such user'),
  not_enrolled: new HttpError(409, 'not_enrolled', 'the user has not enrolled keys to confirm'),
};

export async function adminRpc<T>(
  service: SupabaseClient,
  fn: string,
  args: Record<string, unknown>,
): Promise<T> {
  const { data, error } = await service.rpc(fn, args);
  if (error) {
    const refusal = REFUSALS[error.message];
    if (refusal) throw refusal;
    throw new Error(`${fn} failed: ${error.code}`);
  }
  return data as T;
}
