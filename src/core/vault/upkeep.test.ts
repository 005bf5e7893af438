// Health, export and trash through the real local stack (PGlite): what an admin's PC works out and what the
// server keeps. The export goes back in through the importer into another vault, every field identical.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { Office, type Pc, SLOW, STARTUP, until } from '../__tests__/office';

let office: Office;
let admin: Pc;
let member: Pc;
let vaultId: string;

const STRONG = 'v7#Kq2!pZr9@xL4m&Tw8';

beforeAll(async () => {
  office = await Office.start('pglite', { pollMs: 1_000 });
  admin = await office.firstAdmin();
  vaultId = admin.core.vaults()[0]!.id;
  member = await office.colleague(admin, 'member@office.test', 'member');
}, STARTUP);
afterAll(async () => {
  await office?.stop();
});

describe('vault upkeep', () => {
  it(
    'health: weak and reused flagged for the admin and for a member, within what each reads',
    async () => {
      await admin.core.vault.create(vaultId, { title: 'Wifi', username: 'office', password: 'password1' });
      await admin.core.vault.create(vaultId, { title: 'Mail', username: 'anna', password: STRONG });
      await admin.core.vault.create(vaultId, { title: 'Shop', username: 'anna', password: STRONG });
      await admin.core.vault.create(vaultId, {
        title: 'Bank',
        username: 'b',
        password: 'Another-Long-one-88!x',
        notes: 'n',
        fields: [{ name: 'PIN', value: '0000', hidden: true }],
        category: 'Money',
      });
      const report = admin.core.upkeep.health(365);
      expect(report.vaults).toEqual([
        expect.objectContaining({ vaultId, entries: 4, weak: 1, reused: 2, old: 0, toChange: 3 }),
      ]);
      expect(report.entries.map((e) => [e.summary.title, e.flags])).toEqual([
        ['Mail', ['reused']],
        ['Shop', ['reused']],
        ['Wifi', ['weak']],
      ]);
      // Every entry is "old" when the limit is 0 days.
      expect(admin.core.upkeep.health(0).vaults[0]).toMatchObject({ old: 4, toChange: 4 });
      await until(() => member.core.vault.list().length === 4, 20_000);
      const flags = member.core.upkeep.flags(365);
      expect(flags.size).toBe(3);
      expect(() => member.core.upkeep.health(365)).toThrow(/Only an admin/);
    },
    SLOW,
  );

  it(
    'export: a member is refused; the admin’s CSV and JSON re-import identically; audited as vault.export',
    async () => {
      await expect(member.core.upkeep.exportVault(vaultId, 'json')).rejects.toThrow(/Only an admin/);
      const json = await admin.core.upkeep.exportVault(vaultId, 'json');
      expect(json.count).toBe(4);
      const plan = admin.core.importEntries(vaultId, json.text);
      expect(plan.preview).toMatchObject({ format: 'bitwardenjson', rows: 4, duplicateCount: 4, ready: 0 });
      const csv = await admin.core.upkeep.exportVault(vaultId, 'csv');
      expect(admin.core.importEntries(vaultId, csv.text).preview).toMatchObject({
        format: 'bitwarden',
        duplicateCount: 4,
      });
      // Re-imported into a fresh vault, every field is what it was.
      const { id: other } = await admin.core.admin.createVault('Leaving');
      await until(() => admin.core.vaults().some((v) => v.id === other), 20_000);
      await admin.core.importEntries(other, json.text).commit();
      const fieldsOf = (v: string) =>
        admin.core.vault
          .list()
          .filter((e) => e.vaultId === v)
          .map((e) => {
            const d = admin.core.vault.get(e.id);
            return [d.title, d.username, d.url, d.notes, d.category, d.fields];
          });
      expect(fieldsOf(other)).toEqual(fieldsOf(vaultId));
      const audit = await admin.core.office.audit({ action: 'vault.export' });
      expect(audit.events).toHaveLength(2);
      expect(audit.events.map((e) => e.details).join(' ')).toContain('bitwardencsv');
    },
    SLOW,
  );

  it(
    'trash: a deleted entry is listed, restored through the signed path, deleted again and purged for good',
    async () => {
      const wifi = admin.core.vault.list().find((e) => e.title === 'Wifi' && e.vaultId === vaultId)!;
      const gone = await admin.core.vault.remove(wifi.id, wifi.version);
      expect((await admin.core.upkeep.trash()).map((t) => t.summary.id)).toEqual([wifi.id]);
      await expect(member.core.upkeep.trash()).rejects.toThrow(/Only an admin/);
      const back = await admin.core.upkeep.restore(wifi.id, gone.version);
      expect(back.deletedAt).toBeNull();
      expect(await admin.core.upkeep.trash()).toEqual([]);
      await expect(admin.core.upkeep.purge(wifi.id)).rejects.toThrow(/Only an entry in the trash/);
      const again = await admin.core.vault.remove(wifi.id, back.version);
      await admin.core.upkeep.purge(again.id);
      expect(await admin.core.upkeep.trash()).toEqual([]);
      expect(admin.core.vault.list(true).some((e) => e.id === wifi.id)).toBe(false);
      const trail = await admin.core.office.audit({ entryId: wifi.id });
      expect(trail.events.map((e) => e.action)).toEqual(
        expect.arrayContaining(['entry.create', 'entry.delete', 'entry.restore', 'entry.purge']),
      );
    },
    SLOW,
  );

  it(
    'tamper: a delete the server made itself (deleted_at set, no proof) is damaged, not a trash item to restore or purge',
    async () => {
      const mail = admin.core.vault.list().find((e) => e.title === 'Mail' && e.vaultId === vaultId)!;
      await office.stack.db.transaction(async (tx) => {
        await tx.query('set local session_replication_role = replica');
        await tx.query(
          `update public.entries set deleted_at = now(), version = version + 1, seq = nextval('public.entries_seq')
           where id = $1`,
          [mail.id],
        );
      });
      await admin.core.syncNow();
      expect(admin.core.vault.list().find((e) => e.id === mail.id)).toMatchObject({
        damaged: true,
        deletedAt: null,
      });
      // The server lists it as a tombstone; this PC never accepted one, so the trash does not offer it.
      expect((await admin.core.upkeep.trash()).map((t) => t.summary.id)).not.toContain(mail.id);
      await expect(admin.core.upkeep.purge(mail.id)).rejects.toThrow(/Only an entry in the trash/);
      // A damaged entry has no password to judge, nor to export.
      expect(admin.core.upkeep.health(365).entries.map((e) => e.summary.id)).not.toContain(mail.id);
      const exported = await admin.core.upkeep.exportVault(vaultId, 'json');
      expect(exported.text).not.toContain('"Mail"');
      expect(exported.skipped).toBe(1);
    },
    SLOW,
  );
});
