import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { Office, type Pc } from './office';

describe('office on PGlite', () => {
  let office: Office;
  let admin: Pc;
  beforeAll(async () => {
    office = await Office.start('pglite');
  });
  afterAll(async () => {
    await office?.stop();
  });

  it('bootstraps the first admin', async () => {
    admin = await office.firstAdmin();
    expect(admin.core.state.state).toBe('unlocked');
    const vaults = admin.core.vaults();
    expect(vaults).toHaveLength(1);
    const s = await admin.core.vault.create(vaults[0]!.id, {
      title: 'Wi-Fi',
      username: 'office',
      password: 'pw1',
    });
    expect(s.title).toBe('Wi-Fi');
  });

  it('invites, enrolls and confirms an employee who then decrypts', async () => {
    const emp = await office.colleague(admin, 'emp@office.test');
    await new Promise((r) => setTimeout(r, 500));
    expect(emp.core.vault.list().map((e) => e.title)).toEqual(['Wi-Fi']);
  });
});
