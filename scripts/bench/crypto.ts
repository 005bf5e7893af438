// npm run bench -- crypto: KDF time, unlock after the KDF, envelope encrypt/decrypt per entry,
// decrypt of 1,000 entries, and search-as-you-type latency over 10,000 entries (DESIGN.md §11).
// Every figure is given twice: wall time, and this process's CPU time, which stays meaningful
// when other work shares the machine's two cores (the load average is printed).
import { randomUUID } from 'node:crypto';
import { loadavg } from 'node:os';
import { toBase64Url } from '../../src/core/crypto/bytes';
import { decryptEntry, type EntrySlot, encryptEntry, VaultKey } from '../../src/core/crypto/envelope';
import { deriveMasterKey, newKdfParams, splitMasterKey } from '../../src/core/crypto/kdf';
import {
  generateUserKeys,
  newVaultKeyBytes,
  openSealedVaultKey,
  sealVaultKey,
  unwrapUserKeys,
  WrapKey,
  wrapUserKeys,
} from '../../src/core/crypto/keys';
import { signGrant, verifyGrant } from '../../src/core/crypto/trust';
import { decodeEntry, encodeEntry } from '../../src/core/vault/entry-schema';
import { SearchIndex } from '../../src/core/vault/search';
import { syntheticDocs } from '../../src/core/vault/search-fixtures';
import { formatMs } from './_stats';

const cpuMs = () => {
  const u = process.cpuUsage();
  return (u.user + u.system) / 1000;
};

/** Collects wall and CPU samples of repeated steps and prints both lines. */
class Samples {
  readonly wall: number[] = [];
  readonly cpu: number[] = [];
  constructor(readonly label: string) {}
  async time<T>(step: () => T | Promise<T>): Promise<T> {
    const c = cpuMs();
    const t = performance.now();
    const out = await step();
    this.wall.push(performance.now() - t);
    this.cpu.push(cpuMs() - c);
    return out;
  }
  print(): void {
    console.log(formatMs(this.label, this.wall));
    console.log(formatMs(`${this.label} [CPU]`, this.cpu));
  }
}

console.log(`load average at start: ${loadavg()[0]?.toFixed(1)} (2 cores)`);

// Argon2id at the floor (64 MiB, t=3, p=1): the design wants 0.3–1 s.
const params = newKdfParams();
const kdf = new Samples('argon2id 64 MiB t=3 p=1 + HKDF split');
for (let i = 0; i < 5; i++)
  await kdf.time(async () => splitMasterKey(await deriveMasterKey('correct horse', params)));
kdf.print();

// Unlock after the KDF: unwrap the private keys, then verify and open 5 vault grants.
const userId = randomUUID();
const root = { id: randomUUID(), keys: generateUserKeys() };
const me = generateUserKeys();
const wrapRaw = newVaultKeyBytes();
const pin = { root: { id: root.id, ed25519Public: root.keys.ed25519Public } };
const wrapped = JSON.parse(JSON.stringify(wrapUserKeys(new WrapKey(wrapRaw), userId, me, pin))) as unknown;
const grants = Array.from({ length: 5 }, () => {
  const fields = {
    vaultId: randomUUID(),
    memberId: userId,
    memberPublic: toBase64Url(me.x25519Public),
    keyVersion: 1,
    sealedKey: '',
  };
  fields.sealedKey = sealVaultKey(newVaultKeyBytes(), me.x25519Public, { ...fields });
  return {
    vault_id: fields.vaultId,
    member_id: userId,
    member_public: fields.memberPublic,
    key_version: 1,
    sealed_key: fields.sealedKey,
    granted_by: root.id,
    signature: signGrant(fields, root.keys.ed25519Secret),
  };
});
const pinned = { id: root.id, ed25519Public: root.keys.ed25519Public };
const unlock = new Samples('unlock after KDF (unwrap keys, verify + open 5 grants)');
for (let i = 0; i < 50; i++) {
  await unlock.time(() => {
    const keys = unwrapUserKeys(new WrapKey(wrapRaw), userId, wrapped, me);
    const self = { id: userId, x25519Public: keys.x25519Public };
    return grants.map((g) => {
      const ok = verifyGrant(g, self, pinned, () => undefined);
      const ctx = { vaultId: ok.vault_id, memberId: userId, keyVersion: ok.key_version };
      return new VaultKey(openSealedVaultKey(ok.sealed_key, keys.x25519Secret, ctx), ok.key_version);
    });
  });
}
unlock.print();

// Envelopes: per entry, then a first sync's worth of 1,000.
const key = new VaultKey(newVaultKeyBytes(), 1);
const vaultId = randomUUID();
const docs = syntheticDocs(10_000);
const rows = docs.slice(0, 1000).map((d) => {
  const slot: EntrySlot = { vaultId, entryId: randomUUID(), keyVersion: 1, entryVersion: 1 };
  const { id: _id, ...summary } = d;
  return { slot, plain: encodeEntry({ ...summary, password: 'k7#Qp2vL!x9Z-w4R' }) };
});
const enc = new Samples('encrypt one entry (envelope)');
const envelopes: unknown[] = [];
for (const { slot, plain } of rows) {
  envelopes.push(JSON.parse(JSON.stringify(await enc.time(() => encryptEntry(key, slot, plain)))));
}
enc.print();
const dec = new Samples('decrypt one entry (commitment + AEAD + zod)');
for (let round = 0; round < 3; round++) {
  for (const [i, { slot }] of rows.entries())
    await dec.time(() => decodeEntry(decryptEntry(key, slot, envelopes[i])));
}
dec.print();
const batch = new Samples('decrypt 1,000 entries');
for (let round = 0; round < 5; round++) {
  await batch.time(() => {
    for (const [i, { slot }] of rows.entries()) decodeEntry(decryptEntry(key, slot, envelopes[i]));
  });
}
batch.print();

// Search: build over 10,000, then type queries letter by letter (with typos) while updates arrive.
const build = new Samples('search index build, 10,000 entries');
const index = new SearchIndex();
await build.time(() => {
  for (const d of docs) index.upsert(d);
  index.search('warm-up');
});
build.print();
const typed = [
  'github',
  'office 365 anna',
  'pasword',
  'finance',
  'gihtub',
  'wi-fi guest',
  'revolut',
  'slak',
  'renew march',
];
const keystroke = new Samples('search per keystroke, 10,000 entries');
let n = 0;
for (let round = 0; round < 5; round++) {
  for (const q of typed) {
    for (let i = 1; i <= q.length; i++) {
      const d = docs[++n % docs.length];
      if (n % 10 === 0 && d) index.upsert({ ...d, notes: `edited ${n}` });
      await keystroke.time(() => index.search(q.slice(0, i)));
    }
  }
}
keystroke.print();
console.log(`load average at end: ${loadavg()[0]?.toFixed(1)} (2 cores)`);
