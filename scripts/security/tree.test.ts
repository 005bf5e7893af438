// electronegativity over the app's sources (src/) and its built bundles (dist/, built by `npm run build`, which
// npm test runs before vitest): every finding above informational must be fixed, or justified by an inline
// `eng-disable CHECK_ID <reason>` on the flagged line. The justified ones are listed in the test output.
import { existsSync } from 'node:fs';
import { join, relative } from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import {
  electronVersion,
  exceptionsIn,
  type Finding,
  justifiedInSource,
  scan,
  scanBuilt,
} from './electronegativity';

const repo = fileURLToPath(new URL('../..', import.meta.url));
const describeFinding = (f: Finding) =>
  f.file === null ? `${f.rule} (whole app)` : `${f.rule} at ${relative(repo, f.file)}:${f.line}`;

describe('electronegativity over src/ and dist/', () => {
  it('finds nothing above informational that is not justified next to the flagged code', async () => {
    if (!existsSync(join(repo, 'dist/main/main.cjs'))) {
      throw new Error(
        'dist/ is not built: run `npm run build` first (npm test builds before it runs vitest)',
      );
    }
    const electron = await electronVersion();
    const [inSources, inBundles] = await Promise.all([
      scan(join(repo, 'src'), electron),
      scanBuilt(join(repo, 'dist'), electron),
    ]);
    const unjustified = [...inSources];
    // App-wide checks (CSP present, navigation limits, permission handler) are judged on the sources, where
    // electronegativity follows the code; in a multi-megabyte bundle it does not find handlers that are there.
    for (const f of inBundles) if (f.file !== null && !(await justifiedInSource(f))) unjustified.push(f);

    const exceptions = await exceptionsIn(join(repo, 'src'));
    for (const e of exceptions) {
      console.info(`justified: ${e.rules.join(', ')} at ${relative(repo, e.file)}:${e.line}: ${e.reason}`);
    }
    // An exception must name the check it silences and say why.
    expect(exceptions.filter((e) => e.rules.length === 0 || e.reason.split(' ').length < 2)).toEqual([]);
    expect(unjustified.map((f) => describeFinding(f))).toEqual([]);
  }, 240_000);
});
