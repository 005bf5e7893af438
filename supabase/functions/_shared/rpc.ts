// The admin RPCs (supabase/migrations/20261125120400_admin_rpcs.sql) signal refusals by message; this
// turns them into HTTP answers.
import type { SupabaseClient } from 'npm:@supabase/supabase-js@2';
import { HttpError } from './http.ts';

const REFUSALS: Record<string, HttpError> = {
  last_admin: new HttpError(409, 'last_admin', 'the office must keep at least one active admin'),
  not_found: new HttpError(404, 'not_found', 'no such user'),
  not_enrolled: new HttpError(409, 'not_enrolled', 'the user has not enrolled keys to confirm'),
  // A confirmation's grants: checked by the vault_grants trigger (20261125120200_triggers.sql).
  member_public_mismatch: new HttpError(
    409,
    'grant_mismatch',
    "grants: not sealed to this user's public key",
  ),
  key_version_mismatch: new HttpError(
    409,
    'key_version_mismatch',
    'grants: a vault key changed; confirm again',
  ),
  take_over_mismatch: new HttpError(
    409,
    'take_over_mismatch',
    'grants: something changed meanwhile; try again',
  ),
  // Nobody leaves while colleagues' access rests on their signature (admin_rpcs.sql).
  still_signs: new HttpError(
    409,
    'still_signs',
    'colleagues still rely on grants or key certificates this admin signed: change their role in the Keyroom app first, which takes those over',
  ),
  active_admin: new HttpError(
    409,
    'active_admin',
    'an active admin is not deleted: change their role to member in the Keyroom app first (which takes over what they signed), then delete',
  ),
  // The caller stopped being an active admin while the request ran (a demotion committed first).
  signer_not_admin: new HttpError(403, 'forbidden', 'you are no longer an active admin'),
  office_root: new HttpError(
    409,
    'office_root',
    'the office root is not reset, disabled, demoted or deleted: only its key certifies admins; another admin takes the root role over with the office recovery kit first',
  ),
  // The office root's succession (admin_rpcs.sql admin_take_root, admin_set_recovery_kit).
  take_root_mismatch: new HttpError(
    409,
    'take_root_mismatch',
    'statement: not the next hand-over for the caller; read the office policy and try again',
  ),
  already_root: new HttpError(409, 'already_root', 'you already hold the office root role'),
  not_office_root: new HttpError(
    403,
    'forbidden',
    'only the holder of the office root role stores its recovery kit',
  ),
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
