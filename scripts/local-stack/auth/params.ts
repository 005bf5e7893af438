// Request bodies of the GoTrue endpoints the stack serves, checked with zod at the trust boundary.
import { z } from 'zod';

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
  email_confirm: z.boolean().optional(),
  phone_confirm: z.boolean().optional(),
  user_metadata: Metadata.optional(),
  app_metadata: Metadata.optional(),
  ban_duration: z.string().optional(),
  role: z.string().optional(),
});
export type AdminUserParams = z.infer<typeof AdminUserParams>;

export const AdminDelete = z.object({ should_soft_delete: z.boolean().optional() });

// GoTrue's own check is a regexp of this strength: something@something.tld, no spaces.
const EMAIL = /^[^\s@]+@[^\s@]+\.[^\s@]+$/;
export const validEmail = (email: string) => EMAIL.test(email) && email.length <= 255;
