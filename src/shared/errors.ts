// Every failure that crosses IPC is {code, message}: a stable code the UI can branch on and a sentence a
// person can read. Messages never carry secrets, stack traces or server internals. Free of zod so the renderer
// bundle stays small; the schema of the error object lives in the contract.

export const ERROR_CODES = [
  'invalid_request',
  'forbidden',
  'not_signed_in',
  'locked',
  'wrong_credentials',
  'fingerprint_mismatch',
  'not_found',
  'conflict',
  'account_exists',
  'last_admin',
  'not_enrolled',
  'changed_meanwhile',
  'admin_still_signs',
  'version_not_newer',
  'damaged',
  'offline',
  'disabled',
  'device_revoked',
  'update_required',
  'rate_limited',
  'internal',
] as const;

export type ErrorCode = (typeof ERROR_CODES)[number];

export interface IpcError {
  code: ErrorCode;
  message: string;
}

// Thrown by main-process handlers (and by the renderer's client when a call fails) to carry a typed error.
export class KeyroomError extends Error {
  readonly code: ErrorCode;
  constructor(code: ErrorCode, message: string) {
    super(message);
    this.name = 'KeyroomError';
    this.code = code;
  }
  toIpc(): IpcError {
    return { code: this.code, message: this.message };
  }
}

// Default wording per code, used when a handler throws something that is not a KeyroomError.
export const DEFAULT_MESSAGES: Record<ErrorCode, string> = {
  invalid_request: 'That request was not valid.',
  forbidden: 'You are not allowed to do that.',
  not_signed_in: 'Please sign in first.',
  locked: 'Keyroom is locked. Unlock it with your master password.',
  wrong_credentials: 'The email or password is not correct.',
  fingerprint_mismatch: 'The office fingerprint does not match the one on your invitation sheet.',
  not_found: 'That item no longer exists.',
  conflict: 'Someone else changed this entry at the same time. Choose which version to keep.',
  account_exists:
    'Someone with this email already has a Keyroom account. Find them under People; if they lost their password, reset their account there.',
  last_admin:
    'The office must keep at least one active administrator. Make someone else an administrator first.',
  not_enrolled: 'This person has not set up Keyroom on their PC yet. Confirm them once they have.',
  changed_meanwhile: 'Something changed on the server while you were doing this. Try again.',
  admin_still_signs:
    'Colleagues’ access still rests on this administrator’s signature. Make them a member first (that hands what they signed to you), then try again.',
  version_not_newer: 'That version is not newer than the latest published release.',
  damaged: 'This item could not be opened. Ask your administrator to check it.',
  offline: 'You are offline. This needs a connection to the office server.',
  disabled: 'Your account has been disabled. Contact your administrator.',
  device_revoked:
    'This PC was signed out of Keyroom (from another of your PCs, or by an administrator) and its copy of the passwords was erased. Sign in again with your email and master password.',
  update_required: 'This version of Keyroom is no longer supported. Please update.',
  rate_limited: 'Too many attempts. Wait a moment and try again.',
  internal: 'Something went wrong. Please try again.',
};

// The database's bounds on what a member writes (check constraints in supabase/migrations/20261125120000_schema.sql,
// SQLSTATE 23514, HTTP 400), by constraint name, in words a person can act on. The client keeps under them itself;
// these words are for a server whose bounds are tighter than this version knows.
export const BOUND_MESSAGES: Readonly<Record<string, string>> = {
  profiles_display_name_size: 'That name is too long: at most 200 characters.',
  profiles_key_material_size:
    'Your key material is larger than the office server accepts. Ask your administrator.',
  entries_envelope_size:
    'This entry is too large to store: at most 192 KB in all, notes and custom fields included.',
  devices_fields_size: "This PC's name or version is longer than the office server accepts.",
};

// log_event / log_import are rate-limited per user (PT429, HTTP 429): what the person reads when a reveal, copy
// or import cannot be audited yet, and so does not happen yet.
export const AUDIT_RATE_MESSAGE =
  'Too many audited actions (passwords shown or copied, imports) in a short time. Wait a minute and try again.';

// The envelope every call returns over IPC: Electron flattens thrown errors into strings, so failures travel
// as data and the renderer's client turns them back into KeyroomError.
export type IpcResult<T> = { ok: true; value: T } | { ok: false; error: IpcError };

// The office root's refusals and its recovery kit (src/core/admin/succession.ts), word for word in the core and UI.
export const OFFICE_ROOT_MESSAGES = {
  refused:
    'The office root cannot be reset, disabled or demoted: its key is the only one that certifies admins. Another admin takes the root role over with the office recovery kit first.',
  notHolder: 'Only the office root can do that.',
  badCode: 'That recovery code does not open the office recovery kit. Check it against the printed sheet.',
  noKit: 'The server holds no recovery kit for this office. Paste the sealed kit line printed on the sheet.',
  already: 'You already hold the office root role.',
  meanwhile: 'The office root role was handed on meanwhile. Open People again and retry.',
  refusedClaim:
    'The server named a new office root without the office key’s signature. Keyroom ignored it; tell your administrator.',
  refusedRevocation:
    'The server lists a revoked certificate no admin’s key signed. Keyroom ignored it; tell your administrator.',
} as const;

// The office backup (src/core/backup): one refusal for a file that does not open, whatever the cause (wrong
// passphrase, a changed or missing byte, an unknown format), so the words give nothing away.
export const BACKUP_MESSAGES = {
  unreadable: 'This backup could not be opened: wrong passphrase or damaged file.',
  weakPassphrase:
    'That backup passphrase is too easy to guess. Use at least 16 characters, e.g. four or five unrelated words.',
  adminOnly: 'Only an admin can back up or restore the office.',
  damagedEntries: 'Some entries could not be opened on this PC and are not in the backup.',
  used: 'This restore has already run. Open the backup again to restore once more.',
} as const;

/** The automatic daily backup's last error, as Admin → Backup shows it. */
export const AUTO_BACKUP_MESSAGES = {
  noPassphrase:
    "The backup passphrase is no longer in this PC's keychain: turn the automatic backup on again.",
  folder: 'The backup folder could not be written: check that it exists and that this PC can write to it.',
  failed: 'The automatic backup did not finish; it is tried again within the hour.',
} as const;
