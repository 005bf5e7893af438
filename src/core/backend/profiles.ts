// Who is in the office: the own profile and everyone's (admins), the colleagues' public rows, the client policy
// and the office recovery kit.
import type { KeyCertificate } from '../crypto/trust';
import { type Connection, many, one } from './connection';
import { CoreError } from './errors';
import {
  type ColleagueRow,
  colleagueRowSchema,
  type PolicyRow,
  type ProfileRow,
  policyRowSchema,
  profileRowSchema,
} from './rows';

const COLLEAGUE_COLUMNS =
  'id,email,display_name,role,status,x25519_public,ed25519_public,key_certificate,confirmed_at';
const PROFILE_COLUMNS = `${COLLEAGUE_COLUMNS},kdf,wrapped_keys,enrolled_at,confirmed_by,created_at`;
const POLICY_COLUMNS =
  'min_version,latest_version,critical,release_notes,auto_lock_minutes,allow_stay_unlocked,office_root_id,office_root_public,root_holder,updated_at';

/** The own profile, or null when the server shows none (a disabled account sees nothing). */
export async function ownProfile(c: Connection): Promise<ProfileRow | null> {
  const id = c.requireUser();
  const data = await c.call(() => c.client.from('profiles').select(PROFILE_COLUMNS).eq('id', id).limit(1));
  if (Array.isArray(data) && data.length === 0) return null;
  return one(profileRowSchema, data);
}

export interface OwnProfileFields {
  x25519_public?: string;
  ed25519_public?: string;
  kdf?: unknown;
  wrapped_keys?: unknown;
  key_certificate?: KeyCertificate;
  display_name?: string;
}

export async function updateOwnProfile(c: Connection, fields: OwnProfileFields): Promise<ProfileRow> {
  const id = c.requireUser();
  const data = await c.call(() =>
    c.client.from('profiles').update(fields).eq('id', id).select(PROFILE_COLUMNS),
  );
  if (Array.isArray(data) && data.length === 0) throw new CoreError('forbidden');
  return one(profileRowSchema, data);
}

/** Every profile with all columns (admins only; RLS returns only the own row to others). */
export async function profiles(c: Connection): Promise<ProfileRow[]> {
  const data = await c.call(() => c.client.from('profiles').select(PROFILE_COLUMNS).order('email'));
  return many(profileRowSchema, data);
}

export async function colleagues(c: Connection): Promise<ColleagueRow[]> {
  const data = await c.call(() => c.client.from('colleagues').select(COLLEAGUE_COLUMNS));
  return many(colleagueRowSchema, data);
}

/** The office recovery kit as the server keeps it (untrusted: crypto/recovery-kit.ts opens it), or null. */
export async function recoveryKit(c: Connection): Promise<unknown> {
  const data = await c.call(() => c.client.from('client_policy').select('recovery_kit').limit(1));
  return Array.isArray(data)
    ? ((data[0] as { recovery_kit?: unknown } | undefined)?.recovery_kit ?? null)
    : null;
}

export async function policy(c: Connection): Promise<PolicyRow | null> {
  const data = await c.call(() => c.client.from('client_policy').select(POLICY_COLUMNS).limit(1));
  if (Array.isArray(data) && data.length === 0) return null;
  return one(policyRowSchema, data);
}
