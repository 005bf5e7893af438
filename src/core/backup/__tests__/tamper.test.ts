// A malicious server and the backup: what the server swapped or forged neither enters the file nor becomes an
// entry on restore. A damaged entry or earlier version is left out and counted, never backed up as something else.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { Office, type Pc, SLOW, STARTUP } from '../../__tests__/office';
import { readBackup } from '../index';
import { PASSPHRASE } from './roundtrip';

describe('a server that tampers with entries and history, against the backup', () => {
  let office: Office;
  let admin: Pc;
  const ids: Record<string, string> = {};

  const tamper = (sql: string, params: unknown[] = []) => office.tamper(sql, params);

  beforeAll(async () => {
    office = await Office.start('postgres');
    admin = await office.firstAdmin();
    const vault = admin.core.vaults()[0]!.id;
    for (const t of ['swap-a', 'swap-b', 'kept', 'edited'])
      ids[t] = (await admin.core.vault.create(vault, { title: t, password: `secret-${t}` })).id;
    const e = admin.core.vault.get(ids.edited!);
    const v2 = await admin.core.vault.update(ids.edited!, e.version, { title: 'edited', password: 'v2' });
    await admin.core.vault.update(ids.edited!, v2.version, { title: 'edited', password: 'v3' });
  }, STARTUP);
  afterAll(async () => {
    await office?.stop();
  });

  it(
    'swapped entries and a forged history version are left out and counted',
    async () => {
      await tamper(
        `update public.entries e set envelope = o.envelope, seq = nextval('public.entries_seq')
         from public.entries o where (e.id, o.id) in (($1::uuid, $2::uuid), ($2::uuid, $1::uuid))`,
        [ids['swap-a'], ids['swap-b']],
      );
      // The oldest version of `edited` now carries the ciphertext of another entry.
      await tamper(
        `update public.entry_history h set envelope = (select envelope from public.entries where id = $2::uuid)
         where h.entry_id = $1::uuid and h.version = 1`,
        [ids.edited, ids.kept],
      );
      const { file, summary } = await admin.core.backup.create(PASSPHRASE);
      expect(summary).toMatchObject({
        entries: 2,
        skippedDamaged: 2,
        historyVersions: 1,
        damagedVersions: 1,
      });
      const payload = await readBackup(file, PASSPHRASE);
      const entries = payload.vaults.flatMap((v) => v.entries);
      expect(entries.map((x) => x.entry.title).sort()).toEqual(['edited', 'kept']);
      const edited = entries.find((x) => x.entry.title === 'edited')!;
      expect(edited.history.map((h) => [h.version, h.entry.password])).toEqual([[2, 'v2']]);
      expect(JSON.stringify(payload)).not.toContain('secret-swap');
      expect(payload.skippedDamaged).toBe(2);
    },
    SLOW,
  );

  it(
    'a server that swaps vault names cannot steer a restore into the other vault: the same office matches by id',
    async () => {
      const second = await admin.core.admin.createVault('Management');
      await admin.core.vault.create(second.id, { title: 'payroll', password: 'secret-payroll' });
      const { file } = await admin.core.backup.create(PASSPHRASE);
      // The names are only the server's word (the grant signs the vault id, not its name): it swaps them.
      const first = admin.core.vaults().find((v) => v.id !== second.id)!;
      await tamper('update public.vaults set name = $2 where id = $1', [first.id, 'Management']);
      await tamper('update public.vaults set name = $2 where id = $1', [second.id, first.name]);
      // A backup re-reads the vault list and names from the server first: this PC now holds the swapped names.
      await admin.core.backup.create(PASSPHRASE);
      expect(admin.core.vaults().find((v) => v.id === second.id)?.name).toBe(first.name);
      const plan = await admin.core.backup.open(file, PASSPHRASE);
      const byId = new Map(plan.preview.vaults.map((v) => [v.targetId, v]));
      // Every backed-up vault lands on its own id, and nothing is added (all of it is already there).
      expect(plan.preview.newVaults).toBe(0);
      expect(plan.preview.toAdd).toBe(0);
      expect(byId.has(second.id) && byId.has(first.id)).toBe(true);
    },
    SLOW,
  );
});
