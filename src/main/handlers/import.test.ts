import { mkdtemp, truncate, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { calls } from '../../shared/contract';
import { dialogPicker, fileAt, readImportFile } from './import';

describe('import file reading in the main process', () => {
  it('reads UTF-8 text with its file name, Windows-1252 from Excel too; refuses a file over the cap unread', async () => {
    const dir = await mkdtemp(join(tmpdir(), 'keyroom-import-'));
    const ok = join(dir, 'chrome.csv');
    await writeFile(ok, '\uFEFFname,url,username,password\nMüller,https://a.test,u,p\n');
    expect(await readImportFile(fileAt(ok))).toMatchObject({ name: 'chrome.csv' });
    expect((await readImportFile(fileAt(ok))).text).toContain('Müller');

    const big = join(dir, 'big.csv');
    await writeFile(big, '');
    await truncate(big, 10 * 1024 * 1024 + 1);
    await expect(readImportFile(fileAt(big))).rejects.toThrow(/larger than 10 MB/);

    const latin1 = join(dir, 'excel.csv');
    await writeFile(latin1, Buffer.from([0x4d, 0xfc, 0x6c, 0x6c, 0x65, 0x72, 0x0a]));
    expect((await readImportFile(fileAt(latin1))).text).toBe('Müller\n');
    await expect(readImportFile(fileAt(join(dir, 'missing.csv')))).rejects.toThrow(/could not be opened/);
  });

  it('the dialog picker answers the chosen file, or null when cancelled', async () => {
    const dir = await mkdtemp(join(tmpdir(), 'keyroom-import-'));
    await writeFile(join(dir, 'a.csv'), 'name,password\nA,p\n');
    const chosen = await dialogPicker(async () => ({
      canceled: false,
      filePaths: [join(dir, 'a.csv')],
    })).choose();
    expect(chosen?.name).toBe('a.csv');
    expect((await readImportFile(chosen!)).text).toBe('name,password\nA,p\n');
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
