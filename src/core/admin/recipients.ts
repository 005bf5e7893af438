// Who may receive a vault key (DESIGN.md §4): decided by what this admin's PC can verify, never by the list the
// server hands out. A colleague is re-granted a vault only when the server lists them active AND their key
// certificate chains to the pinned root AND that certificate is not revoked AND they hold a grant at the vault's
// current key version that verifies against the chain, sealed to the key that certificate covers. Anyone the
// server lists as holding a grant without all of that is reported to the admin and sealed nothing.
//
// Revoked certificates leave the lookup altogether (colleagueKeys): a revoked admin vouches for nothing either.
import type { RotatedGrant } from '../backend/client';
import { CoreError } from '../backend/errors';
import type { ColleagueRow, GrantRow } from '../backend/rows';
import { fromBase64Url } from '../crypto/bytes';
import { sealVaultKey } from '../crypto/keys';
import {
  type ColleagueKeys,
  type PinnedRoot,
  signGrant,
  verifyColleague,
  verifyGrant,
} from '../crypto/trust';
import { colleagueKeys, type Keyring } from '../vault/keyring';

export const UNVERIFIED_REASON = 'listed by the server without a valid grant';

/** Someone the server lists as holding a vault whom this PC could not verify: told to the admin, never sealed to. */
export interface UnverifiedHolder {
  memberId: string;
  email: string;
  displayName: string;
  reason: typeof UNVERIFIED_REASON;
}

export interface Recipient {
  memberId: string;
  x25519Public: string;
}

/** The colleague's verified keys (certificate chains to the root, for the role listed), or null. */
export function verifiedKeys(
  c: ColleagueRow | undefined,
  root: PinnedRoot,
  lookup: Map<string, ColleagueKeys>,
): ColleagueKeys | null {
  const keys = c && c.status === 'active' ? lookup.get(c.id.toLowerCase()) : undefined;
  if (!c || !keys) return null;
  try {
    verifyColleague(keys, c.role, root, (id) => lookup.get(id.toLowerCase()));
    return keys;
  } catch {
    return null;
  }
}

/** True when `grant` is this colleague's, at `keyVersion`, sealed to their certified key and signed in the chain. */
export function grantHolds(
  grant: GrantRow,
  keys: ColleagueKeys,
  keyVersion: number,
  root: PinnedRoot,
  lookup: Map<string, ColleagueKeys>,
): boolean {
  const x25519Public = fromBase64Url(keys.x25519Public);
  if (grant.key_version !== keyVersion || x25519Public?.length !== 32) return false;
  try {
    verifyGrant(grant, { id: keys.id, x25519Public }, root, (id) => lookup.get(id.toLowerCase()));
    return true;
  } catch {
    return false;
  }
}

/**
 * Splits the grants the server lists for a vault into the colleagues to seal the next key to and the ones to
 * report. `skip`: the rotating admin (sealed to from their own keys) and the leaver. People the server lists as
 * not active are neither: nobody seals to them, and their old grants are what a rotation ends.
 */
export function vaultRecipients(args: {
  keyVersion: number;
  listed: GrantRow[];
  colleagues: ColleagueRow[];
  root: PinnedRoot;
  revoked: ReadonlySet<string>;
  skip: ReadonlySet<string>;
}): { recipients: Recipient[]; unverified: UnverifiedHolder[] } {
  const lookup = colleagueKeys(args.colleagues, args.revoked);
  const byId = new Map(args.colleagues.map((c) => [c.id.toLowerCase(), c]));
  const recipients: Recipient[] = [];
  const unverified: UnverifiedHolder[] = [];
  const members = new Set(args.listed.map((g) => g.member_id.toLowerCase()));
  for (const memberId of members) {
    if (args.skip.has(memberId)) continue;
    const c = byId.get(memberId);
    if (c && c.status !== 'active') continue;
    const keys = verifiedKeys(c, args.root, lookup);
    const holds =
      keys !== null &&
      args.listed.some(
        (g) =>
          g.member_id.toLowerCase() === memberId && grantHolds(g, keys, args.keyVersion, args.root, lookup),
      );
    if (keys && holds) recipients.push({ memberId: keys.id, x25519Public: keys.x25519Public });
    else
      unverified.push({
        memberId: c?.id ?? memberId,
        email: c?.email ?? '',
        displayName: c?.display_name ?? '',
        reason: UNVERIFIED_REASON,
      });
  }
  return { recipients, unverified };
}

/** A grant of `raw` (the vault key of `keyVersion`) to one member, sealed to their key and signed by this admin. */
export function sealGrant(
  me: Keyring,
  vault: { id: string; keyVersion: number },
  raw: Uint8Array,
  to: Recipient,
): RotatedGrant {
  const recipient = fromBase64Url(to.x25519Public);
  if (recipient?.length !== 32) throw new CoreError('damaged');
  const ctx = { vaultId: vault.id, memberId: to.memberId, keyVersion: vault.keyVersion };
  const sealed = sealVaultKey(raw, recipient, ctx);
  const signature = signGrant(
    {
      vaultId: vault.id,
      memberId: to.memberId,
      memberPublic: to.x25519Public,
      keyVersion: vault.keyVersion,
      sealedKey: sealed,
    },
    me.user.ed25519Secret,
  );
  return { member_id: to.memberId, member_public: to.x25519Public, sealed_key: sealed, signature };
}
