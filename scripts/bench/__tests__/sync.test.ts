// `npm run bench -- sync` at a tiny size, as a person runs it: the header says which figure answers which
// question, and for each mode the three N-PC figures are printed for every PC and change and hold together
// (the server answers a PC before the change is visible there; one PC's CPU is a part of the sum).
import { execFile } from 'node:child_process';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { beforeAll, describe, expect, it } from 'vitest';

const root = fileURLToPath(new URL('../../..', import.meta.url));
const PCS = 2;
const CHANGES = 4;

interface Figure {
  n: number;
  p50: number;
  p95: number;
  p99: number;
  max: number;
}

let out = '';

beforeAll(async () => {
  out = await new Promise((resolve, reject) => {
    execFile(
      join(root, 'node_modules/.bin/tsx'),
      [
        'scripts/bench/index.ts',
        'sync',
        '--only-pcs',
        '--pcs',
        String(PCS),
        '--changes',
        String(CHANGES),
        '--vault-size',
        '3',
      ],
      { cwd: root, timeout: 150_000 },
      (err, stdout, stderr) => (err ? reject(new Error(`${err.message}\n${stderr}`)) : resolve(stdout)),
    );
  });
}, 180_000);

/** The lines of one mode's block, from its heading to the next heading. */
function block(mode: string): string[] {
  const lines = out.split('\n');
  const at = lines.findIndex((l) => l.startsWith(`${PCS} PCs, ${mode}`));
  expect(at, `no block for ${mode} in:\n${out}`).toBeGreaterThanOrEqual(0);
  const rest = lines.slice(at + 1);
  const end = rest.findIndex((l) => !l.startsWith('  '));
  return [lines[at]!, ...rest.slice(0, end === -1 ? undefined : end)];
}

function figure(lines: string[], label: string): Figure {
  const line = lines.find((l) => l.trimStart().startsWith(label));
  const m = line?.match(/: n=(\d+) p50=(-?[\d.]+) ms p95=(-?[\d.]+) ms p99=(-?[\d.]+) ms max=(-?[\d.]+) ms/);
  expect(m, `no figure "${label}" in:\n${lines.join('\n')}`).toBeTruthy();
  const [n, p50, p95, p99, max] = m!.slice(1).map(Number) as [number, number, number, number, number];
  return { n, p50, p95, p99, max };
}

describe('sync bench, N PCs', () => {
  it('says in its header which figure is the server and which is one PC', () => {
    expect(out).toContain('how fast does the server serve N PCs');
    expect(out).toContain('how much CPU one PC spends');
  });

  for (const [mode, changes] of [
    ['delta', CHANGES],
    ['full re-download', 3],
  ] as const) {
    it(`prints server, client CPU and end-to-end figures that hold together (${mode})`, () => {
      const lines = block(mode);
      expect(lines[0]).not.toContain('missed');
      const e2e = figure(lines, 'end-to-end');
      const server = figure(lines, 'server');
      const client = figure(lines, 'client CPU per PC per change');
      const wall = figure(lines, 'the same sections in wall time');
      for (const f of [e2e, server, client, wall]) expect(f.n).toBe(PCS * changes);
      // Per PC and change: answered after the writer's answer, visible after the PC's own answer.
      expect(server.p50).toBeLessThanOrEqual(e2e.p50);
      expect(server.p95).toBeLessThanOrEqual(e2e.p95);
      expect(server.p99).toBeLessThanOrEqual(e2e.p99);
      expect(server.max).toBeLessThanOrEqual(e2e.max);
      expect(client.p50).toBeGreaterThan(0);
      expect(client.p50).toBeLessThan(e2e.p50);
      expect(client.p50).toBeLessThanOrEqual(client.p95);
      expect(wall.p50).toBeLessThan(e2e.p50);
      const sum = lines.find((l) => l.includes(`client CPU sum over ${PCS} PCs per change`));
      const sumMax = Number(sum?.match(/ max=([\d.]+) ms/)?.[1]);
      expect(sumMax).toBeGreaterThanOrEqual(client.max);
      const ratio = lines
        .find((l) => l.includes('ratios:'))
        ?.match(/server p99 \/ end-to-end p99 = (-?[\d.]+)/);
      expect(Number(ratio?.[1])).toBeLessThanOrEqual(1);
    });
  }
});
