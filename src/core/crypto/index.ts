// The client core's crypto, in one import. How the pieces fit (DESIGN.md §4):
//
//   enrollment   params = newKdfParams(); mk = await deriveMasterKey(pw, params);
//                { authSecret, wrapKey } = splitMasterKey(mk)   // authSecret → Supabase Auth password
//                keys = generateUserKeys(); wrapped = wrapUserKeys(new WrapKey(wrapKey), userId, keys)
//                → profiles.{kdf, wrapped_keys, x25519_public, ed25519_public}; show fingerprint(...)
//   unlock       mk = await deriveMasterKey(pw, profile.kdf)   // floor checked before Argon2 runs
//                keys = unwrapUserKeys(new WrapKey(wrapKey), userId, profile.wrapped_keys, listedPublics)
//   confirm      verifyColleague(...) then signKeyCertificate(member, admin) → profiles.key_certificate
//   grant        sealed = sealVaultKey(vaultKey, memberX25519, ctx); signature = signGrant(fields, adminEd25519)
//   open vault   g = verifyGrant(row, self, pinnedRoot, lookup); raw = openSealedVaultKey(g.sealed_key, ...)
//                key = new VaultKey(raw, g.key_version)
//   entries      encryptEntry(key, slot, bytes) / decryptEntry(key, slot, row.envelope)
//   lock         key.wipe(); wipeUserKeys(keys); wipe(wrapKey)
//
// Every failure to open or verify is DamagedError with one fixed message.
export { fromBase64Url, toBase64Url, wipe } from './bytes';
export { DAMAGED_MESSAGE, DamagedError } from './damaged';
export {
  decryptEntry,
  type EntryEnvelope,
  EntryEnvelopeSchema,
  type EntrySlot,
  encryptEntry,
  VaultKey,
  type WrappedEnvelope,
  WrappedEnvelopeSchema,
} from './envelope';
export { fingerprint } from './fingerprint';
export {
  deriveMasterKey,
  KDF_FLOOR,
  type KdfParams,
  KdfParamsSchema,
  newKdfParams,
  splitMasterKey,
} from './kdf';
export {
  generateUserKeys,
  newVaultKeyBytes,
  openSealedVaultKey,
  type SealContext,
  sealVaultKey,
  type UserKeys,
  unwrapUserKeys,
  WrapKey,
  wipeUserKeys,
  wrapUserKeys,
} from './keys';
export {
  type ColleagueKeys,
  type Grant,
  type GrantFields,
  GrantSchema,
  type KeyCertificate,
  KeyCertificateSchema,
  type Lookup,
  type PinnedRoot,
  type Role,
  signGrant,
  signKeyCertificate,
  trustedAdminKey,
  verifyColleague,
  verifyGrant,
} from './trust';
