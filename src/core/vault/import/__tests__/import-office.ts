// Import through the real local stack (PGlite or PostgreSQL): a member imports an exported file, another PC
// decrypts what arrived, a second run of the same file adds nothing, and an import made offline lands after
// the cable is plugged back in. The import-*.test.ts files call this with their database kind.
import { afterAll, beforeAll, expect, it } from 'vitest';
import { Cable, MASTER, Office, type Pc, SLOW, STARTUP, until } from '../../../__tests__/office';

const password = (i: number) => `Imp0rt-secret-${i}-${'x'.repeat(i % 7)}`;

function bitwardenFile(from: number, count: number): string {
  const lines = [
    'folder,favorite,type,name,notes,fields,reprompt,login_uri,login_username,login_password,login_totp',
  ];
  for (let i = from; i < from + count; i++) {
    lines.push(
      `Imported,0,login,"Site ${i}, Köln","note ${i}\nsecond line",,0,https://site${i}.example,user${i}@office.test,${password(i)},`,
    );
  }
  return `\uFEFF${lines.join('\r\n')}\r\n`;
}

export function importScenarios(kind: 'pglite' | 'postgres'): void {
  let office: Office;
  let admin: Pc;
  let member: Pc;
  let cable: Cable;
  let vaultId: string;

  beforeAll(async () => {
    office = await Office.start(kind, { pollMs: 1_000 });
    admin = await office.firstAdmin();
    vaultId = admin.core.vaults()[0]!.id;
    cable = await Cable.to(office.stack.url);
    member = await office.colleague(admin, 'importer@office.test', 'member', cable.url);
  }, STARTUP);
  afterAll(async () => {
    await cable?.close();
    await office?.stop();
  });

  it(
    'a member imports 50 rows with one bad line; another PC decrypts them; one vault.import audit row',
    async () => {
      const text = bitwardenFile(0, 50).replace(
        '\r\nImported,0,login,"Site 7, Köln"',
        '\r\nImported,0,login,"broken\r\nImported,0,login,"Site 7, Köln"',
      );
      const plan = member.core.importEntries(vaultId, text);
      expect(plan.preview).toMatchObject({ format: 'bitwarden', ready: 50, duplicates: [] });
      expect(plan.preview.problems).toHaveLength(1);
      expect(JSON.stringify(plan.preview)).not.toContain(password(1));
      const progress: number[] = [];
      let changeEvents = 0;
      const off = member.core.events.on('entriesChanged', () => changeEvents++);
      const summary = await plan.commit({ onProgress: (done, total) => progress.push(done / total) });
      off();
      // One event for the batch, not one per entry (the renderer reloads its list on each); a pull after the
      // server's poke may race the insert's answer and bring some of the rows in its own event.
      expect(changeEvents).toBeGreaterThanOrEqual(1);
      expect(changeEvents).toBeLessThanOrEqual(3);
      expect(summary).toMatchObject({ imported: 50, queued: 0, skippedProblems: 1, failed: 0 });
      expect(progress.at(-1)).toBe(1);

      await until(
        () => admin.core.vault.list().filter((e) => e.category === 'Imported').length === 50,
        30_000,
      );
      const site3 = admin.core.vault.list().find((e) => e.title === 'Site 3, Köln')!;
      expect(await admin.core.vault.reveal(site3.id)).toBe(password(3));
      expect(admin.core.vault.get(site3.id)).toMatchObject({
        notes: 'note 3\nsecond line',
        createdBy: 'importer',
      });

      const audit = await admin.core.office.audit({ action: 'vault.import' });
      expect(audit.events).toHaveLength(1);
      expect(audit.events[0]).toMatchObject({ actorEmail: 'importer@office.test' });
      expect(audit.events[0]!.details).toContain('50');
      const creates = await admin.core.office.audit(
        {
          action: 'entry.create',
          actorId: member.core.state.state === 'unlocked' ? member.core.state.user.id : '',
        },
        { limit: 500 },
      );
      expect(creates.events).toHaveLength(50);
    },
    SLOW,
  );

  it(
    'the same file again: every row a duplicate, nothing re-added unless asked',
    async () => {
      const plan = member.core.importEntries(vaultId, bitwardenFile(0, 50));
      expect(plan.preview.ready).toBe(0);
      expect(plan.preview.duplicates).toHaveLength(50);
      expect(plan.preview.duplicates[0]).toMatchObject({ line: 2, title: 'Site 0, Köln', of: 'vault' });
      expect(await plan.commit()).toMatchObject({ imported: 0, skippedDuplicates: 50 });
      await expect(plan.commit()).rejects.toThrow(/already/);
      const asked = member.core.importEntries(vaultId, bitwardenFile(0, 2));
      expect(await asked.commit({ includeDuplicates: true })).toMatchObject({ imported: 2 });
      expect(member.core.vault.list().filter((e) => e.title === 'Site 0, Köln')).toHaveLength(2);
    },
    SLOW,
  );

  it(
    'an import while offline waits in the outbox, survives a restart, and lands with its audit row after reconnect',
    async () => {
      cable.unplug();
      const plan = member.core.importEntries(vaultId, bitwardenFile(100, 5));
      const summary = await plan.commit();
      expect(summary).toMatchObject({ imported: 0, queued: 5 });
      // Five creates and the import's own audit event, all on disk.
      expect(member.core.syncStatus.pendingChanges).toBe(6);
      expect(member.core.vault.list().filter((e) => /^Site 10\d,/.test(e.title))).toHaveLength(5);
      await member.core.dispose();
      member = await office.pc('importer', member.dir, cable.url);
      expect((await member.core.unlock(MASTER)).state).toBe('unlocked');
      expect(member.core.syncStatus.pendingChanges).toBe(6);
      const queued = member.core.vault.list().filter((e) => /^Site 10\d,/.test(e.title));
      expect(queued).toHaveLength(5);
      expect(queued.every((e) => e.pending)).toBe(true);
      cable.plug();
      await until(
        () => admin.core.vault.list().filter((e) => /^Site 10\d,/.test(e.title)).length === 5,
        60_000,
      );
      const e = admin.core.vault.list().find((x) => x.title === 'Site 104, Köln')!;
      expect(await admin.core.vault.reveal(e.id)).toBe(password(104));
      await until(() => member.core.syncStatus.pendingChanges === 0, 30_000);
      // The import's own audit row follows once the server answers again (first run, the asked duplicates, this).
      const end = Date.now() + 30_000;
      let imports = 0;
      while (imports < 3 && Date.now() < end) {
        imports = (await admin.core.office.audit({ action: 'vault.import' })).events.length;
        if (imports < 3) await new Promise((r) => setTimeout(r, 500));
      }
      expect(imports).toBe(3);
    },
    SLOW,
  );
}
