import { createHash } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { toBase64Url } from './bytes';
import { DamagedError } from './damaged';
import { fingerprint } from './fingerprint';
import { generateUserKeys, openSealedVaultKey, sealVaultKey, type UserKeys } from './keys';
import {
  type ColleagueKeys,
  type GrantFields,
  type PinnedRoot,
  type Role,
  signGrant,
  signKeyCertificate,
  verifyColleague,
  verifyGrant,
} from './trust';

const ids = {
  root: '00000000-0000-4000-8000-000000000001',
  admin: '00000000-0000-4000-8000-000000000002',
  member: '00000000-0000-4000-8000-000000000003',
  mallory: '00000000-0000-4000-8000-000000000004',
  vault: '11111111-1111-4111-8111-111111111111',
};
const rootKeys = generateUserKeys();
const adminKeys = generateUserKeys();
const memberKeys = generateUserKeys();
const malloryKeys = generateUserKeys();
const root: PinnedRoot = { id: ids.root, ed25519Public: rootKeys.ed25519Public };

function colleague(
  id: string,
  keys: UserKeys,
  role: Role,
  signer?: { id: string; keys: UserKeys },
): ColleagueKeys {
  const subject = {
    id,
    role,
    x25519Public: toBase64Url(keys.x25519Public),
    ed25519Public: toBase64Url(keys.ed25519Public),
  };
  return {
    id,
    x25519Public: subject.x25519Public,
    ed25519Public: subject.ed25519Public,
    keyCertificate: signer
      ? signKeyCertificate(subject, { id: signer.id, ed25519Secret: signer.keys.ed25519Secret })
      : null,
  };
}

const directory = new Map<string, ColleagueKeys>([
  [ids.root, colleague(ids.root, rootKeys, 'admin')],
  [ids.admin, colleague(ids.admin, adminKeys, 'admin', { id: ids.root, keys: rootKeys })],
  [ids.member, colleague(ids.member, memberKeys, 'member', { id: ids.admin, keys: adminKeys })],
]);
const lookup = (id: string) => directory.get(id);

function grantBy(signerId: string, signer: UserKeys, to = memberKeys, memberId = ids.member) {
  const fields: GrantFields = {
    vaultId: ids.vault,
    memberId,
    memberPublic: toBase64Url(to.x25519Public),
    keyVersion: 1,
    sealedKey: sealVaultKey(new Uint8Array(32).fill(5), to.x25519Public, {
      vaultId: ids.vault,
      memberId,
      keyVersion: 1,
    }),
  };
  return {
    vault_id: fields.vaultId,
    member_id: fields.memberId,
    member_public: fields.memberPublic,
    key_version: fields.keyVersion,
    sealed_key: fields.sealedKey,
    granted_by: signerId,
    signature: signGrant(fields, signer.ed25519Secret),
  };
}

const self = { id: ids.member, x25519Public: memberKeys.x25519Public };

describe('grants chain to the pinned office root', () => {
  it('accepts a grant signed by the root directly, and one signed by a root-certified admin', () => {
    for (const g of [grantBy(ids.root, rootKeys), grantBy(ids.admin, adminKeys)]) {
      const ok = verifyGrant(g, self, root, lookup);
      const key = openSealedVaultKey(ok.sealed_key, memberKeys.x25519Secret, {
        vaultId: ok.vault_id,
        memberId: ok.member_id,
        keyVersion: ok.key_version,
      });
      expect(key).toEqual(new Uint8Array(32).fill(5));
    }
  });

  it('refuses a grant signed by an untrusted key', () => {
    const uncertified = new Map(directory).set(ids.mallory, colleague(ids.mallory, malloryKeys, 'admin'));
    expect(() =>
      verifyGrant(grantBy(ids.mallory, malloryKeys), self, root, (id) => uncertified.get(id)),
    ).toThrow(DamagedError);
    // Mallory claims to be the root: the pinned key, not the server's, decides.
    expect(() => verifyGrant(grantBy(ids.root, malloryKeys), self, root, lookup)).toThrow(DamagedError);
  });

  it('refuses a grant signed by a certified member (role is part of the certificate)', () => {
    const withMemberSigner = new Map(directory).set(
      ids.mallory,
      colleague(ids.mallory, malloryKeys, 'member', { id: ids.root, keys: rootKeys }),
    );
    expect(() =>
      verifyGrant(grantBy(ids.mallory, malloryKeys), self, root, (id) => withMemberSigner.get(id)),
    ).toThrow(DamagedError);
  });

  it('refuses an admin whose certificate is not from the root, or whose key the server replaced', () => {
    const chained = new Map(directory).set(
      ids.mallory,
      colleague(ids.mallory, malloryKeys, 'admin', { id: ids.admin, keys: adminKeys }),
    );
    expect(() => verifyGrant(grantBy(ids.mallory, malloryKeys), self, root, (id) => chained.get(id))).toThrow(
      DamagedError,
    );
    const swapped = new Map(directory).set(ids.admin, {
      ...(directory.get(ids.admin) as ColleagueKeys),
      ed25519Public: toBase64Url(malloryKeys.ed25519Public),
    });
    expect(() => verifyGrant(grantBy(ids.admin, malloryKeys), self, root, (id) => swapped.get(id))).toThrow(
      DamagedError,
    );
  });

  it('refuses a grant whose member public key was replaced (sealed to someone else)', () => {
    expect(() => verifyGrant(grantBy(ids.admin, adminKeys, malloryKeys), self, root, lookup)).toThrow(
      DamagedError,
    );
  });

  it('refuses a tampered grant field, a grant for someone else, and missing key material', () => {
    const g = grantBy(ids.admin, adminKeys);
    const tampered = [
      { ...g, key_version: 2 },
      { ...g, vault_id: '22222222-2222-4222-8222-222222222222' },
      { ...g, sealed_key: grantBy(ids.admin, adminKeys).sealed_key },
      { ...g, sealed_key: undefined },
      { ...g, signature: undefined },
      { ...g, signature: toBase64Url(new Uint8Array(64)) },
    ];
    for (const t of tampered) expect(() => verifyGrant(t, self, root, lookup)).toThrow(DamagedError);
    const forMallory = grantBy(ids.admin, adminKeys, malloryKeys, ids.mallory);
    expect(() => verifyGrant(forMallory, self, root, lookup)).toThrow(DamagedError);
  });
});

describe('colleague certificates', () => {
  it('accept a member certified by a root-certified admin, refuse a replaced member key', () => {
    expect(() => verifyColleague(directory.get(ids.member)!, 'member', root, lookup)).not.toThrow();
    expect(() => verifyColleague(directory.get(ids.member)!, 'admin', root, lookup)).toThrow(DamagedError);
    const replaced = { ...directory.get(ids.member)!, x25519Public: toBase64Url(malloryKeys.x25519Public) };
    expect(() => verifyColleague(replaced, 'member', root, lookup)).toThrow(DamagedError);
    expect(() => verifyColleague(directory.get(ids.root)!, 'admin', root, lookup)).toThrow(DamagedError);
  });

  it('accept the root through its self-signed certificate, and refuse its X25519 key replaced', () => {
    const selfSigned = colleague(ids.root, rootKeys, 'admin', { id: ids.root, keys: rootKeys });
    expect(() => verifyColleague(selfSigned, 'admin', root, lookup)).not.toThrow();
    const swapped = { ...selfSigned, x25519Public: toBase64Url(malloryKeys.x25519Public) };
    expect(() => verifyColleague(swapped, 'admin', root, lookup)).toThrow(DamagedError);
    // A self-signed certificate by anyone but the pinned root is worthless.
    const fake = colleague(ids.mallory, malloryKeys, 'admin', { id: ids.mallory, keys: malloryKeys });
    expect(() =>
      verifyColleague(fake, 'admin', root, (id) => (id === ids.mallory ? fake : lookup(id))),
    ).toThrow(DamagedError);
  });
});

describe('certificate nonce', () => {
  it('makes every confirmation of the same person a different certificate, each bound to its own nonce', () => {
    const again = colleague(ids.member, memberKeys, 'member', { id: ids.admin, keys: adminKeys });
    const first = directory.get(ids.member)!;
    expect(again.keyCertificate!.sig).not.toBe(first.keyCertificate!.sig);
    expect(() => verifyColleague(again, 'member', root, lookup)).not.toThrow();
    // A revocation names one certificate by its signature: the nonce cannot be swapped to make a "new" one.
    const renonced = { ...first, keyCertificate: { ...first.keyCertificate!, n: again.keyCertificate!.n } };
    expect(() => verifyColleague(renonced, 'member', root, lookup)).toThrow(DamagedError);
    const { n: _gone, ...noNonce } = first.keyCertificate!;
    expect(() =>
      verifyColleague({ ...first, keyCertificate: noNonce as never }, 'member', root, lookup),
    ).toThrow(DamagedError);
  });
});

describe('fingerprint', () => {
  it('is six groups of five digits, deterministic, and differs per key set', () => {
    const f = fingerprint(rootKeys.ed25519Public);
    expect(f).toMatch(/^\d{5}( \d{5}){5}$/);
    expect(fingerprint(rootKeys.ed25519Public)).toBe(f);
    expect(fingerprint(adminKeys.ed25519Public)).not.toBe(f);
    expect(fingerprint(rootKeys.ed25519Public, rootKeys.x25519Public)).not.toBe(f);
  });
  it('matches the documented recipe, computed independently with node:crypto and BigInt', () => {
    const key = Uint8Array.from({ length: 32 }, (_, i) => i);
    const label = Buffer.from('keyroom/v1/fingerprint');
    const field = (type: number, body: Buffer) => {
      const head = Buffer.alloc(5);
      head[0] = type;
      head.writeUInt32BE(body.length, 1);
      return Buffer.concat([head, body]);
    };
    const digest = createHash('sha256')
      .update(Buffer.concat([field(1, label), field(2, Buffer.from(key))]))
      .digest();
    const groups = [0, 5, 10, 15, 20, 25].map((i) =>
      (BigInt(`0x${digest.subarray(i, i + 5).toString('hex')}`) % 100000n).toString().padStart(5, '0'),
    );
    expect(fingerprint(key)).toBe(groups.join(' '));
    expect(fingerprint(new Uint8Array(32))).toBe('39369 95028 76237 94394 71056 73119');
  });
});
