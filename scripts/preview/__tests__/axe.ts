// axe-core over a preview page, in the light and the dark theme. The theme is the OS preference
// (prefers-color-scheme, emulated here) unless the user picked one in Settings ([data-theme]), so emulating both
// media covers both token sets; a11y.test.ts also checks a theme chosen in Settings.
//
// axe-core is the one @axe-core/playwright depends on (resolved through it, so the version is the one it pins).
// AxeBuilder is not used: it injects the 0.5 MB script again and opens a blank page for every run, about 1 s a run
// here against 0.15 s for axe.run in a page that already holds axe, and the suite runs over 70 of them.
import { createRequire } from 'node:module';
import type { AxeResults, RunOptions } from 'axe-core';
import type { Page } from 'playwright-core';

const requireFromAxePlaywright = createRequire(
  createRequire(import.meta.url).resolve('@axe-core/playwright'),
);
const AXE_SOURCE: string = (requireFromAxePlaywright('axe-core') as { source: string }).source;

export const WCAG_21_AA = ['wcag2a', 'wcag2aa', 'wcag21a', 'wcag21aa'];
export const THEMES = ['light', 'dark'] as const;
export type Theme = (typeof THEMES)[number];

export interface AxeFinding {
  rule: string;
  impact: string;
  help: string;
  selectors: string[];
  details: string[];
}

/** Every WCAG 2.1 A/AA violation axe finds on the page as it is now. */
export async function axeFindings(page: Page): Promise<AxeFinding[]> {
  // Once per document; the preview is one page that never navigates, but a reload would drop it.
  if (!(await page.evaluate(() => 'axe' in window))) await page.evaluate(AXE_SOURCE);
  const options: RunOptions = { runOnly: { type: 'tag', values: WCAG_21_AA }, resultTypes: ['violations'] };
  const results = await page.evaluate(
    (opts) =>
      (window as unknown as { axe: { run(c: Document, o: RunOptions): Promise<AxeResults> } }).axe.run(
        document,
        opts,
      ),
    options,
  );
  // A run that checked other rules (best practices) or none would prove nothing about WCAG.
  if (!results.toolOptions.runOnly) throw new Error('axe ran without the WCAG 2.1 A/AA tags');
  const offTag = results.violations.find((v) => !v.tags.some((t) => WCAG_21_AA.includes(t)));
  if (offTag)
    throw new Error(`axe ran a rule outside WCAG 2.1 A/AA (${offTag.id}): the run options are wrong`);
  return results.violations.map((v) => ({
    rule: v.id,
    impact: v.impact ?? 'unknown',
    help: v.help,
    selectors: v.nodes.map((n) => n.target.map(String).join(' ')),
    // The failure summary carries the measured colours and ratio for contrast, the missing name for labels.
    details: v.nodes.map((n) => (n.any[0]?.message ?? n.failureSummary ?? '').replace(/\s+/g, ' ')),
  }));
}

/** One line per failing element: "screen [theme] rule-id (impact): selector — what axe measured". */
export function describeFindings(screen: string, theme: string, findings: AxeFinding[]): string[] {
  return findings.flatMap((f) =>
    f.selectors.map(
      (s, i) => `${screen} [${theme}] ${f.rule} (${f.impact}): ${s} — ${f.details[i] ?? f.help}`,
    ),
  );
}

// Counts per screen and theme, for the report a run can write (A11Y_SUMMARY=path) to compare before/after.
export const tally: { screen: string; theme: string; violations: number; elements: number; ms: number }[] =
  [];

/** Runs axe in both themes and returns the failing elements described; an empty list means the screen passes. */
export async function auditBothThemes(page: Page, screen: string): Promise<string[]> {
  const lines: string[] = [];
  for (const theme of THEMES) {
    await page.emulateMedia({ colorScheme: theme, reducedMotion: 'reduce' });
    // The next frame has the new tokens applied (no transitions run under reduced motion).
    await page.evaluate(() => new Promise((resolve) => requestAnimationFrame(() => resolve(null))));
    const started = Date.now();
    const findings = await axeFindings(page);
    tally.push({
      screen,
      theme,
      violations: findings.length,
      elements: findings.reduce((n, f) => n + f.selectors.length, 0),
      ms: Date.now() - started,
    });
    lines.push(...describeFindings(screen, theme, findings));
  }
  await page.emulateMedia({ colorScheme: 'light', reducedMotion: 'reduce' });
  return lines;
}
