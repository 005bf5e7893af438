import { randomBytes } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { toBase64Url } from './bytes';
import { generateUserKeys } from './keys';
import { certificateKey, type Revocation, signRevocation, verifiedRevocations } from './revocation';
import { type ColleagueKeys, type PinnedRoot, signKeyCertificate } from './trust';

const id = (n: number) => `00000000-0000-4000-8000-00000000000${n}`;
const keys = [0, 1, 2, 3, 4].map(() => generateUserKeys());
const root: PinnedRoot = { id: id(0), ed25519Public: keys[0]!.ed25519Public };
const signer = (n: number) => ({ id: id(n), ed25519Secret: keys[n]!.ed25519Secret });

function person(n: number, role: 'admin' | 'member', by = 0): ColleagueKeys {
  const pub = {
    x25519Public: toBase64Url(keys[n]!.x25519Public),
    ed25519Public: toBase64Url(keys[n]!.ed25519Public),
  };
  return { id: id(n), ...pub, keyCertificate: signKeyCertificate({ id: id(n), role, ...pub }, signer(by)) };
}
// Root 0; admins 1, 2, 3 certified by the root; member 4 certified by admin 1.
const people = [
  person(0, 'admin'),
  person(1, 'admin'),
  person(2, 'admin'),
  person(3, 'admin'),
  person(4, 'member', 1),
];
const lookup = (x: string) => people.find((p) => p.id === x);
const revoke = (subject: number, by: number) =>
  signRevocation(id(subject), people[subject]!.keyCertificate!, signer(by));
const key = (subject: number) => certificateKey(id(subject), people[subject]!.keyCertificate!);
const judge = (listed: Revocation[], known?: Set<string>) => verifiedRevocations(root, listed, lookup, known);
function bothOrders<T>(xs: T[]): T[][] {
  return [xs, [...xs].reverse()];
}

describe('verifiedRevocations', () => {
  it('counts revocations signed by the root or a root-certified admin', () => {
    const { revoked, refused } = judge([revoke(1, 0), revoke(4, 2)]);
    expect(revoked).toEqual(new Set([key(1), key(4)]));
    expect(refused).toEqual([]);
  });

  it('refuses a junk signature, a forged signer and a member as signer, and reports them', () => {
    const junk = { ...revoke(2, 1), signature: toBase64Url(randomBytes(64)) };
    const byStranger = { ...revoke(2, 1), revoked_by: '00000000-0000-4000-8000-000000000009' };
    const byMember = revoke(2, 4);
    const { revoked, refused } = judge([junk, byStranger, byMember]);
    expect(revoked.size).toBe(0);
    expect(refused).toEqual([junk, byStranger, byMember]);
  });

  it('refuses a revocation of the office root, without reporting it', () => {
    const { revoked, refused } = judge([revoke(0, 1)]);
    expect(revoked.size).toBe(0);
    expect(refused).toEqual([]);
  });

  it('an admin the root revoked revokes nothing, whatever order the server lists the rows in', () => {
    for (const listed of bothOrders([revoke(2, 1), revoke(1, 0)])) {
      const { revoked, refused } = judge(listed);
      expect(revoked).toEqual(new Set([key(1)]));
      expect(refused).toEqual([listed.find((r) => r.revoked_by === id(1))]);
    }
  });

  it('a chain is followed through: the root revokes 1, whose revocation of 2 does not count, so 2 still revokes 3', () => {
    for (const listed of bothOrders([revoke(3, 2), revoke(2, 1), revoke(1, 0)])) {
      expect(judge(listed).revoked).toEqual(new Set([key(1), key(3)]));
    }
  });

  it('two admins who revoked each other are both revoked (fail closed), in either order', () => {
    for (const listed of bothOrders([revoke(1, 2), revoke(2, 1)])) {
      expect(judge(listed).revoked).toEqual(new Set([key(1), key(2)]));
    }
  });

  it('a revocation this PC kept still counts against its signer when the server deletes the row', () => {
    const { revoked, refused } = judge([revoke(4, 1)], new Set([key(1)]));
    expect(revoked).toEqual(new Set([key(1)]));
    expect(refused).toHaveLength(1);
  });
});
