import { randomBytes } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { toBase64Url } from '../crypto/bytes';
import { signEntryState } from '../crypto/entry-state';
import { generateUserKeys } from '../crypto/keys';
import { type ColleagueKeys, type PinnedRoot, signKeyCertificate } from '../crypto/trust';
import { stateChangeHolds } from './state-change';

const ids = {
  root: '00000000-0000-4000-8000-000000000001',
  admin: '00000000-0000-4000-8000-000000000002',
  member: '00000000-0000-4000-8000-000000000003',
  vault: '11111111-1111-4111-8111-111111111111',
  entry: '22222222-2222-4222-8222-222222222222',
};
const rootKeys = generateUserKeys();
const adminKeys = generateUserKeys();
const memberKeys = generateUserKeys();
const root: PinnedRoot = { id: ids.root, ed25519Public: rootKeys.ed25519Public };

function certified(id: string, keys: typeof adminKeys, role: 'admin' | 'member'): ColleagueKeys {
  const subject = {
    id,
    role,
    x25519Public: toBase64Url(keys.x25519Public),
    ed25519Public: toBase64Url(keys.ed25519Public),
  };
  return {
    ...subject,
    keyCertificate: signKeyCertificate(subject, { id: ids.root, ed25519Secret: rootKeys.ed25519Secret }),
  };
}
const directory = new Map([
  [ids.admin, certified(ids.admin, adminKeys, 'admin')],
  [ids.member, certified(ids.member, memberKeys, 'member')],
]);
const signers = (id: string) => directory.get(id);

const slot = { vaultId: ids.vault, entryId: ids.entry };
/** An envelope as the server lists it, one per (version, key version): the proof names it by its digest. */
const envelopes = new Map<string, unknown>();
const envelopeAt = (version: number, kv = 1) => {
  const key = `${version}:${kv}`;
  if (!envelopes.has(key)) {
    const b = (n: number) => toBase64Url(randomBytes(n));
    envelopes.set(key, { v: 1, kv, alg: 'xchacha20poly1305', nonce: b(24), ct: b(40), cm: b(32) });
  }
  return envelopes.get(key);
};
const proof = (version: number, state: 'deleted' | 'live', by = { id: ids.admin, keys: adminKeys }, kv = 1) =>
  signEntryState(slot, { version, keyVersion: kv, envelope: envelopeAt(version, kv) }, state, {
    id: by.id,
    ed25519Secret: by.keys.ed25519Secret,
  });
const row = (version: number, deleted: boolean, state_proof: unknown, kv = 1) => ({
  id: ids.entry,
  vault_id: ids.vault,
  version,
  key_version: kv,
  envelope: envelopeAt(version, kv) as never,
  deleted_at: deleted ? '2026-01-01T00:00:00Z' : null,
  state_proof: state_proof as never,
});
const live = (version: number) => ({ version, deleted_at: null });
const gone = (version: number) => ({ version, deleted_at: '2026-01-01T00:00:00Z' });
const holds = (r: ReturnType<typeof row>, prev?: { version: number; deleted_at: string | null }) =>
  stateChangeHolds(r, prev, root, signers);

describe('a change between live and deleted', () => {
  it('needs no proof while the state stays (an edit, a rotation, a first sight of a live entry)', () => {
    expect(holds(row(4, false, null), live(3))).toBe(true);
    expect(holds(row(1, false, null))).toBe(true);
    // A rotation bumps a tombstone's version; the proof of the delete stays behind it.
    expect(holds(row(5, true, proof(4, 'deleted')), gone(4))).toBe(true);
  });

  it('takes a delete or a restore signed by the root or a root-certified admin, newer than what was seen', () => {
    expect(holds(row(4, true, proof(4, 'deleted')), live(3))).toBe(true);
    expect(holds(row(5, false, proof(5, 'live')), gone(4))).toBe(true);
    expect(holds(row(2, true, proof(2, 'deleted', { id: ids.root, keys: rootKeys })), live(1))).toBe(true);
    // A PC that never saw the entry: a tombstone with the proof of its own row.
    expect(holds(row(6, true, proof(6, 'deleted')))).toBe(true);
    // A restore's proof stays on the row through later edits.
    expect(holds(row(7, false, proof(5, 'live')), gone(4))).toBe(true);
  });

  it('refuses a tombstone whose proof names another row: an older version, another key version, another envelope', () => {
    // Deleted at 4 and later re-encrypted (by a member) as a tombstone of 6: the old delete proof does not carry over.
    expect(holds(row(6, true, proof(4, 'deleted')))).toBe(false);
    expect(holds(row(6, true, proof(4, 'deleted')), live(5))).toBe(false);
    expect(holds(row(4, true, proof(4, 'deleted', undefined, 2)), live(3))).toBe(false);
    const swapped = { ...row(4, true, proof(4, 'deleted')), envelope: envelopeAt(4, 3) as never };
    expect(holds(swapped, live(3))).toBe(false);
    // A restore made for this very version must name this very envelope.
    const relabelled = { ...row(5, false, proof(5, 'live')), envelope: envelopeAt(5, 3) as never };
    expect(holds(relabelled, gone(4))).toBe(false);
  });

  it('refuses a state change with no proof, a proof for the other state, or one from a member', () => {
    expect(holds(row(4, true, null), live(3))).toBe(false);
    expect(holds(row(4, true, null))).toBe(false);
    expect(holds(row(5, false, null), gone(4))).toBe(false);
    expect(holds(row(4, true, proof(4, 'live')), live(3))).toBe(false);
    expect(holds(row(5, false, proof(4, 'deleted')), gone(4))).toBe(false);
    expect(holds(row(4, true, proof(4, 'deleted', { id: ids.member, keys: memberKeys })), live(3))).toBe(
      false,
    );
  });

  it('refuses an old proof replayed over a newer state, and one for a version ahead of its row', () => {
    // Deleted at 2, restored at 3, edited to 6: the delete of 2 cannot make it vanish again.
    expect(holds(row(7, true, proof(2, 'deleted')), live(6))).toBe(false);
    // Restored at 5 before this PC saw the tombstone of 6: not a restore of that tombstone.
    expect(holds(row(7, false, proof(5, 'live')), gone(6))).toBe(false);
    expect(holds(row(4, true, proof(9, 'deleted')), live(3))).toBe(false);
  });

  it('refuses a proof for another entry or vault, and a malformed one', () => {
    const other = signEntryState(
      { ...slot, entryId: ids.vault },
      { version: 4, keyVersion: 1, envelope: envelopeAt(4) },
      'deleted',
      {
        id: ids.admin,
        ed25519Secret: adminKeys.ed25519Secret,
      },
    );
    expect(holds(row(4, true, other), live(3))).toBe(false);
    expect(holds(row(4, true, { ...proof(4, 'deleted'), v: 3 }), live(2))).toBe(false);
    expect(holds(row(4, true, { ...proof(4, 'deleted'), sig: 'x' }), live(3))).toBe(false);
    expect(holds(row(4, true, 'deleted'), live(3))).toBe(false);
  });
});
