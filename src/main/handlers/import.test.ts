import { mkdtemp, truncate, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { calls } from '../../shared/contract';
import { dialogPicker, readImportFile } from './import';

describe('import file reading in the main process', () => {
  it('reads UTF-8 text with its file name, Windows-1252 from Excel too; refuses a file over the cap unread', async () => {
    const dir = await mkdtemp(join(tmpdir(), 'keyroom-import-'));
    const ok = join(dir, 'chrome.csv');
    await writeFile(ok, '\uFEFFname,url,username,password\nMüller,https://a.test,u,p\n');
    expect(await readImportFile(ok)).toMatchObject({ name: 'chrome.csv' });
    expect((await readImportFile(ok)).text).toContain('Müller');

    const big = join(dir, 'big.csv');
    await writeFile(big, '');
    await truncate(big, 10 * 1024 * 1024 + 1);
    await expect(readImportFile(big)).rejects.toThrow(/larger than 10 MB/);

    const latin1 = join(dir, 'excel.csv');
    await writeFile(latin1, Buffer.from([0x4d, 0xfc, 0x6c, 0x6c, 0x65, 0x72, 0x0a]));
    expect((await readImportFile(latin1)).text).toBe('Müller\n');
    await expect(readImportFile(join(dir, 'missing.csv'))).rejects.toThrow(/could not be opened/);
  });

  it('the dialog picker answers the chosen path, or null when cancelled', async () => {
    expect(await dialogPicker(async () => ({ canceled: false, filePaths: ['/x/a.csv'] })).choose()).toBe(
      '/x/a.csv',
    );
    expect(await dialogPicker(async () => ({ canceled: true, filePaths: [] })).choose()).toBeNull();
  });

  it('the preview in the contract has no place for a password or notes', () => {
    const response = calls['import.choose'].response.unwrap();
    const sample = response.shape.sample.element.shape;
    expect(Object.keys(sample).sort()).toEqual(['category', 'line', 'title', 'url', 'username']);
    expect(Object.keys(response.shape.duplicates.element.shape).sort()).toEqual([
      'line',
      'of',
      'title',
      'username',
    ]);
  });
});
