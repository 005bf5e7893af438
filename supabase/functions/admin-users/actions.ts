// The admin-users actions. Database first (it holds the refusals: last admin, not enrolled, unknown user),
// then Auth; every step is idempotent, so an admin can repeat an action that failed half-way.
import type { SupabaseClient } from 'npm:@supabase/supabase-js@2';
import { z } from 'npm:zod@4';
import type { Admin } from '../_shared/caller.ts';
import { HttpError } from '../_shared/http.ts';
import { UserId } from '../_shared/input.ts';
import { oneTimePassword } from '../_shared/password.ts';
import { rootHolderSigned } from '../_shared/root-holder.ts';
import { adminRpc } from '../_shared/rpc.ts';

const Role = z.enum(['admin', 'member']);
const base64url = (bytes: number) =>
  z.string().regex(new RegExp(`^[A-Za-z0-9_-]{${Math.ceil((bytes * 4) / 3)}}$`));

const KeyCertificate = z.strictObject({ signer: UserId, sig: base64url(64), n: base64url(16) });

// One sealed vault key for the person being confirmed: member and signer are the request's user and caller.
const Grant = z.strictObject({
  vault_id: z.uuid(),
  key_version: z.int().min(1).max(0x7fffffff),
  sealed_key: z.string().min(1).max(512),
  member_public: base64url(32),
  signature: base64url(64),
});

// The office recovery kit as src/core/crypto/recovery-kit.ts seals it: a sealed blob; the code never comes here.
const RecoveryKit = z.strictObject({
  v: z.literal(1),
  office_root: UserId,
  root_public: base64url(32),
  kdf: z.strictObject({
    alg: z.literal('argon2id'),
    v: z.literal(19),
    m: z.int().min(65536).max(262_144),
    t: z.int().min(3).max(10),
    p: z.int().min(1).max(4),
    salt: z.string().regex(/^[A-Za-z0-9_-]{22,86}$/),
  }),
  alg: z.literal('xchacha20poly1305'),
  nonce: base64url(24),
  ct: base64url(48),
  cm: base64url(32),
});

export const AdminUsersRequest = z.discriminatedUnion('action', [
  z.strictObject({
    action: z.literal('invite'),
    email: z.email().max(254),
    display_name: z.string().trim().min(1).max(100),
    role: Role.default('member'),
  }),
  z.strictObject({ action: z.literal('disable'), user_id: UserId }),
  z.strictObject({ action: z.literal('enable'), user_id: UserId }),
  z.strictObject({ action: z.literal('reset'), user_id: UserId }),
  z.strictObject({ action: z.literal('set-role'), user_id: UserId, role: Role }),
  z.strictObject({ action: z.literal('delete'), user_id: UserId }),
  z.strictObject({
    action: z.literal('confirm'),
    user_id: UserId,
    key_certificate: KeyCertificate,
    // Every vault key the confirming admin holds, sealed to this person and signed; they replace what the person
    // held at those key versions (a re-confirmation after a role change or a re-enable).
    grants: z.array(Grant).max(1000),
  }),
  // Before an admin (user_id) stops being one: the caller re-signs the grants and certificates they signed.
  z.strictObject({
    action: z.literal('take-over'),
    user_id: UserId,
    grants: z.array(Grant.extend({ member_id: UserId })).max(10_000),
    certificates: z.array(z.strictObject({ user_id: UserId, key_certificate: KeyCertificate })).max(1000),
  }),
  // The holder of the office root role stores the recovery kit it printed.
  z.strictObject({ action: z.literal('recovery-kit'), kit: RecoveryKit }),
  // The caller takes the root role: the root key's statement naming them (src/core/crypto/root-holder.ts).
  z.strictObject({
    action: z.literal('take-root'),
    statement: z.strictObject({ holder: UserId, n: z.int().min(1).max(0x7fffffff), sig: base64url(64) }),
  }),
]);
export type AdminUsersRequest = z.infer<typeof AdminUsersRequest>;

interface OfficeRoot {
  office_root_id: string | null;
  office_root_public: string | null;
  root_holder: { holder?: string } | null;
}

async function officeRoot(service: SupabaseClient): Promise<OfficeRoot> {
  const { data, error } = await service
    .from('client_policy')
    .select('office_root_id, office_root_public, root_holder')
    .eq('id', 1)
    .single();
  if (error || !data) throw new Error(`client_policy read failed: ${error?.code}`);
  return data as OfficeRoot;
}

interface Profile {
  id: string;
  email: string;
  display_name: string;
  role: string;
  status: string;
}

/** What the caller gets back about a user: never key material. */
function publicFields(p: Profile) {
  return { id: p.id, email: p.email, display_name: p.display_name, role: p.role, status: p.status };
}

// "Banned" for as long as GoTrue's durations reach (100 years); "none" lifts it.
const BAN_FOREVER = '876000h';

async function authUpdate(
  service: SupabaseClient,
  id: string,
  attrs: { password?: string; ban_duration?: string },
) {
  const { error } = await service.auth.admin.updateUserById(id, attrs);
  if (error)
    throw new HttpError(502, 'auth_failed', `Auth refused the change (${error.code ?? error.status}); retry`);
}

export async function runAction(
  service: SupabaseClient,
  admin: Admin,
  input: AdminUsersRequest,
): Promise<[number, unknown]> {
  const actor = { p_actor: admin.id };
  switch (input.action) {
    case 'invite': {
      const password = oneTimePassword();
      const created = await service.auth.admin.createUser({
        email: input.email,
        password,
        email_confirm: true,
        user_metadata: { display_name: input.display_name },
      });
      if (created.error?.code === 'email_exists' || created.error?.code === 'user_already_exists')
        throw new HttpError(409, 'email_exists', `a user with the email ${input.email} already exists`);
      if (created.error || !created.data.user) throw new Error(`createUser failed: ${created.error?.code}`);
      const id = created.data.user.id;
      try {
        const profile = await adminRpc<Profile>(service, 'admin_create_profile', {
          ...actor,
          p_id: id,
          p_email: input.email,
          p_display_name: input.display_name,
          p_role: input.role,
        });
        return [201, { user: publicFields(profile), one_time_password: password }];
      } catch (err) {
        await service.auth.admin.deleteUser(id);
        throw err;
      }
    }
    case 'disable':
    case 'enable': {
      const disabled = input.action === 'disable';
      const profile = await adminRpc<Profile>(service, 'admin_set_status', {
        ...actor,
        p_user: input.user_id,
        p_disabled: disabled,
      });
      await authUpdate(service, input.user_id, { ban_duration: disabled ? BAN_FOREVER : 'none' });
      return [200, { user: publicFields(profile) }];
    }
    case 'reset': {
      const profile = await adminRpc<Profile>(service, 'admin_reset', { ...actor, p_user: input.user_id });
      const password = oneTimePassword();
      // A disabled person stays banned (admin_reset keeps them disabled); enabling lifts it, and then this
      // one-time password works.
      await authUpdate(
        service,
        input.user_id,
        profile.status === 'disabled' ? { password } : { password, ban_duration: 'none' },
      );
      return [200, { user: publicFields(profile), one_time_password: password }];
    }
    case 'set-role': {
      const profile = await adminRpc<Profile>(service, 'admin_set_role', {
        ...actor,
        p_user: input.user_id,
        p_role: input.role,
      });
      return [200, { user: publicFields(profile) }];
    }
    case 'delete': {
      const profile = await adminRpc<Profile | null>(service, 'admin_delete_profile', {
        ...actor,
        p_user: input.user_id,
      });
      const { error } = await service.auth.admin.deleteUser(input.user_id);
      if (error?.status === 404 && !profile?.id) throw new HttpError(404, 'not_found', 'no such user');
      if (error && error.status !== 404)
        throw new HttpError(
          502,
          'auth_failed',
          `Auth refused the delete (${error.code ?? error.status}); retry`,
        );
      return [200, { deleted: input.user_id }];
    }
    case 'confirm': {
      // The holder of the root role certifies as the root (its id, the key every PC pinned) after a hand-over.
      const signer = input.key_certificate.signer;
      if (signer !== admin.id) {
        const root = await officeRoot(service);
        if (signer !== root.office_root_id || root.root_holder?.holder !== admin.id)
          throw new HttpError(400, 'invalid_input', 'key_certificate.signer: must be the confirming admin');
      }
      const profile = await adminRpc<Profile>(service, 'admin_confirm', {
        ...actor,
        p_user: input.user_id,
        p_certificate: input.key_certificate,
        p_grants: input.grants,
      });
      return [200, { user: publicFields(profile) }];
    }
    case 'take-over': {
      if (input.user_id === admin.id)
        throw new HttpError(400, 'invalid_input', 'user_id: another admin takes over what you signed');
      if (input.certificates.some((c) => c.key_certificate.signer !== admin.id))
        throw new HttpError(400, 'invalid_input', 'certificates: must be signed by the calling admin');
      const replaced = await adminRpc<number>(service, 'admin_take_over', {
        ...actor,
        p_from: input.user_id,
        p_grants: input.grants,
        p_certificates: input.certificates,
      });
      return [200, { replaced }];
    }
    case 'recovery-kit': {
      const root = await officeRoot(service);
      if (input.kit.office_root !== root.office_root_id || input.kit.root_public !== root.office_root_public)
        throw new HttpError(400, 'invalid_input', "kit: not sealed for this office's root");
      await adminRpc<null>(service, 'admin_set_recovery_kit', { ...actor, p_kit: input.kit });
      return [200, { stored: true }];
    }
    case 'take-root': {
      const root = await officeRoot(service);
      if (!root.office_root_id || !root.office_root_public)
        throw new HttpError(404, 'not_found', 'the office has no root yet');
      const signed = await rootHolderSigned(input.statement, {
        id: root.office_root_id,
        publicKey: root.office_root_public,
      });
      if (!signed || input.statement.holder !== admin.id)
        throw new HttpError(
          403,
          'forbidden',
          "statement: not signed by the office root's key for the caller",
        );
      await adminRpc<unknown>(service, 'admin_take_root', { ...actor, p_statement: input.statement });
      return [200, { holder: admin.id, n: input.statement.n }];
    }
  }
}
