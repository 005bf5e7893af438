// The checker itself, on a small Electron app written here: an unsafe window is reported, a justified one is
// not, and the same code bundled by esbuild is traced back to the justification through its source map.
import { mkdir, mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import * as esbuild from 'esbuild';
import { afterAll, describe, expect, it } from 'vitest';
import {
  electronVersion,
  exceptionsIn,
  type Finding,
  justifiedInSource,
  scan,
  scanBuilt,
} from './electronegativity';

const root = await mkdtemp(join(tmpdir(), 'keyroom-eng-fixture-'));
afterAll(() => rm(root, { recursive: true, force: true }));

const UNSAFE = `import { BrowserWindow, shell } from 'electron';
export function open(url: string): void {
  const win = new BrowserWindow({ webPreferences: { contextIsolation: false, sandbox: false } });
  win.loadURL(url);
  shell.openExternal(url);
}
`;

const JUSTIFIED = `import { BrowserWindow, shell } from 'electron';
declare function hardened(): Record<string, boolean>;
export function open(url: string): void {
  const win = new BrowserWindow({ webPreferences: hardened() }); // eng-disable CONTEXT_ISOLATION_JS_CHECK SANDBOX_JS_CHECK AUXCLICK_JS_CHECK options come from hardened
  win.loadURL('app://keyroom/index.html');
  if (url.startsWith('https:')) shell.openExternal(url); // eng-disable OPEN_EXTERNAL_JS_CHECK only https links
}
`;

async function bundle(name: string, source: string): Promise<string> {
  const src = join(root, 'src', `${name}.ts`);
  await mkdir(join(root, 'src'), { recursive: true });
  await writeFile(src, source);
  const out = join(root, 'dist', name);
  await esbuild.build({
    entryPoints: [src],
    outfile: join(out, 'main.cjs'),
    bundle: true,
    platform: 'node',
    format: 'cjs',
    sourcemap: 'linked',
    external: ['electron'],
    logLevel: 'silent',
  });
  return out;
}

describe('electronegativity checker (fixture app)', () => {
  it('reports unjustified findings, honours inline justifications, and traces bundle findings to them', async () => {
    const unsafeDist = await bundle('unsafe', UNSAFE);
    const justifiedDist = await bundle('justified', JUSTIFIED);
    const electron = await electronVersion();
    const [sources, unsafeBuilt, justifiedBuilt] = await Promise.all([
      scan(join(root, 'src'), electron),
      scanBuilt(unsafeDist, electron),
      scanBuilt(justifiedDist, electron),
    ]);

    // The fixture has no CSP and no navigation or permission handlers: app-wide findings, never excusable.
    expect(sources.filter((f) => f.file === null).map((f) => f.rule)).toContain(
      'LIMIT_NAVIGATION_GLOBAL_CHECK',
    );
    const located = sources.filter((f) => f.file !== null);
    expect(located.filter((f) => !f.file?.endsWith('unsafe.ts'))).toEqual([]);
    expect(located.map((f) => f.rule)).toEqual(
      expect.arrayContaining(['CONTEXT_ISOLATION_JS_CHECK', 'SANDBOX_JS_CHECK']),
    );

    const inBundle = (findings: Finding[]) => findings.filter((f) => f.file !== null);
    expect(inBundle(justifiedBuilt).length).toBeGreaterThan(0);
    for (const f of justifiedBuilt) expect(await justifiedInSource(f)).toBe(f.file !== null);
    expect(inBundle(unsafeBuilt).length).toBeGreaterThan(0);
    for (const f of unsafeBuilt) expect(await justifiedInSource(f)).toBe(false);

    expect(await exceptionsIn(join(root, 'src'))).toEqual([
      {
        file: join(root, 'src', 'justified.ts'),
        line: 4,
        rules: ['CONTEXT_ISOLATION_JS_CHECK', 'SANDBOX_JS_CHECK', 'AUXCLICK_JS_CHECK'],
        reason: 'options come from hardened',
      },
      {
        file: join(root, 'src', 'justified.ts'),
        line: 6,
        rules: ['OPEN_EXTERNAL_JS_CHECK'],
        reason: 'only https links',
      },
    ]);
  }, 240_000);
});
