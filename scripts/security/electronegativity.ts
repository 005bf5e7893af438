// Runs @doyensec/electronegativity (the Electron security linter) and reads its findings. A finding above
// "informational" is acceptable only when the flagged line carries electronegativity's own inline exception,
// `// eng-disable CHECK_ID <why>` (or `<!-- eng-disable CHECK_ID <why> -->` in HTML): the tool then leaves it out
// of its report for sources. Built bundles have no comments left, so their findings are mapped back through the
// source map to the line that must carry the exception.
import { spawn } from 'node:child_process';
import { copyFile, mkdir, mkdtemp, readdir, readFile, rm } from 'node:fs/promises';
import { createRequire } from 'node:module';
import { tmpdir } from 'node:os';
import { dirname, join, relative, resolve } from 'node:path';
import { originalPositionFor, TraceMap } from '@jridgewell/trace-mapping';
import { z } from 'zod';

export interface Finding {
  rule: string;
  /** Absolute path of the flagged file; null for an app-wide check (no CSP at all, no navigation limits…). */
  file: string | null;
  line: number;
}

const require = createRequire(import.meta.url);
const CLI = require.resolve('@doyensec/electronegativity/dist/index.js');

const SarifSchema = z.object({
  runs: z
    .array(
      z.object({
        results: z.array(
          z.object({
            ruleId: z.string(),
            locations: z
              .array(
                z.object({
                  physicalLocation: z.object({
                    artifactLocation: z.object({ uri: z.string() }),
                    region: z.object({ startLine: z.number().int() }),
                  }),
                }),
              )
              .min(1),
          }),
        ),
      }),
    )
    .length(1),
});

/** The Electron version the app is built with, so checks judge Electron's real defaults. */
export async function electronVersion(): Promise<string> {
  const pkg = JSON.parse(await readFile(require.resolve('electron/package.json'), 'utf8')) as {
    version: string;
  };
  return pkg.version;
}

/** Findings of severity LOW and above in a folder (or file), as electronegativity reports them. */
export async function scan(input: string, electron: string): Promise<Finding[]> {
  const out = await mkdtemp(join(tmpdir(), 'keyroom-eng-'));
  try {
    const sarif = join(out, 'report.sarif');
    const args = [CLI, '-i', input, '-o', sarif, '-r', '-v', 'false', '-e', electron, '-s', 'low'];
    const { code, output } = await new Promise<{ code: number | null; output: string }>((done) => {
      const child = spawn(process.execPath, args, { stdio: ['ignore', 'pipe', 'pipe'] });
      let output = '';
      child.stdout.on('data', (d: Buffer) => {
        output += d;
      });
      child.stderr.on('data', (d: Buffer) => {
        output += d;
      });
      child.on('close', (c) => done({ code: c, output }));
    });
    if (code !== 0) throw new Error(`electronegativity exited with ${code}: ${output.slice(-2000)}`);
    const report = SarifSchema.parse(JSON.parse(await readFile(sarif, 'utf8')));
    return report.runs[0]!.results.map((r) => {
      const at = r.locations[0]!.physicalLocation;
      // App-wide checks have no file: electronegativity writes file:/// for them.
      const uri = at.artifactLocation.uri;
      return {
        rule: r.ruleId,
        file: uri === 'file:///' ? null : resolve(input, uri),
        line: at.region.startLine,
      };
    });
  } finally {
    await rm(out, { recursive: true, force: true });
  }
}

/**
 * Findings in built bundles. electronegativity reads only .js/.ts/.html names, and our bundles are .cjs, so they
 * are scanned as .js copies and the findings point back at the real files (whose .map sits next to them).
 */
export async function scanBuilt(dist: string, electron: string): Promise<Finding[]> {
  const mirror = await mkdtemp(join(tmpdir(), 'keyroom-eng-dist-'));
  try {
    const originals = new Map<string, string>();
    for (const entry of await readdir(dist, { recursive: true, withFileTypes: true })) {
      if (!entry.isFile() || !/\.(c?js|mjs|html)$/.test(entry.name)) continue;
      const file = join(entry.parentPath, entry.name);
      const copy = join(mirror, relative(dist, file)).replace(/\.(cjs|mjs)$/, '.js');
      await mkdir(dirname(copy), { recursive: true });
      await copyFile(file, copy);
      originals.set(copy, file);
    }
    const findings = await scan(mirror, electron);
    return findings.map((f) => ({ ...f, file: f.file === null ? null : (originals.get(f.file) ?? f.file) }));
  } finally {
    await rm(mirror, { recursive: true, force: true });
  }
}

const EXCEPTION = /(?:\/\/|\/\*|<!--)[ \t]*eng-disable[ \t]+([\w \t]+)/i;
const RULE_ID = /^[A-Z0-9_]+_CHECK$/;

export interface Exception {
  file: string;
  line: number;
  rules: string[];
  reason: string;
}

/** The inline exception on one source line, if any. */
export function exceptionOn(text: string): Omit<Exception, 'file' | 'line'> | undefined {
  const m = EXCEPTION.exec(text);
  if (!m) return undefined;
  const words = m[1]!.trim().split(/[ \t,]+/);
  return {
    rules: words.filter((w) => RULE_ID.test(w)),
    reason: words.filter((w) => !RULE_ID.test(w)).join(' '),
  };
}

/** Every inline exception in a tree of sources (.ts, .tsx, .js, .cjs, .html). */
export async function exceptionsIn(root: string): Promise<Exception[]> {
  const found: Exception[] = [];
  for (const entry of await readdir(root, { recursive: true, withFileTypes: true })) {
    if (!entry.isFile() || !/\.(ts|tsx|js|cjs|mjs|html)$/.test(entry.name)) continue;
    const file = join(entry.parentPath, entry.name);
    const lines = (await readFile(file, 'utf8')).split('\n');
    lines.forEach((text, i) => {
      const exception = exceptionOn(text);
      if (exception) found.push({ file, line: i + 1, ...exception });
    });
  }
  return found;
}

/**
 * Where a finding in a built bundle comes from: its `.map` next to it points at the source line. Undefined
 * when the bundle has no source map or the line maps to nothing.
 */
export async function sourceOf(finding: Finding): Promise<{ file: string; line: number } | undefined> {
  if (finding.file === null) return undefined;
  let map: string;
  try {
    map = await readFile(`${finding.file}.map`, 'utf8');
  } catch {
    return undefined;
  }
  const traced = new TraceMap(map);
  // Findings point at a line; any mapped column on it leads to the same source statement.
  for (let column = 0; column < 400; column++) {
    const pos = originalPositionFor(traced, { line: finding.line, column });
    if (pos.source !== null && pos.line !== null) {
      return { file: resolve(dirname(finding.file), pos.source), line: pos.line };
    }
  }
  return undefined;
}

/**
 * A built-bundle finding is justified when its source line carries an exception for that rule. App-wide
 * findings never are: they are fixed in the app, not excused.
 */
export async function justifiedInSource(finding: Finding): Promise<boolean> {
  const origin = await sourceOf(finding);
  if (!origin) return false;
  const text = (await readFile(origin.file, 'utf8').catch(() => '')).split('\n')[origin.line - 1] ?? '';
  return exceptionOn(text)?.rules.includes(finding.rule) ?? false;
}
