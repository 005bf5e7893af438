// The office backup round trip, run by the PGlite and PostgreSQL suites: an office with every kind of field,
// history and a deleted entry is backed up; the file is refused whole when anything about it is wrong; it is
// restored into a fresh office's first admin with every entry and field identical; an interrupted restore and a
// second restore add nothing twice.
import { afterAll, beforeAll, expect, it } from 'vitest';
import { BACKUP_MESSAGES } from '../../../shared/errors';
import { Office, type Pc, SLOW, STARTUP } from '../../__tests__/office';
import { CoreError } from '../../backend/errors';
import type { Entry, EntryInput } from '../../vault/entry-schema';
import { readBackup } from '../index';
import { entryFingerprint } from '../restore';

export const PASSPHRASE = 'granite lantern violet harbour 19';

export const FIXTURES: EntryInput[] = [
  {
    title: 'Bank portal',
    username: 'accounts@office.test',
    password: 'S3cret-bank-pw!',
    url: 'https://bank.example',
    notes: 'Call Anna before changing\nline two',
    category: 'Finance',
    totp: 'JBSWY3DPEHPK3PXP',
    fields: [
      { name: 'PIN', value: '4711', hidden: true },
      { name: 'Customer no.', value: 'C-0042', hidden: false },
    ],
  },
  { title: 'Wi-Fi', username: 'office', password: 'wifi-pw-unique', category: 'Network' },
  // Two identical entries: the restore brings both, and a second run neither.
  { title: 'Twin', username: 'same', password: 'twin-pw' },
  { title: 'Twin', username: 'same', password: 'twin-pw' },
];

/** Reads every entry in full (password, TOTP key, hidden fields) by making a backup and opening it. */
export async function snapshot(pc: Pc): Promise<Map<string, Entry[]>> {
  const { file } = await pc.core.backup.create(PASSPHRASE);
  const payload = await readBackup(file, PASSPHRASE);
  const out = new Map<string, Entry[]>();
  for (const v of payload.vaults) {
    const list = v.entries.map((e) => e.entry);
    list.sort((a, b) => entryFingerprint(a).localeCompare(entryFingerprint(b)));
    if (list.length > 0) out.set(v.name, [...(out.get(v.name) ?? []), ...list]);
  }
  return out;
}

export async function refusal(p: Promise<unknown>): Promise<CoreError> {
  const err = await p.then(
    () => null,
    (e: unknown) => e,
  );
  if (!(err instanceof CoreError)) throw new Error(`expected a CoreError, got ${String(err)}`);
  return err;
}

export function backupRoundTrip(kind: 'pglite' | 'postgres'): void {
  let source: Office;
  let target: Office;
  let admin: Pc;
  let fresh: Pc;
  let file: Uint8Array;
  let before: Map<string, Entry[]>;

  beforeAll(async () => {
    source = await Office.start(kind);
    target = await Office.start(kind);
  }, STARTUP);
  afterAll(async () => {
    await source?.stop();
    await target?.stop();
  });

  it(
    'an admin backs up every vault: all fields, categories and history, audited, no plaintext in the file',
    async () => {
      admin = await source.firstAdmin();
      const main = admin.core.vaults()[0]!.id;
      const second = (await admin.core.admin.createVault('Second office')).id;
      for (const f of FIXTURES) await admin.core.vault.create(main, f);
      const edited = await admin.core.vault.create(second, { title: 'Router', password: 'router-v1' });
      const v2 = await admin.core.vault.update(edited.id, 1, { title: 'Router', password: 'router-v2' });
      await admin.core.vault.update(edited.id, v2.version, { title: 'Router', password: 'router-v3' });
      const gone = await admin.core.vault.create(second, { title: 'Old thing', password: 'deleted-pw' });
      await admin.core.vault.remove(gone.id, 1);

      const progress: string[] = [];
      const made = await admin.core.backup.create(PASSPHRASE, (p) => progress.push(p.phase));
      file = made.file;
      expect(made.summary).toMatchObject({ vaults: 2, entries: FIXTURES.length + 1, historyVersions: 2 });
      expect(progress).toContain('history');
      expect(progress.at(-1)).toBe('encrypting');

      const text = Buffer.from(file).toString('latin1');
      for (const needle of [
        'Bank portal',
        'S3cret-bank-pw!',
        'JBSWY3DPEHPK3PXP',
        '4711',
        'Second office',
        'router-v1',
      ])
        expect(text).not.toContain(needle);

      const payload = await readBackup(file, PASSPHRASE);
      const router = payload.vaults.find((v) => v.name === 'Second office')!.entries[0]!;
      expect(router.entry.password).toBe('router-v3');
      expect(router.history.map((h) => [h.version, h.entry.password])).toEqual([
        [2, 'router-v2'],
        [1, 'router-v1'],
      ]);
      expect(payload.vaults.find((v) => v.id === main)!.categories).toEqual(['Finance', 'Network']);
      // The deleted entry is not backed up (it is in the trash of the office, not among its passwords).
      expect(JSON.stringify(payload)).not.toContain('deleted-pw');

      const audit = await admin.core.office.audit({ action: 'vault.export' });
      expect(audit.events.length).toBeGreaterThanOrEqual(1);
      before = await snapshot(admin);
    },
    SLOW,
  );

  it(
    'a member can neither back up nor restore (history and every vault are admin matters)',
    async () => {
      const member = await source.colleague(admin, 'emp@office.test', 'member');
      for (const p of [member.core.backup.create(PASSPHRASE), member.core.backup.open(file, PASSPHRASE)]) {
        const err = await refusal(p);
        expect([err.code, err.message]).toEqual(['forbidden', BACKUP_MESSAGES.adminOnly]);
      }
    },
    SLOW,
  );

  it(
    'a weak backup passphrase is refused before anything is read',
    async () => {
      for (const weak of ['short', 'password1234567890', 'aaaaaaaaaaaaaaaaaaaaaa']) {
        const err = await refusal(admin.core.backup.create(weak));
        expect(err.message).toBe(BACKUP_MESSAGES.weakPassphrase);
      }
    },
    SLOW,
  );

  it(
    'a wrong passphrase, a truncated file and any altered byte are refused alike; nothing is written',
    async () => {
      fresh = await target.firstAdmin('new-boss@office.test');
      const startCount = fresh.core.vault.list().length;
      const altered = (at: number) => {
        const copy = file.slice();
        copy[at] = copy[at]! ^ 0x01;
        return copy;
      };
      const bad: [string, Uint8Array, string][] = [
        ['wrong passphrase', file, 'granite lantern violet harbour 20'],
        ['truncated', file.slice(0, file.length - 1), PASSPHRASE],
        ['half', file.slice(0, file.length >> 1), PASSPHRASE],
        ['magic', altered(0), PASSPHRASE],
        ['version', altered(8), PASSPHRASE],
        ['header', altered(20), PASSPHRASE],
        ['ciphertext', altered(file.length - 40), PASSPHRASE],
        ['tag', altered(file.length - 1), PASSPHRASE],
        ['appended', new Uint8Array([...file, 0]), PASSPHRASE],
        ['empty', new Uint8Array(), PASSPHRASE],
      ];
      for (const [what, bytes, pass] of bad) {
        const err = await refusal(fresh.core.backup.open(bytes, pass));
        expect(err.message, what).toBe(BACKUP_MESSAGES.unreadable);
      }
      expect(fresh.core.vault.list().length).toBe(startCount);
      expect(fresh.core.vaults().length).toBe(1);
    },
    SLOW,
  );

  it(
    'an interrupted restore, run again, adds only what is missing; every entry and field arrives identical',
    async () => {
      // The interruption: a first run that got through one vault and half of another.
      const payload = await readBackup(file, PASSPHRASE);
      const partial = {
        ...payload,
        vaults: payload.vaults.map((v, i) => (i === 0 ? { ...v, entries: v.entries.slice(0, 2) } : v)),
      };
      const first = await (await fresh.core.backup.plan(partial)).commit();
      expect(first).toMatchObject({ added: 3, failed: 0, queued: 0 });

      const plan = await fresh.core.backup.open(file, PASSPHRASE);
      const p = plan.preview;
      expect(p.entries).toBe(FIXTURES.length + 1);
      expect(p.duplicates).toBe(3);
      expect(p.toAdd).toBe(FIXTURES.length - 2);
      expect(p.newVaults).toBe(0);
      expect(p.vaults.find((v) => v.name === 'Second office')!.historyVersions).toBe(2);

      const seen: number[] = [];
      const done = await plan.commit((x) => seen.push(x.done));
      expect(done).toMatchObject({ added: FIXTURES.length - 2, skippedDuplicates: 3, failed: 0, queued: 0 });
      expect(seen.at(-1)).toBe(FIXTURES.length - 2);
      await expect(plan.commit()).rejects.toThrow(BACKUP_MESSAGES.used);

      const after = await snapshot(fresh);
      expect(after).toEqual(before);

      const audit = await fresh.core.office.audit({ action: 'vault.import' });
      expect(audit.events.some((e) => e.details.includes('keyroombackup'))).toBe(true);
    },
    SLOW,
  );

  it(
    'a second restore adds nothing',
    async () => {
      const plan = await fresh.core.backup.open(file, PASSPHRASE);
      expect(plan.preview.toAdd).toBe(0);
      expect(await plan.commit()).toMatchObject({ added: 0, skippedDuplicates: FIXTURES.length + 1 });
      expect(await snapshot(fresh)).toEqual(before);
    },
    SLOW,
  );
}
