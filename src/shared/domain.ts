// The shapes the screens work with. Passwords and TOTP secrets never appear in these
// read models: the only ways to get a secret are the explicit reveal / copy / totp calls.
import { z } from 'zod';
import { AUDIT_ACTIONS } from './audit-actions';

export { AUDIT_ACTIONS } from './audit-actions';

export const uuid = z.uuid();
export const isoTime = z.iso.datetime({ offset: true });
export const email = z.email().max(254);

// Fingerprints are groups of four hex digits separated by spaces (what people read aloud and compare).
export const fingerprintSchema = z
  .string()
  .regex(/^\d{5}( \d{5}){5}$/, 'A fingerprint is six groups of five digits.');

export const semverSchema = z
  .string()
  .max(64)
  .regex(/^\d+\.\d+\.\d+(-[0-9A-Za-z.-]+)?(\+[0-9A-Za-z.-]+)?$/, 'A version looks like 1.4.2.');

export const roleSchema = z.enum(['admin', 'member']);
export type Role = z.infer<typeof roleSchema>;

export const memberStatusSchema = z.enum(['invited', 'enrolled', 'active', 'disabled']);
export type MemberStatus = z.infer<typeof memberStatusSchema>;

// Empty is allowed: an entry need not have a category (the editor suggests none nobody chose).
export const categorySchema = z.string().trim().max(40);

export const LIMITS = {
  title: 200,
  username: 500,
  password: 1000,
  url: 2048,
  notes: 10_000,
  totpSecret: 256,
  customFields: 30,
  query: 200,
} as const;

export const userSchema = z.object({
  id: uuid,
  email,
  displayName: z.string().max(200),
  role: roleSchema,
});
export type User = z.infer<typeof userSchema>;

export const vaultInfoSchema = z.object({
  id: uuid,
  name: z.string().max(200),
  entryCount: z.number().int().nonnegative(),
});
export type VaultInfo = z.infer<typeof vaultInfoSchema>;

export const entrySummarySchema = z.object({
  id: uuid,
  vaultId: uuid,
  title: z.string().max(LIMITS.title),
  username: z.string().max(LIMITS.username),
  url: z.string().max(LIMITS.url),
  category: z.string().max(40),
  version: z.number().int().positive(),
  updatedAt: isoTime,
  updatedBy: z.string().max(254),
  hasTotp: z.boolean(),
  // Decryption or signature failed: the row is listed so nothing silently disappears, but opens nothing.
  damaged: z.boolean(),
  deletedAt: isoTime.nullable(),
  // Created on this PC while offline and not sent yet: no other PC has it until the outbox is flushed.
  pending: z.boolean().optional(),
});
export type EntrySummary = z.infer<typeof entrySummarySchema>;

// Extra labelled text (account numbers, extension, …). Secrets belong in the password field, which is the only
// field that is withheld from details.
export const customFieldSchema = z.object({
  label: z.string().trim().min(1).max(100),
  value: z.string().max(LIMITS.notes),
});
export type CustomField = z.infer<typeof customFieldSchema>;

export const entryDetailSchema = entrySummarySchema.extend({
  notes: z.string().max(LIMITS.notes),
  hasPassword: z.boolean(),
  customFields: z.array(customFieldSchema).max(LIMITS.customFields),
  createdAt: isoTime,
  createdBy: z.string().max(254),
  // What the signed-in user may do with it; the main process enforces the same rules.
  canEdit: z.boolean(),
});
export type EntryDetail = z.infer<typeof entryDetailSchema>;

// What the add/edit form sends. On update, `password: null` keeps the current password and `totpSecret: null`
// keeps the current TOTP secret (the form never had either); an empty string removes it.
export const entryInputSchema = z.object({
  title: z.string().trim().min(1, 'Give the entry a title.').max(LIMITS.title),
  username: z.string().max(LIMITS.username),
  password: z.string().max(LIMITS.password).nullable(),
  url: z.string().max(LIMITS.url),
  category: categorySchema,
  notes: z.string().max(LIMITS.notes),
  totpSecret: z
    .string()
    .max(LIMITS.totpSecret)
    .regex(/^[A-Z2-7 =]*$/i, 'A TOTP secret uses letters A-Z and digits 2-7.')
    .nullable(),
  customFields: z.array(customFieldSchema).max(LIMITS.customFields),
});
export type EntryInput = z.infer<typeof entryInputSchema>;

export const historyVersionSchema = z.object({
  version: z.number().int().positive(),
  changedAt: isoTime,
  changedBy: z.string().max(254),
  title: z.string().max(LIMITS.title),
  username: z.string().max(LIMITS.username),
  url: z.string().max(LIMITS.url),
  passwordChanged: z.boolean(),
  deleted: z.boolean(),
  damaged: z.boolean(),
});
export type HistoryVersion = z.infer<typeof historyVersionSchema>;

// One side of a conflict, as shown side by side. The password itself is not shown; whether it differs is.
export const conflictSideSchema = z.object({
  title: z.string().max(LIMITS.title),
  username: z.string().max(LIMITS.username),
  url: z.string().max(LIMITS.url),
  category: z.string().max(40),
  notes: z.string().max(LIMITS.notes),
  hasTotp: z.boolean(),
  deleted: z.boolean(),
  changedAt: isoTime,
  changedBy: z.string().max(254),
});
export type ConflictSide = z.infer<typeof conflictSideSchema>;

export const conflictSchema = z.object({
  id: uuid,
  entryId: uuid,
  vaultId: uuid,
  mine: conflictSideSchema,
  theirs: conflictSideSchema,
  passwordsDiffer: z.boolean(),
  detectedAt: isoTime,
});
export type Conflict = z.infer<typeof conflictSchema>;

// A queued write the server refused for good, kept on this PC until saved elsewhere or discarded. The title
// and username are opened in the main process; the password never comes here, only whether there is one.
export const refusedWriteSchema = z.object({
  id: uuid,
  vaultId: uuid,
  title: z.string().max(LIMITS.title),
  username: z.string().max(LIMITS.username),
  hasPassword: z.boolean(),
  reason: z.string().max(300),
  refusedAt: isoTime,
  damaged: z.boolean(),
});
export type RefusedWrite = z.infer<typeof refusedWriteSchema>;

export const memberSchema = z.object({
  id: uuid,
  email,
  displayName: z.string().max(200),
  role: roleSchema,
  status: memberStatusSchema,
  fingerprint: fingerprintSchema.nullable(),
  invitedAt: isoTime,
  enrolledAt: isoTime.nullable(),
  confirmedAt: isoTime.nullable(),
  isOfficeRoot: z.boolean(),
});
export type Member = z.infer<typeof memberSchema>;

// Everything the printable invitation sheet carries. The one-time password is shown once, here only.
export const invitationSheetSchema = z.object({
  memberId: uuid,
  email,
  displayName: z.string().max(200),
  oneTimePassword: z.string().min(8).max(200),
  officeFingerprint: fingerprintSchema,
  serverUrl: z.string().max(2048),
  issuedAt: isoTime,
});
export type InvitationSheet = z.infer<typeof invitationSheetSchema>;

// The office root as this PC verified it (src/core/admin/succession.ts).
export const officeRootSchema = z.object({
  holderId: uuid,
  holderName: z.string().max(254),
  isMe: z.boolean(),
  canSignAsRoot: z.boolean(),
  handOvers: z.number().int().nonnegative(),
  officeFingerprint: fingerprintSchema,
});
export type OfficeRoot = z.infer<typeof officeRootSchema>;

// The office recovery kit, shown once to the root for print. The code is on this sheet and nowhere else.
export const recoveryCodeSchema = z.string().regex(/^([0-9A-Z]{4}-){7}[0-9A-Z]{4}$/);
export const recoveryKitSheetSchema = z.object({
  code: recoveryCodeSchema,
  sealedKit: z.string().min(1).max(2048),
  officeFingerprint: fingerprintSchema,
  serverUrl: z.string().max(2048),
  issuedAt: isoTime,
});
export type RecoveryKitSheet = z.infer<typeof recoveryKitSheetSchema>;

export const auditActionSchema = z.enum(AUDIT_ACTIONS);

export const auditFilterSchema = z.object({
  actorId: uuid.optional(),
  entryId: uuid.optional(),
  action: auditActionSchema.optional(),
  from: isoTime.optional(),
  to: isoTime.optional(),
});
export type AuditFilter = z.infer<typeof auditFilterSchema>;

export const auditEventSchema = z.object({
  id: z.string().regex(/^\d+$/),
  at: isoTime,
  actorId: uuid.nullable(),
  actorEmail: z.string().max(254),
  action: z.string().max(64),
  entryId: uuid.nullable(),
  entryTitle: z.string().max(LIMITS.title).nullable(),
  targetEmail: z.string().max(254).nullable(),
  details: z.string().max(2000),
});
export type AuditEvent = z.infer<typeof auditEventSchema>;

export const deviceSchema = z.object({
  id: uuid,
  userId: uuid,
  userEmail: z.string().max(254),
  userName: z.string().max(200),
  name: z.string().max(200),
  platform: z.string().max(40),
  appVersion: z.string().max(64),
  lastSeen: isoTime.nullable(),
  // When it was signed out for good (by its owner from another PC, or by an admin); null while in use.
  revokedAt: isoTime.nullable(),
  online: z.boolean(),
});
export type Device = z.infer<typeof deviceSchema>;

// One of the signed-in person's own PCs (Settings → Your PCs); `current` is the PC this is.
export const ownDeviceSchema = z.object({
  id: uuid,
  name: z.string().max(200),
  platform: z.string().max(40),
  appVersion: z.string().max(64),
  lastSeen: isoTime.nullable(),
  addedAt: isoTime.nullable(),
  revokedAt: isoTime.nullable(),
  current: z.boolean(),
});
export type OwnDevice = z.infer<typeof ownDeviceSchema>;

export const clientPolicySchema = z.object({
  minVersion: semverSchema.nullable(),
  latestVersion: semverSchema.nullable(),
  critical: z.boolean(),
  releaseNotes: z.string().max(10_000),
  autoLockMinutes: z
    .number()
    .int()
    .min(1)
    .max(24 * 60),
  allowStayUnlocked: z.boolean(),
  updatedAt: isoTime.nullable(),
});
export type ClientPolicy = z.infer<typeof clientPolicySchema>;

export const themeSchema = z.enum(['system', 'light', 'dark']);
export type Theme = z.infer<typeof themeSchema>;

/**
 * The admin's automatic daily backup on this PC (Admin → Backup). The passphrase is not here: it is in the OS
 * keychain (src/main/backup/passphrase-keychain.ts). lastError is in words, for the screen.
 */
export const autoBackupSettingsSchema = z.object({
  enabled: z.boolean(),
  folder: z.string().min(1).max(4096).nullable(),
  keep: z.number().int().min(1).max(365),
  /** The admin it was turned on by: it runs in that admin's session only. */
  userId: z.uuid().nullable(),
  lastRunAt: isoTime.nullable(),
  lastError: z.string().max(300).nullable(),
});
export type AutoBackupSettings = z.infer<typeof autoBackupSettingsSchema>;

export const settingsSchema = z.object({
  theme: themeSchema,
  startWithWindows: z.boolean(),
  stayUnlocked: z.boolean(),
  notifications: z.boolean(),
  /** Password health: days after which an unchanged password counts as old (this PC's choice). */
  healthMaxAgeDays: z.number().int().min(1).max(3650),
  autoBackup: autoBackupSettingsSchema,
});
export type Settings = z.infer<typeof settingsSchema>;

export const syncStateSchema = z.object({
  // connecting: not known yet (before the first answer after an unlock), never shown as offline.
  connection: z.enum(['connecting', 'online', 'offline', 'syncing']),
  lastSyncedAt: isoTime.nullable(),
  pendingChanges: z.number().int().nonnegative(),
  /** The office answers but the network refuses live updates (WebSockets): the app polls every 30 s. */
  liveBlocked: z.boolean(),
});
export type SyncState = z.infer<typeof syncStateSchema>;

/** How this PC reaches the office: direct or through a proxy (its host and port only, never credentials). */
export const networkRouteSchema = z.discriminatedUnion('kind', [
  z.object({ kind: z.literal('direct') }),
  z.object({ kind: z.literal('proxy'), host: z.string().min(1).max(300) }),
]);
export type NetworkRoute = z.infer<typeof networkRouteSchema>;

export const connectionReportSchema = z.object({
  route: networkRouteSchema,
  failed: z.enum(['dns', 'proxy', 'tls', 'server']).nullable(),
  message: z.string().min(1).max(500),
  live: z.enum(['ok', 'blocked', 'not-tried']),
});
export type ConnectionReport = z.infer<typeof connectionReportSchema>;

export const updateStatusSchema = z.discriminatedUnion('kind', [
  z.object({ kind: z.literal('none') }),
  z.object({
    kind: z.literal('available'),
    version: semverSchema,
    releaseNotes: z.string().max(10_000),
    downloaded: z.boolean(),
  }),
  z.object({
    kind: z.literal('required'),
    version: semverSchema,
    releaseNotes: z.string().max(10_000),
    downloaded: z.boolean(),
    downloadPercent: z.number().min(0).max(100).nullable(),
    /** Why the update has not arrived yet (the feed failed, or does not serve the version yet), in words. */
    error: z.string().max(300).nullable(),
  }),
]);
export type UpdateStatus = z.infer<typeof updateStatusSchema>;

// Why the PC is signed out or locked when it did not do so itself (signed out from another PC, the master
// password changed elsewhere): shown above the form. Words from the core, never a secret.
const notice = z.string().min(1).max(500).optional();

export const sessionStateSchema = z.discriminatedUnion('state', [
  z.object({ state: z.literal('signedOut'), notice }),
  // Redeemed the invitation's one-time password; the office fingerprint comes from the server and must match the sheet.
  z.object({ state: z.literal('needsEnrollment'), email, officeFingerprint: fingerprintSchema.nullable() }),
  // Keys uploaded; an admin must compare this fingerprint with the one the member reads out.
  z.object({ state: z.literal('pendingConfirmation'), email, fingerprint: fingerprintSchema }),
  z.object({ state: z.literal('locked'), email, displayName: z.string().max(200), notice }),
  z.object({ state: z.literal('unlocked'), user: userSchema, officeFingerprint: fingerprintSchema }),
  z.object({ state: z.literal('disabled'), email }),
  z.object({ state: z.literal('updateRequired'), running: semverSchema, required: semverSchema }),
]);
export type SessionState = z.infer<typeof sessionStateSchema>;

export const copyFieldSchema = z.enum(['password', 'username', 'totp']);
export type CopyField = z.infer<typeof copyFieldSchema>;
