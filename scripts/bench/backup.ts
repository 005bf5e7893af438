// npm run bench -- backup [--entries 1000] [--runs 5] [--db pglite,postgres]
// DESIGN.md §11 budgets "backup, and restore, of 1,000 entries ≤ 3 s each". On a real local stack, one admin's
// vault of `entries` entries (every field filled, a TOTP key and a hidden custom field):
//  - backup: pull, read the decrypted entries, Argon2id on the passphrase, encrypt the file, audit row;
//  - restore: Argon2id, decrypt and validate the file, the preview against what is there, then each entry
//    encrypted under the target vault's key and sent in batches, and the audit row. Each run restores into a
//    vault of its own name, so every run writes all `entries`.
// PostgreSQL is skipped when it cannot be reached.
import { loadavg } from 'node:os';
import { parseArgs } from 'node:util';
import { Office } from '../../src/core/__tests__/office';
import { readBackup } from '../../src/core/backup/index';
import type { EntryInput } from '../../src/core/vault/entry-schema';
import { postgresReachable } from '../test/pg';
import { formatMs, summarize } from './_stats';

const { values } = parseArgs({
  options: {
    entries: { type: 'string', default: '1000' },
    runs: { type: 'string', default: '5' },
    db: { type: 'string', default: 'pglite,postgres' },
  },
});
const ENTRIES = Number(values.entries);
const RUNS = Number(values.runs);
const PASSPHRASE = 'granite lantern violet harbour 19';

function entries(): EntryInput[] {
  return Array.from({ length: ENTRIES }, (_, i) => ({
    title: `Site ${i}`,
    username: `user${i}@office.test`,
    password: `pw-${i}-Zq8!x-${i * 7919}`,
    url: `https://s${i}.example/login`,
    notes: `notes for ${i}\nwith a second line`,
    category: `Category ${i % 12}`,
    totp: 'JBSWY3DPEHPK3PXP',
    fields: [{ name: 'PIN', value: String(1000 + i), hidden: true }],
  }));
}

const load = () =>
  loadavg()
    .map((l) => l.toFixed(2))
    .join(' ');

for (const kind of values.db.split(',') as ('pglite' | 'postgres')[]) {
  if (kind === 'postgres' && !(await postgresReachable())) {
    console.log('postgres: not reachable, skipped');
    continue;
  }
  const office = await Office.start(kind);
  try {
    const admin = await office.firstAdmin();
    const vaultId = admin.core.vaults()[0]!.id;
    const made = await admin.core.vault.createMany(vaultId, entries());
    if (made.created !== ENTRIES) throw new Error(`created ${made.created} of ${ENTRIES}`);

    const backup: number[] = [];
    let file: Uint8Array = new Uint8Array();
    for (let run = 0; run < RUNS; run++) {
      const t0 = performance.now();
      const r = await admin.core.backup.create(PASSPHRASE);
      backup.push(performance.now() - t0);
      if (r.summary.entries !== ENTRIES) throw new Error(`backed up ${r.summary.entries} of ${ENTRIES}`);
      file = r.file;
    }

    const restore: number[] = [];
    const preview: number[] = [];
    for (let run = 0; run < RUNS; run++) {
      const t0 = performance.now();
      const payload = await readBackup(file, PASSPHRASE);
      // A vault of its own name each run: the restore writes all of it, as into a fresh office.
      for (const v of payload.vaults) v.name = `Restored ${run}`;
      const plan = await admin.core.backup.plan(payload);
      const t1 = performance.now();
      const s = await plan.commit();
      restore.push(performance.now() - t0);
      preview.push(t1 - t0);
      if (s.added !== ENTRIES) throw new Error(`restored ${s.added} of ${ENTRIES}`);
    }
    console.log(
      `${kind}: backup and restore of ${ENTRIES} entries (${file.length} bytes; load average ${load()})`,
    );
    console.log(`  ${formatMs('backup (pull + collect + Argon2id + encrypt + audit)', backup)}`);
    console.log(`  ${formatMs('restore: open + preview (Argon2id + decrypt + validate + match)', preview)}`);
    console.log(`  ${formatMs('restore: open + preview + encrypt + upload + audit', restore)}`);
    console.log(
      `  entries/s at p50: backup ${Math.round(ENTRIES / (summarize(backup).p50 / 1000))}, restore ${Math.round(ENTRIES / (summarize(restore).p50 / 1000))}`,
    );
  } finally {
    await office.stop();
  }
}
