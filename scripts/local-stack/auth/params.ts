// Request bodies of the GoTrue endpoints the stack serves, checked with zod at the trust boundary.
import { z } from 'zod';
import { badRequest } from './errors';

const Metadata = z.record(z.string(), z.unknown());

export const PasswordGrant = z.object({
  email: z.string().optional(),
  phone: z.string().optional(),
  password: z.string().optional(),
});

export const RefreshGrant = z.object({ refresh_token: z.string().optional() });

export const UserUpdate = z.object({
  email: z.string().optional(),
  phone: z.string().optional(),
  password: z.string().optional(),
  data: Metadata.optional(),
  nonce: z.string().optional(),
});

export const AdminUserParams = z.object({
  id: z.string().optional(),
  email: z.string().optional(),
  phone: z.string().optional(),
  password: z.string().optional(),
  password_hash: z.string().optional(),
  email_confirm: z.boolean().optional(),
  phone_confirm: z.boolean().optional(),
  user_metadata: Metadata.optional(),
  app_metadata: Metadata.optional(),
  ban_duration: z.string().optional(),
  role: z.string().optional(),
});
export type AdminUserParams = z.infer<typeof AdminUserParams>;

export const AdminInvite = z.object({ email: z.string().optional(), data: Metadata.nullable().optional() });

export const AdminDelete = z.object({ should_soft_delete: z.boolean().optional() });

// GoTrue's validateEmail (supabase/auth internal/api/mail.go) with checkmail.ValidateFormat's pattern
// (github.com/badoux/checkmail at the version supabase/auth pins): the HTML5 "valid e-mail address" rule, so
// `ann@localhost` and `o'brien+tag@x.test` pass, while spaces, non-ASCII, quoted local parts and empty or
// hyphen-edged domain labels fail. Length is counted in bytes, as Go does.
const LABEL = '[a-zA-Z0-9](?:[a-zA-Z0-9-]{0,61}[a-zA-Z0-9])?';
const EMAIL = new RegExp(`^[a-zA-Z0-9.!#$%&'*+/=?^_\`{|}~-]+@${LABEL}(?:\\.${LABEL})*$`);

/** The address GoTrue stores (lower-cased), or the 400 validation_failed it answers. */
export function validateEmail(email: string): string {
  if (email === '') throw badRequest('validation_failed', 'An email address is required');
  if (Buffer.byteLength(email, 'utf8') > 255)
    throw badRequest('validation_failed', 'An email address is too long');
  if (!EMAIL.test(email))
    throw badRequest('validation_failed', 'Unable to validate email address: invalid format');
  return email.toLowerCase();
}

/** GoTrue's validatePhone (internal/api/phone.go): "+" and spaces dropped, then E.164 digits. */
export function validatePhone(phone: string): string {
  const p = phone.replace(/^\+/, '').replaceAll(' ', '');
  if (!/^[1-9][0-9]{1,14}$/.test(p))
    throw badRequest('validation_failed', 'Invalid phone number format (E.164 required)');
  return p;
}
