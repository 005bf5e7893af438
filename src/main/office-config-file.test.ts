import { mkdtemp, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { OFFICE_FILE, officeConfigPaths, readOfficeConfig } from './office-config-file';

const config = (url: string) =>
  JSON.stringify({ supabaseUrl: url, publishableKey: 'sb_publishable_0123456789abcdef' });

describe('where the installed app finds its office', () => {
  it("prefers the user's config.json, then keyroom-office.json beside the installed exe", async () => {
    const userData = await mkdtemp(join(tmpdir(), 'keyroom-userdata-'));
    const install = await mkdtemp(join(tmpdir(), 'keyroom-install-'));
    const paths = officeConfigPaths(userData, join(install, 'Keyroom.exe'));
    expect(paths).toEqual([join(userData, 'config.json'), join(install, OFFICE_FILE)]);
    expect(() => readOfficeConfig({}, paths)).toThrow(
      /Keyroom is not configured\. Put .* in .*config\.json or .*keyroom-office\.json/,
    );
    await writeFile(join(install, OFFICE_FILE), config('https://office.supabase.co'));
    expect(readOfficeConfig({}, paths).supabaseUrl).toBe('https://office.supabase.co');
    await writeFile(join(userData, 'config.json'), config('https://mine.supabase.co'));
    expect(readOfficeConfig({}, paths).supabaseUrl).toBe('https://mine.supabase.co');
  });

  it('stops at a file that exists but is wrong, instead of falling through to another office', async () => {
    const userData = await mkdtemp(join(tmpdir(), 'keyroom-userdata-'));
    const install = await mkdtemp(join(tmpdir(), 'keyroom-install-'));
    const paths = officeConfigPaths(userData, join(install, 'Keyroom.exe'));
    await writeFile(join(install, OFFICE_FILE), config('https://office.supabase.co'));
    await writeFile(
      join(userData, 'config.json'),
      '{"supabaseUrl": "https://x.supabase.co", "publishableKey": "sb_secret_abc"}',
    );
    expect(() => readOfficeConfig({}, paths)).toThrow(/secret \(service-role\) key/);
  });
});
