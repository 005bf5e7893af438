// Brief J: a queued write the server refuses for good is kept, never dropped. A member writes offline into a
// vault the admin then rotates them out of; on reconnect the write is refused, listed with its title, still
// there after a restart (the vault key is gone by then), and saved into another vault or discarded.
import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { Cable, MASTER, Office, type Pc, SLOW, STARTUP, until, waitFor } from './office';

describe.each(['pglite', 'postgres'] as const)('a write the server refuses is not lost (%s)', (kind) => {
  let office: Office;
  let admin: Pc;
  let member: Pc;
  let cable: Cable;
  let lost: string;
  let kept: string;

  beforeAll(async () => {
    office = await Office.start(kind, { pollMs: 1_000 });
    admin = await office.firstAdmin();
    lost = admin.core.vaults()[0]!.id;
    kept = (await admin.core.admin.createVault('Shared')).id;
    cable = await Cable.to(office.stack.url);
    member = await office.colleague(admin, 'member@office.test', 'member', cable.url);
  }, STARTUP);
  afterAll(async () => {
    await cable?.close();
    await office?.stop();
  });

  it(
    'refused on reconnect, listed with its title, kept across a restart; the rest of the outbox goes out',
    async () => {
      cable.unplug();
      const door = await member.core.vault.create(lost, {
        title: 'Door code',
        username: 'front',
        password: 'door-4711',
      });
      await member.core.vault.create(lost, { title: 'Alarm', password: 'alarm-1' });
      const fine = await member.core.vault.create(kept, { title: 'Goes out', password: 'ok' });
      expect(member.core.syncStatus.pendingChanges).toBe(3);
      const memberId = (member.core.state as { user: { id: string } }).user.id;
      // The admin takes the member out of the first vault while the member's PC is offline.
      await admin.core.admin.rotateVault(lost, memberId);

      const refused = waitFor(member.core, 'refusedChanged', (e) => e.count === 2, 30_000);
      const arrived = waitFor(
        admin.core,
        'entriesChanged',
        (e) => e.changes.some((c) => c.id === fine.id),
        30_000,
      );
      cable.plug();
      await refused;
      await arrived;
      expect(await admin.core.vault.reveal(fine.id)).toBe('ok');
      await until(() => member.core.syncStatus.pendingChanges === 0, 30_000);
      expect(member.core.vault.refused()).toMatchObject([
        { title: 'Door code', username: 'front', vaultId: lost, hasPassword: true, damaged: false },
        { title: 'Alarm', vaultId: lost, damaged: false },
      ]);
      expect(member.core.vault.refused()[0]!.reason).toMatch(/no longer/);
      // Listed as "could not be saved", not as an entry that looks saved.
      expect(member.core.vault.list().map((e) => e.id)).not.toContain(door.id);

      await member.core.dispose();
      // Kept as ciphertext only: neither the title nor the password is on disk in the clear.
      const disk = await readFile(join(member.dir, 'cache.json'), 'utf8');
      expect(disk).toContain('refused-writes');
      expect(disk).not.toContain('Door code');
      expect(disk).not.toContain('door-4711');
      member = await office.pc('member', member.dir, cable.url);
      await member.core.unlock(MASTER);
      await member.core.syncNow();
      await until(() => !member.core.vaults().some((v) => v.id === lost), 30_000);
      const after = member.core.vault.refused();
      expect(after.map((r) => [r.title, r.damaged])).toEqual([
        ['Door code', false],
        ['Alarm', false],
      ]);
      expect(await member.core.vault.copyRefused(after[0]!.id, 'password')).toBe('door-4711');
      expect(await member.core.vault.copyRefused(after[0]!.id, 'username')).toBe('front');
    },
    SLOW,
  );

  it(
    'saved into another vault (the other PC sees it) or discarded; both stay done after a restart',
    async () => {
      const [door, alarm] = member.core.vault.refused();
      const landed = waitFor(
        admin.core,
        'entriesChanged',
        (e) => e.changes.some((c) => c.vaultId === kept),
        30_000,
      );
      const saved = await member.core.vault.saveRefused(door!.id, kept);
      await landed;
      expect(admin.core.vault.get(saved.id)).toMatchObject({ title: 'Door code', username: 'front' });
      expect(await admin.core.vault.reveal(saved.id)).toBe('door-4711');
      await member.core.vault.discardRefused(alarm!.id);
      expect(member.core.vault.refused()).toEqual([]);
      await member.core.dispose();
      member = await office.pc('member', member.dir, cable.url);
      await member.core.unlock(MASTER);
      expect(member.core.vault.refused()).toEqual([]);
      expect(member.core.vault.list().map((e) => e.title)).toContain('Door code');
    },
    SLOW,
  );
});
