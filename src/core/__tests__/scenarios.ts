// The office scenarios of issue 7, run in order against one stack: the PGlite and PostgreSQL suites call
// this with their database kind. Each step builds on the office the previous steps left behind, handed on
// in one OfficeRun; the parts below register their steps in that order.
import { afterAll, beforeAll } from 'vitest';
import { Office, STARTUP } from './office';
import { accessSteps } from './scenarios-access';
import { enrollmentSteps } from './scenarios-enrollment';
import { entrySteps } from './scenarios-entries';
import type { OfficeRun } from './scenarios-run';

export function officeScenarios(kind: 'pglite' | 'postgres'): void {
  // Filled by the steps as they run, as the closure variables were: the first step sets admin, vaultId and wifiId.
  const run = {} as OfficeRun;

  beforeAll(async () => {
    run.office = await Office.start(kind, { pollMs: 1_000 });
  }, STARTUP);
  afterAll(async () => {
    await run.cable?.close();
    await run.office?.stop();
  });

  enrollmentSteps(run);
  entrySteps(run);
  accessSteps(run);
}
