// One line per check: green when it holds, red with what to do when it does not, and "not checked" (with what
// to set) when the doctor lacks what the check needs. Only red fails the run.
export type Outcome = 'ok' | 'fail' | 'skip';

export interface CheckResult {
  name: string;
  outcome: Outcome;
  /** What was found, and for red or "not checked" what to do about it. */
  detail: string;
}

export const ok = (name: string, detail: string): CheckResult => ({ name, outcome: 'ok', detail });
export const fail = (name: string, detail: string): CheckResult => ({ name, outcome: 'fail', detail });
export const skip = (name: string, detail: string): CheckResult => ({ name, outcome: 'skip', detail });

const MARK: Record<Outcome, { text: string; colour: string }> = {
  ok: { text: '✔ ok  ', colour: '\x1b[32m' },
  fail: { text: '✘ FAIL', colour: '\x1b[31m' },
  skip: { text: '– skip', colour: '\x1b[33m' },
};

export function formatLine(r: CheckResult, colour: boolean): string {
  const mark = MARK[r.outcome];
  const label = colour ? `${mark.colour}${mark.text}\x1b[0m` : mark.text;
  return `${label}  ${r.name}: ${r.detail}`;
}

export function exitCode(results: readonly CheckResult[]): number {
  return results.some((r) => r.outcome === 'fail') ? 1 : 0;
}
