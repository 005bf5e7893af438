// npm run bench -- import [--entries 1000] [--runs 5] [--db pglite,postgres]
// DESIGN.md §11 budgets "import 1,000 entries ≤ 5 s". Each run imports a fresh Bitwarden-style file of
// `entries` rows through KeyroomCore.importEntries on a real local stack: parse + validate + duplicate check,
// then commit (encrypt each entry, batched inserts, the server's triggers and audit rows, local apply).
// PostgreSQL is skipped when it cannot be reached.
import { loadavg } from 'node:os';
import { parseArgs } from 'node:util';
import { Office } from '../../src/core/__tests__/office';
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

function file(run: number): string {
  const lines = [
    'folder,favorite,type,name,notes,fields,reprompt,login_uri,login_username,login_password,login_totp',
  ];
  for (let i = 0; i < ENTRIES; i++) {
    lines.push(
      `Bench ${run},0,login,"Site ${run}-${i}","notes for ${i}\nwith a second line",,0,https://s${i}.example/login,user${i}@office.test,pw-${run}-${i}-Zq8!x,`,
    );
  }
  return lines.join('\r\n');
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
    const parse: number[] = [];
    const total: number[] = [];
    for (let run = 0; run < RUNS; run++) {
      const text = file(run);
      const t0 = performance.now();
      const plan = admin.core.importEntries(vaultId, text);
      const t1 = performance.now();
      const summary = await plan.commit();
      const t2 = performance.now();
      if (summary.imported !== ENTRIES) throw new Error(`imported ${summary.imported} of ${ENTRIES}`);
      parse.push(t1 - t0);
      total.push(t2 - t0);
    }
    const p50 = summarize(total).p50;
    console.log(`${kind}: import ${ENTRIES} entries (load average ${load()})`);
    console.log(`  ${formatMs('parse + check', parse)}`);
    console.log(`  ${formatMs('parse + encrypt + upload', total)}`);
    console.log(`  entries/s at p50: ${Math.round(ENTRIES / (p50 / 1000))}`);
  } finally {
    await office.stop();
  }
}
