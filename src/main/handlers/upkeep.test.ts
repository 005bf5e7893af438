// The save dialog seam of the export: the file is written where the person chose, readable by them only; a
// cancelled dialog writes nothing.
import { mkdtemp, readFile, stat } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { dialogSaver, type SaveDialogOptions } from './upkeep';

describe('export save dialog', () => {
  it('offers the suggested name and the format’s filter, and writes the file for this user only', async () => {
    const dir = await mkdtemp(join(tmpdir(), 'keyroom-export-'));
    const target = join(dir, 'chosen.csv');
    let asked: SaveDialogOptions | null = null;
    const saver = dialogSaver(async (o) => {
      asked = o;
      return { canceled: false, filePath: target };
    });
    expect(await saver.save('Office export.csv', 'csv', 'folder,favorite\n')).toEqual({
      fileName: 'chosen.csv',
    });
    expect(asked).toMatchObject({
      defaultPath: 'Office export.csv',
      filters: [{ name: 'Bitwarden CSV', extensions: ['csv'] }],
    });
    expect(await readFile(target, 'utf8')).toBe('folder,favorite\n');
    if (process.platform !== 'win32') expect((await stat(target)).mode & 0o777).toBe(0o600);
  });

  it('writes nothing when the dialog is cancelled', async () => {
    const saver = dialogSaver(async () => ({ canceled: true }));
    expect(await saver.save('Office export.json', 'json', '{}')).toBeNull();
  });
});
