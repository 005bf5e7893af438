// Supabase gives the authenticated role an 8 s statement_timeout (the stand-in sets it as Supabase does), and a
// key rotation is one atomic rotate_vault_key call that re-writes every entry of the vault. It must finish well
// inside that limit for an office-sized vault, on PGlite and on PostgreSQL; the time it took is printed.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { Office, type Pc, until } from './office';

// The whole rotation travels in one request body, which the gateway caps at 1 MiB (http/body.ts): about 700
// entries of this size. Larger vaults need a staged rotation (closing note of issue 12).
const ENTRIES = 600;
const SLOW = 300_000;

describe.each(['pglite', 'postgres'] as const)(
  'key rotation within the authenticated statement timeout (%s)',
  (kind) => {
    let office: Office;
    let admin: Pc;
    let member: Pc;
    let vaultId: string;

    beforeAll(async () => {
      office = await Office.start(kind);
      admin = await office.firstAdmin();
      member = await office.colleague(admin, 'member@office.test');
      vaultId = admin.core.vaults()[0]!.id;
      const inputs = Array.from({ length: ENTRIES }, (_, i) => ({
        title: `Entry ${i}`,
        username: `user${i}`,
        password: `pw-${i}-${'x'.repeat(24)}`,
        notes: 'n'.repeat(40),
      }));
      const made = await admin.core.vault.createMany(vaultId, inputs);
      expect(made).toEqual({ created: ENTRIES, queued: 0, failed: 0 });
    }, SLOW);
    afterAll(async () => {
      await office?.stop();
    });

    it(
      `re-encrypts ${ENTRIES} entries in one call, under 8 s, and the member still opens them`,
      async () => {
        const timeout = await office.stack.db.query<{ setting: string }>(
          `select unnest(setconfig) as setting from pg_db_role_setting s join pg_roles r on r.oid = s.setrole
         where r.rolname = 'authenticated'`,
        );
        expect(timeout.rows.map((r) => r.setting)).toContain('statement_timeout=8s');
        const t0 = performance.now();
        const rotated = await admin.core.admin.rotateVault(vaultId, null);
        const ms = performance.now() - t0;
        console.log(
          `${kind}: rotation of ${ENTRIES} entries (encrypt + upload + commit) took ${ms.toFixed(0)} ms`,
        );
        expect(rotated.keyVersion).toBe(2);
        const versions = await office.stack.db.query<{ kv: number; n: string }>(
          'select key_version as kv, count(*)::text as n from public.entries where vault_id = $1 group by 1',
          [vaultId],
        );
        expect(versions.rows).toEqual([{ kv: 2, n: String(ENTRIES) }]);
        // The member's PC learns of the new key from the grants poke, then pulls the re-written entries.
        const healed = () => {
          const all = member.core.vault.list();
          return all.length === ENTRIES && all.every((e) => !e.damaged);
        };
        await until(healed, 30_000).catch(() => {
          const damaged = member.core.vault.list().filter((e) => e.damaged).length;
          throw new Error(
            `after the rotation the member's PC shows ${damaged} of ${ENTRIES} entries damaged`,
          );
        });
        const one = member.core.vault.list().find((e) => e.title === 'Entry 234');
        expect(one && (await member.core.vault.reveal(one.id))).toBe(`pw-234-${'x'.repeat(24)}`);
      },
      SLOW,
    );
  },
);
