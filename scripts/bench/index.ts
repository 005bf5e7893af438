// npm run bench -- <name> [args…]: runs scripts/bench/<name>.ts, which prints its figures.
// Benchmarks print percentiles and ratios; they assert nothing.
import { readdirSync } from 'node:fs';
import { fileURLToPath } from 'node:url';

const dir = fileURLToPath(new URL('.', import.meta.url));
const available = readdirSync(dir)
  .filter((f) => f.endsWith('.ts') && f !== 'index.ts' && !f.endsWith('.test.ts') && !f.startsWith('_'))
  .map((f) => f.replace(/\.ts$/, ''));
const name = process.argv[2];
if (!name || !available.includes(name)) {
  console.error(`usage: npm run bench -- <${available.join('|') || 'no benchmarks yet'}>`);
  process.exit(2);
}
process.argv.splice(2, 1);
await import(`./${name}.ts`);
