// The one IPC contract between the renderer and the main process: a zod schema for the request and the
// response of every call, and for the payload of every event the main process pushes. The main process
// validates requests and responses against it; the renderer is typed from it.
import { z } from 'zod';
import {
  autoBackupEnableRequestSchema,
  autoBackupViewSchema,
  backupCreateRequestSchema,
  backupCreateResultSchema,
  backupOpenRequestSchema,
  backupProgressSchema,
  backupRestoreRequestSchema,
  restorePreviewSchema,
  restoreSummarySchema,
} from './backup';
import type { CallName, EventName } from './channels';
import {
  auditEventSchema,
  auditFilterSchema,
  clientPolicySchema,
  conflictSchema,
  connectionReportSchema,
  copyFieldSchema,
  deviceSchema,
  email,
  entryDetailSchema,
  entryInputSchema,
  entrySummarySchema,
  fingerprintSchema,
  historyVersionSchema,
  invitationSheetSchema,
  isoTime,
  LIMITS,
  memberSchema,
  memberStatusSchema,
  networkRouteSchema,
  officeRootSchema,
  ownDeviceSchema,
  recoveryKitSheetSchema,
  refusedWriteSchema,
  roleSchema,
  semverSchema,
  sessionStateSchema,
  settingsSchema,
  syncStateSchema,
  updateStatusSchema,
  uuid,
  vaultInfoSchema,
} from './domain';
import { ERROR_CODES } from './errors';
import {
  exportRequestSchema,
  exportResultSchema,
  healthFlagSchema,
  healthFlagsSchema,
  healthReportSchema,
  trashListSchema,
} from './upkeep';

export const ipcErrorSchema = z.object({ code: z.enum(ERROR_CODES), message: z.string().min(1).max(500) });

const empty = z.object({}).strict();
const done = z.null();
const byId = z.object({ id: uuid }).strict();
const byMember = z.object({ memberId: uuid }).strict();
// Master passwords have no upper bound worth enforcing for security, only one against absurd payloads.
const masterPassword = z.string().min(1).max(1024);

// An import's preview: counts, problems by line and field, duplicates and a sample, never a password or notes.
// The file itself stays in the main process; the renderer only ever sees this.
const importId = z.object({ importId: uuid }).strict();
const line = z.number().int().positive();
const count = z.number().int().nonnegative();
export const importPreviewSchema = z.object({
  importId: uuid,
  // A passphrase-protected Keyroom export: nothing is read from it until import.unseal opens it (counts all 0).
  sealed: z.boolean().optional(),
  fileName: z.string().max(260),
  vaultId: uuid,
  format: z.string().max(20),
  formatName: z.string().max(40),
  rows: z.number().int().nonnegative(),
  ready: z.number().int().nonnegative(),
  problemLines: count,
  problems: z
    .array(z.object({ line, field: z.string().max(20).nullable(), message: z.string().max(200) }))
    .max(500),
  duplicateCount: count,
  duplicates: z
    .array(
      z.object({
        line,
        title: z.string().max(LIMITS.title),
        username: z.string().max(LIMITS.username),
        of: z.union([z.literal('vault'), line]),
      }),
    )
    .max(500),
  sample: z
    .array(
      z.object({
        line,
        title: z.string().max(LIMITS.title),
        username: z.string().max(LIMITS.username),
        url: z.string().max(2048),
        category: z.string().max(100),
      }),
    )
    .max(50),
});
export type ImportPreview = z.infer<typeof importPreviewSchema>;
export const importSummarySchema = z.object({
  imported: count,
  queued: count,
  skippedDuplicates: count,
  skippedProblems: count,
  failed: count,
});

const call = <Req extends z.ZodType, Res extends z.ZodType>(request: Req, response: Res) => ({
  request,
  response,
});

// What a PC needs of the office policy: how soon it locks, and whether "Stay unlocked" may be switched on.
const appPolicySchema = z.object({
  autoLockMinutes: z.number().int().positive(),
  allowStayUnlocked: z.boolean(),
});

export const calls = {
  'session.state': call(empty, sessionStateSchema),
  // A known account on any PC: email and master password (this PC unlocks, or signs in as a new PC).
  'session.signIn': call(z.object({ email, masterPassword }).strict(), sessionStateSchema),
  // Only for an invitation: the one-time password from the sheet, then the person sets a master password.
  'session.redeemInvitation': call(
    z.object({ email, oneTimePassword: z.string().min(1).max(256) }).strict(),
    sessionStateSchema,
  ),
  'session.enroll': call(
    // null only for the office's first admin, who creates the office keys (there is no sheet to check yet).
    z
      .object({
        masterPassword: z.string().min(12).max(1024),
        officeFingerprint: fingerprintSchema.nullable(),
      })
      .strict(),
    sessionStateSchema,
  ),
  'session.unlock': call(z.object({ masterPassword }).strict(), sessionStateSchema),
  'session.lock': call(empty, sessionStateSchema),
  'session.signOut': call(empty, sessionStateSchema),
  'session.changeMasterPassword': call(
    z.object({ current: masterPassword, next: z.string().min(12).max(1024) }).strict(),
    done,
  ),
  // The person's own PCs; signing one out (never this one) erases its copy the next time it is in touch.
  'devices.list': call(empty, z.object({ devices: z.array(ownDeviceSchema).max(1000) })),
  'devices.signOut': call(byId, done),

  'vault.list': call(
    z.object({ includeDeleted: z.boolean().optional() }).strict(),
    z.object({ vaults: z.array(vaultInfoSchema), entries: z.array(entrySummarySchema) }),
  ),
  'vault.search': call(
    z
      .object({
        query: z.string().max(LIMITS.query),
        vaultId: uuid.optional(),
        category: z.string().max(40).optional(),
        limit: z.number().int().min(1).max(10_000).optional(),
      })
      .strict(),
    z.object({ entries: z.array(entrySummarySchema) }),
  ),
  'vault.get': call(byId, entryDetailSchema),
  // The only response in the contract that carries a password; the main process audits it.
  'vault.reveal': call(byId, z.object({ password: z.string().max(LIMITS.password) })),
  // The main process copies and clears the clipboard after `clearsInSeconds`; nothing secret comes back.
  'vault.copy': call(
    z.object({ id: uuid, field: copyFieldSchema }).strict(),
    z.object({ clearsInSeconds: z.number().int().positive() }),
  ),
  'vault.totp': call(
    byId,
    z.object({
      code: z.string().regex(/^\d{6,8}$/),
      period: z.number().int().positive(),
      remainingSeconds: z.number().int().nonnegative(),
    }),
  ),
  'vault.create': call(z.object({ vaultId: uuid, entry: entryInputSchema }).strict(), entrySummarySchema),
  'vault.update': call(
    z.object({ id: uuid, baseVersion: z.number().int().positive(), entry: entryInputSchema }).strict(),
    entrySummarySchema,
  ),
  'vault.delete': call(
    z.object({ id: uuid, baseVersion: z.number().int().positive() }).strict(),
    entrySummarySchema,
  ),
  'vault.restore': call(
    z.object({ id: uuid, baseVersion: z.number().int().positive() }).strict(),
    entrySummarySchema,
  ),
  'vault.history': call(byId, z.object({ versions: z.array(historyVersionSchema) })),
  // An earlier version's password (admins): shown or copied like the current one (audited), or made current.
  'vault.historyReveal': call(
    z.object({ id: uuid, version: z.number().int().positive() }).strict(),
    z.object({ password: z.string().max(LIMITS.password) }),
  ),
  'vault.historyCopy': call(
    z.object({ id: uuid, version: z.number().int().positive() }).strict(),
    z.object({ clearsInSeconds: z.number().int().positive() }),
  ),
  'vault.historyRestore': call(
    z
      .object({ id: uuid, baseVersion: z.number().int().positive(), version: z.number().int().positive() })
      .strict(),
    entrySummarySchema,
  ),

  // The main process shows the OS file dialog and reads the file; null when the person cancels it.
  'import.choose': call(z.object({ vaultId: uuid }).strict(), importPreviewSchema.nullable()),
  'import.run': call(
    z.object({ importId: uuid, includeDuplicates: z.boolean() }).strict(),
    importSummarySchema,
  ),
  'import.cancel': call(importId, done),
  // Opens a passphrase-protected Keyroom export chosen with import.choose; a wrong passphrase changes nothing.
  'import.unseal': call(
    z.object({ importId: uuid, passphrase: z.string().min(1).max(1024) }).strict(),
    importPreviewSchema,
  ),

  // Password health (flags and counts only), the trash (admins) and the export of one vault (admins; the main
  // process asks where to save and writes the file: its text never reaches the renderer).
  'health.report': call(empty, healthReportSchema),
  'health.flags': call(empty, healthFlagsSchema),
  'trash.list': call(empty, trashListSchema),
  'trash.restore': call(
    z.object({ id: uuid, baseVersion: z.number().int().positive() }).strict(),
    entrySummarySchema,
  ),
  'trash.purge': call(byId, done),
  'export.save': call(exportRequestSchema, exportResultSchema),
  // The office backup (admins; src/shared/backup.ts): the main process asks where to save and writes the file;
  // on restore it asks for the file, opens it and keeps the plan, answering the preview (counts, no contents).
  // null: the person cancelled the dialog.
  'backup.create': call(backupCreateRequestSchema, backupCreateResultSchema),
  'backup.open': call(backupOpenRequestSchema, restorePreviewSchema.nullable()),
  'backup.restore': call(backupRestoreRequestSchema, restoreSummarySchema),
  'backup.cancel': call(backupRestoreRequestSchema, done),
  // The automatic daily backup: the folder dialog's answer is kept in the main process (null: cancelled).
  'backup.auto.get': call(empty, autoBackupViewSchema),
  'backup.auto.chooseFolder': call(empty, z.object({ folder: z.string().max(4096).nullable() })),
  'backup.auto.enable': call(autoBackupEnableRequestSchema, autoBackupViewSchema),
  'backup.auto.disable': call(empty, autoBackupViewSchema),

  'conflicts.list': call(empty, z.object({ conflicts: z.array(conflictSchema) })),
  'conflicts.resolve': call(
    z.object({ conflictId: uuid, choice: z.enum(['mine', 'theirs', 'both']) }).strict(),
    done,
  ),

  'refused.list': call(empty, z.object({ refused: z.array(refusedWriteSchema) })),
  // Copied by the main process (clipboard cleared like any copy); the value never reaches the renderer.
  'refused.copy': call(
    z.object({ id: uuid, field: z.enum(['password', 'username']) }).strict(),
    z.object({ clearsInSeconds: z.number().int().positive() }),
  ),
  'refused.save': call(z.object({ id: uuid, vaultId: uuid }).strict(), entrySummarySchema),
  'refused.discard': call(byId, done),

  'admin.members': call(empty, z.object({ members: z.array(memberSchema) })),
  'admin.invite': call(
    z.object({ email, displayName: z.string().trim().min(1).max(200), role: roleSchema }).strict(),
    invitationSheetSchema,
  ),
  // The admin types (or ticks) the fingerprint the member read out; the main process compares it too.
  // The role is the one the admin certifies (signed into the key certificate), never taken from the server.
  'admin.confirm': call(
    z.object({ memberId: uuid, fingerprint: fingerprintSchema, role: roleSchema.optional() }).strict(),
    memberSchema,
  ),
  'admin.disable': call(byMember, memberSchema),
  'admin.enable': call(byMember, memberSchema),
  // A reset issues a new one-time password: the member enrolls again and is confirmed again.
  'admin.reset': call(byMember, invitationSheetSchema),
  'admin.setRole': call(z.object({ memberId: uuid, role: roleSchema }).strict(), memberSchema),
  // After offboarding: a new vault key, every entry re-encrypted on this PC and granted again to the members it
  // verified. `exposed` is what the leaver revealed or copied (change it at the source); `unverified` is whom the
  // server lists as holding the vault without a grant this PC can verify: they were not given the new key.
  'admin.rotateVault': call(
    z.object({ vaultId: uuid, leaverId: uuid.nullable() }).strict(),
    z.object({
      keyVersion: z.number().int().positive(),
      exposed: z
        .array(
          z.object({
            entryId: uuid,
            title: z.string().max(LIMITS.title),
            action: z.string().max(40),
            at: isoTime,
            // Password health of the entry as this PC sees it now (weak, reused, old).
            flags: z.array(healthFlagSchema).max(3),
          }),
        )
        .max(5000),
      unverified: z
        .array(
          z.object({
            memberId: uuid,
            // Empty when the server lists someone this PC has no profile for.
            email: z.union([email, z.literal('')]),
            displayName: z.string().max(200),
            reason: z.string().max(200),
          }),
        )
        .max(1000),
    }),
  ),
  'admin.audit': call(
    z
      .object({
        filter: auditFilterSchema,
        before: z.string().regex(/^\d+$/).optional(),
        limit: z.number().int().min(1).max(500).optional(),
      })
      .strict(),
    z.object({ events: z.array(auditEventSchema), nextBefore: z.string().regex(/^\d+$/).nullable() }),
  ),
  'admin.auditExport': call(
    z.object({ filter: auditFilterSchema }).strict(),
    z.object({ filename: z.string().max(200), csv: z.string(), rows: z.number().int().nonnegative() }),
  ),
  'admin.devices': call(empty, z.object({ devices: z.array(deviceSchema) })),
  // An admin signs any PC but this one out for good (a lost laptop); its owner signs in again with the password.
  'admin.revokeDevice': call(byId, done),
  // The office root's succession: who holds it, the kit its holder prints once, the take-over from that kit.
  'admin.officeRoot': call(empty, officeRootSchema),
  'admin.createRecoveryKit': call(empty, recoveryKitSheetSchema),
  'admin.takeOverRoot': call(
    z
      .object({
        code: z.string().min(1).max(100),
        masterPassword,
        sealedKit: z.string().max(4096).optional(),
      })
      .strict(),
    officeRootSchema,
  ),
  'admin.policy': call(empty, clientPolicySchema),
  'admin.publishRelease': call(
    z.object({ version: semverSchema, releaseNotes: z.string().max(10_000), critical: z.boolean() }).strict(),
    clientPolicySchema,
  ),
  'admin.setMinVersion': call(z.object({ minVersion: semverSchema.nullable() }).strict(), clientPolicySchema),
  'admin.setPolicy': call(
    z
      .object({
        autoLockMinutes: z
          .number()
          .int()
          .min(1)
          .max(24 * 60),
        allowStayUnlocked: z.boolean(),
      })
      .strict(),
    clientPolicySchema,
  ),

  'settings.get': call(empty, settingsSchema),
  // The automatic backup is set only with its passphrase, in the main process: not from this patch.
  'settings.set': call(settingsSchema.omit({ autoBackup: true }).partial().strict(), settingsSchema),
  'network.route': call(empty, networkRouteSchema),
  'network.test': call(empty, connectionReportSchema),

  'app.info': call(
    empty,
    z.object({
      version: semverSchema,
      platform: z.enum(['win32', 'darwin', 'linux', 'browser']),
      officeFingerprint: fingerprintSchema.nullable(),
      sync: syncStateSchema,
      update: updateStatusSchema,
      policy: appPolicySchema.nullable(),
    }),
  ),
  'app.restartToUpdate': call(empty, done),
  // The update screen: ask the feed again now, or open the page the installer can be downloaded from by hand.
  'app.retryUpdate': call(empty, done),
  'app.downloadManually': call(empty, done),
  // The update screen's way out for an admin: sign in with the master password (no vault is opened) and lower
  // or clear the office minimum version. The session it returns is locked (or still blocked, when the new
  // minimum is above this PC's version too).
  'update.lowerMinimum': call(
    z.object({ masterPassword, minVersion: semverSchema.nullable() }).strict(),
    sessionStateSchema,
  ),
  // A passphrase from the core's word list (7,776 words), with the entropy it really has for the meter.
  'generator.passphrase': call(
    z
      .object({
        words: z.number().int().min(3).max(12),
        capitalize: z.boolean(),
        withDigit: z.boolean(),
        separator: z.enum(['-', ' ', '.', '_']),
      })
      .strict(),
    z.object({ passphrase: z.string().max(300), bits: z.number().nonnegative() }),
  ),
} satisfies Record<CallName, { request: z.ZodType; response: z.ZodType }>;

const entryChangeSchema = z.object({
  entryId: uuid,
  vaultId: uuid,
  title: z.string().max(LIMITS.title),
  op: z.enum(['insert', 'update', 'delete', 'restore']),
  actorName: z.string().max(254),
  byMe: z.boolean(),
  // Which fields an update touched (names only: the toast says "password changed", never the value).
  fields: z
    .array(z.enum(['title', 'username', 'password', 'url', 'notes', 'category', 'totp', 'fields']))
    .max(8),
});
export type EntryChange = z.infer<typeof entryChangeSchema>;

export const events = {
  // The office policy as this PC last read it (at unlock, and live when an admin changes it).
  policyChanged: appPolicySchema,
  // Someone's status or role changed (an invitee enrolled, a colleague was disabled); no key material.
  // Another PC of this person signed in for the first time (a toast says which, so a stranger's is noticed).
  deviceAdded: z.object({
    id: uuid,
    name: z.string().max(200),
    platform: z.string().max(40),
    at: isoTime,
  }),
  peopleChanged: z.object({
    changes: z
      .array(
        z.object({
          id: uuid,
          displayName: z.string().max(254),
          from: memberStatusSchema.nullable(),
          to: memberStatusSchema.nullable(),
        }),
      )
      .max(1000),
  }),
  entriesChanged: z.object({ changes: z.array(entryChangeSchema).max(1000) }),
  sessionChanged: sessionStateSchema,
  syncStateChanged: syncStateSchema,
  conflictsChanged: z.object({ count: z.number().int().nonnegative() }),
  refusedChanged: z.object({ count: z.number().int().nonnegative() }),
  updateAvailable: z.object({
    version: semverSchema,
    releaseNotes: z.string().max(10_000),
    downloaded: z.boolean(),
  }),
  updateRequired: z.object({
    running: semverSchema,
    required: semverSchema,
    downloadPercent: z.number().min(0).max(100).nullable(),
    error: z.string().max(300).nullable(),
    at: isoTime,
  }),
  importProgress: z.object({ importId: uuid, done: count, total: count }),
  // The long steps of backup.create, backup.open and backup.restore, in the core's phases.
  backupProgress: backupProgressSchema,
  // A hand-over this PC verified: the People page reads the root again (the toast says who).
  officeRootChanged: z.object({ holderId: uuid }),
  toast: z.object({
    kind: z.enum(['info', 'success', 'warning', 'error']),
    message: z.string().min(1).max(500),
  }),
} satisfies Record<EventName, z.ZodType>;

export type Calls = typeof calls;
export type Events = typeof events;
export type CallRequest<C extends CallName> = z.input<Calls[C]['request']>;
export type CallResponse<C extends CallName> = z.output<Calls[C]['response']>;
export type EventPayload<E extends EventName> = z.output<Events[E]>;

export type { CallName, EventName } from './channels';
