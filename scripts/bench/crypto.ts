// npm run bench -- crypto: KDF time, envelope encrypt/decrypt per entry, decrypt of 1,000 entries,
// and search-as-you-type latency over 10,000 entries (DESIGN.md §11 budgets).
import { randomUUID } from 'node:crypto';
import { decryptEntry, type EntrySlot, encryptEntry, VaultKey } from '../../src/core/crypto/envelope';
import { deriveMasterKey, newKdfParams, splitMasterKey } from '../../src/core/crypto/kdf';
import { newVaultKeyBytes } from '../../src/core/crypto/keys';
import { decodeEntry, encodeEntry } from '../../src/core/vault/entry-schema';
import { SearchIndex } from '../../src/core/vault/search';
import { syntheticDocs } from '../../src/core/vault/search-fixtures';
import { formatMs } from './_stats';

const ms = (from: number) => performance.now() - from;

// Argon2id at the floor (64 MiB, t=3, p=1): the design wants 0.3–1 s.
const params = newKdfParams();
const kdf: number[] = [];
for (let i = 0; i < 5; i++) {
  const t = performance.now();
  splitMasterKey(await deriveMasterKey('correct horse battery staple', params));
  kdf.push(ms(t));
}
console.log(formatMs('argon2id 64 MiB t=3 p=1 + HKDF split', kdf));

// Envelopes: one realistic entry, then a first sync's worth of 1,000.
const key = new VaultKey(newVaultKeyBytes(), 1);
const vaultId = randomUUID();
const docs = syntheticDocs(10_000);
const rows = docs.slice(0, 1000).map((d) => {
  const slot: EntrySlot = { vaultId, entryId: randomUUID(), keyVersion: 1, entryVersion: 1 };
  const plain = encodeEntry({
    title: d.title,
    username: d.username,
    password: 'k7#Qp2vL!x9Z-w4R',
    url: d.url,
    notes: d.notes,
    category: d.category,
  });
  return { slot, plain };
});
const enc: number[] = [];
const envelopes = rows.map(({ slot, plain }) => {
  const t = performance.now();
  const env = encryptEntry(key, slot, plain);
  enc.push(ms(t));
  return JSON.parse(JSON.stringify(env)) as unknown;
});
const dec: number[] = [];
for (let round = 0; round < 3; round++) {
  rows.forEach(({ slot }, i) => {
    const t = performance.now();
    decodeEntry(decryptEntry(key, slot, envelopes[i]));
    dec.push(ms(t));
  });
}
console.log(formatMs('encrypt one entry (encode + envelope)', enc));
console.log(formatMs('decrypt one entry (commitment + AEAD + zod)', dec));
const batch: number[] = [];
for (let round = 0; round < 5; round++) {
  const t = performance.now();
  for (const [i, { slot }] of rows.entries()) decodeEntry(decryptEntry(key, slot, envelopes[i]));
  batch.push(ms(t));
}
console.log(formatMs('decrypt 1,000 entries', batch));

// Search: build over 10,000, then type queries letter by letter (with typos) while updates arrive.
const t0 = performance.now();
const index = new SearchIndex();
for (const d of docs) index.upsert(d);
index.search('warm-up');
console.log(`search index build, 10,000 entries: ${ms(t0).toFixed(1)} ms`);
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
const keystrokes: number[] = [];
let n = 0;
for (let round = 0; round < 5; round++) {
  for (const q of typed) {
    for (let i = 1; i <= q.length; i++) {
      if (++n % 10 === 0)
        index.upsert({ ...(docs[n % docs.length] as (typeof docs)[number]), notes: `edited ${n}` });
      const t = performance.now();
      index.search(q.slice(0, i));
      keystrokes.push(ms(t));
    }
  }
}
console.log(formatMs('search per keystroke, 10,000 entries', keystrokes));
