// Bundles the three parts of the desktop app into dist/: main (Node, Electron), preload (sandboxed CJS),
// renderer (browser). `--watch` rebuilds on change.
import { cp, mkdir } from 'node:fs/promises';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import * as esbuild from 'esbuild';

const root = fileURLToPath(new URL('..', import.meta.url));
const out = join(root, 'dist');
const production = process.env.NODE_ENV === 'production';

const common: esbuild.BuildOptions = {
  bundle: true,
  sourcemap: production ? false : 'linked',
  minify: production,
  logLevel: 'warning',
  absWorkingDir: root,
};

const builds: esbuild.BuildOptions[] = [
  {
    ...common,
    entryPoints: ['src/main/main.ts'],
    outfile: join(out, 'main/main.cjs'),
    platform: 'node',
    format: 'cjs',
    target: 'node20',
    external: ['electron', 'keytar'],
  },
  {
    ...common,
    entryPoints: ['src/preload/preload.ts'],
    outfile: join(out, 'preload/preload.cjs'),
    platform: 'node',
    format: 'cjs',
    target: 'node20',
    external: ['electron'],
  },
  {
    ...common,
    entryPoints: ['src/renderer/index.tsx'],
    outfile: join(out, 'renderer/app.js'),
    platform: 'browser',
    format: 'esm',
    target: 'chrome120',
    jsx: 'automatic',
    jsxImportSource: 'preact',
  },
];

await mkdir(join(out, 'renderer'), { recursive: true });
await Promise.all(builds.map((b) => esbuild.build(b)));
// The renderer's static files: the page and its stylesheet (plain CSS, served by app:// under a CSP that
// allows no inline style).
for (const file of ['index.html', 'styles.css']) {
  await cp(join(root, 'src/renderer', file), join(out, 'renderer', file));
}
// The window and tray icons, next to the main bundle that loads them.
await mkdir(join(out, 'main'), { recursive: true });
for (const file of ['icon.png', 'tray.png']) {
  await cp(join(root, 'build', file), join(out, 'main', file));
}
console.log(`built main, preload and renderer into ${out}`);
