// What the server sends, parsed before anything else touches it. The server is untrusted (DESIGN.md §4): a
// row that does not parse is dropped and reported, never cached or decrypted. Entry envelopes stay opaque JSON
// here; the crypto layer checks their shape and refuses a bad one as "damaged", so a malformed envelope marks
// one entry damaged instead of failing a whole pull.
import { z } from 'zod';

const uuid = z.uuid();
const time = z.string().min(1).max(64);
// PostgREST sends int8 as a JSON number; the local stack may send it as text. Both become a safe integer.
const int8 = z.union([z.number(), z.string().regex(/^\d{1,16}$/)]).transform((v, ctx) => {
  const n = typeof v === 'number' ? v : Number(v);
  if (!Number.isSafeInteger(n) || n < 0) {
    ctx.addIssue({ code: 'custom', message: 'not a safe non-negative integer' });
    return z.NEVER;
  }
  return n;
});
const positiveInt = z
  .number()
  .int()
  .positive()
  .max(2 ** 31 - 1);
const b64url = z
  .string()
  .regex(/^[A-Za-z0-9_-]*$/)
  .max(1_000_000);
const jsonValue = z.json();

export const roleSchema = z.enum(['admin', 'member']);
export type Role = z.infer<typeof roleSchema>;
export const statusSchema = z.enum(['invited', 'enrolled', 'active', 'disabled']);
export type MemberStatus = z.infer<typeof statusSchema>;

export const keyCertificateSchema = z.object({ signer: uuid, n: b64url.max(64), sig: b64url });
export type KeyCertificate = z.infer<typeof keyCertificateSchema>;

/** Public fields every active member may read about a colleague (the `colleagues` view). */
export const colleagueRowSchema = z.object({
  id: uuid,
  email: z.string().max(254),
  display_name: z.string().max(200),
  role: roleSchema,
  status: statusSchema,
  x25519_public: b64url.nullable(),
  ed25519_public: b64url.nullable(),
  key_certificate: keyCertificateSchema.nullable(),
  confirmed_at: time.nullable(),
});
export type ColleagueRow = z.infer<typeof colleagueRowSchema>;

/** The own profile, or any profile as an admin sees it. kdf and wrapped_keys stay opaque: crypto checks them. */
export const profileRowSchema = colleagueRowSchema.extend({
  kdf: jsonValue.nullable(),
  wrapped_keys: jsonValue.nullable(),
  enrolled_at: time.nullable(),
  confirmed_by: uuid.nullable(),
  created_at: time,
});
export type ProfileRow = z.infer<typeof profileRowSchema>;

export const vaultRowSchema = z.object({
  id: uuid,
  name: z.string().max(200),
  key_version: positiveInt,
});
export type VaultRow = z.infer<typeof vaultRowSchema>;

export const grantRowSchema = z.object({
  id: uuid,
  vault_id: uuid,
  member_id: uuid,
  key_version: positiveInt,
  sealed_key: b64url.nullable(),
  member_public: b64url.nullable(),
  granted_by: uuid.nullable(),
  signature: b64url.nullable(),
  revoked_at: time.nullable(),
});
export type GrantRow = z.infer<typeof grantRowSchema>;

/** A revoked key certificate (crypto/revocation.ts); honoured as listed, the signature names who revoked. */
export const revocationRowSchema = z.object({
  user_id: uuid,
  certificate: keyCertificateSchema,
  revoked_by: uuid,
  signature: b64url.max(100),
});
export type RevocationRow = z.infer<typeof revocationRowSchema>;

export const entryRowSchema = z.object({
  id: uuid,
  vault_id: uuid,
  envelope: jsonValue,
  key_version: positiveInt,
  version: positiveInt,
  seq: int8,
  created_by: uuid.nullable(),
  created_at: time,
  updated_by: uuid.nullable(),
  updated_at: time,
  deleted_at: time.nullable(),
  /** The admin's signature on the last delete or restore (crypto/entry-state.ts); opaque until verified. */
  state_proof: jsonValue.nullable().default(null),
});
export type EntryRow = z.infer<typeof entryRowSchema>;

export const historyRowSchema = z.object({
  entry_id: uuid,
  vault_id: uuid,
  envelope: jsonValue,
  key_version: positiveInt,
  version: positiveInt,
  changed_by: uuid.nullable(),
  changed_at: time,
  deleted_at: time.nullable(),
});
export type HistoryRow = z.infer<typeof historyRowSchema>;

export const auditRowSchema = z.object({
  id: int8,
  at: time,
  actor_id: uuid.nullable(),
  actor_email: z.string().max(254).nullable(),
  action: z.string().max(64),
  entry_id: uuid.nullable(),
  vault_id: uuid.nullable(),
  target_user_id: uuid.nullable(),
  details: jsonValue.nullable(),
});
export type AuditRow = z.infer<typeof auditRowSchema>;

export const deviceRowSchema = z.object({
  id: uuid,
  user_id: uuid,
  name: z.string().max(200),
  platform: z.string().max(40),
  app_version: z.string().max(64),
  last_seen: time.nullable(),
  created_at: time.nullable(),
  revoked_at: time.nullable(),
});
export type DeviceRow = z.infer<typeof deviceRowSchema>;

export const policyRowSchema = z.object({
  min_version: z.string().max(64).nullable(),
  latest_version: z.string().max(64).nullable(),
  critical: z.boolean(),
  release_notes: z.string().max(10_000).nullable(),
  auto_lock_minutes: z
    .number()
    .int()
    .min(1)
    .max(24 * 60),
  allow_stay_unlocked: z.boolean(),
  office_root_id: uuid.nullable(),
  office_root_public: b64url.nullable(),
  /** Untrusted: a PC believes it only when it verifies under its pin (crypto/root-holder.ts). */
  root_holder: z.unknown().optional(),
  updated_at: time.nullable(),
});
export type PolicyRow = z.infer<typeof policyRowSchema>;

/** A Realtime poke on vault:<id>. Only a hint to pull; its content is never trusted as data. */
export const entryPokeSchema = z.object({
  id: uuid,
  seq: int8,
  op: z.enum(['insert', 'update', 'delete', 'restore']),
});
export type EntryPoke = z.infer<typeof entryPokeSchema>;

/** Parses a list, keeping the rows that pass and counting the ones that do not. */
export function parseRows<T>(schema: z.ZodType<T>, data: unknown): { rows: T[]; rejected: number } {
  if (!Array.isArray(data)) return { rows: [], rejected: 1 };
  const rows: T[] = [];
  let rejected = 0;
  for (const item of data) {
    const r = schema.safeParse(item);
    if (r.success) rows.push(r.data);
    else rejected += 1;
  }
  return { rows, rejected };
}
