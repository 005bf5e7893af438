// The design tokens in styles.css meet WCAG 2.1 AA contrast by construction, in the light and the dark theme, so
// a colour tweak that breaks a pair fails here in milliseconds (the axe-core e2e suite checks the screens).
import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';

const css = readFileSync(new URL('./styles.css', import.meta.url), 'utf8');

function block(selector: string): Record<string, string> {
  const start = css.indexOf(selector);
  if (start < 0) throw new Error(`no ${selector} block in styles.css`);
  const body = css.slice(css.indexOf('{', start) + 1, css.indexOf('}', start));
  const tokens: Record<string, string> = {};
  for (const m of body.matchAll(/--([a-z0-9-]+):\s*([^;]+);/g)) tokens[m[1]!] = m[2]!.trim();
  return tokens;
}

const light = block(':root {');
const darkByOs = block(':root:not([data-theme="light"])');
const darkChosen = block(':root[data-theme="dark"]');

// WCAG 2.x relative luminance and contrast ratio (https://www.w3.org/TR/WCAG21/#dfn-contrast-ratio).
function luminance(hex: string): number {
  const m = /^#([0-9a-f]{6})$/i.exec(hex);
  if (!m) throw new Error(`not a #rrggbb colour: ${hex}`);
  const [r, g, b] = [0, 2, 4].map((i) => {
    const c = Number.parseInt(m[1]!.slice(i, i + 2), 16) / 255;
    return c <= 0.04045 ? c / 12.92 : ((c + 0.055) / 1.055) ** 2.4;
  });
  return 0.2126 * r! + 0.7152 * g! + 0.0722 * b!;
}

function contrast(a: string, b: string): number {
  const [hi, lo] = [luminance(a), luminance(b)].sort((x, y) => y - x);
  return (hi! + 0.05) / (lo! + 0.05);
}

const SURFACES = ['bg', 'bg-sidebar', 'surface', 'surface-2'];
// Text tokens and the backgrounds they are drawn on somewhere in styles.css.
const TEXT_PAIRS: [string, string[]][] = [
  ['text', [...SURFACES, 'accent-soft', 'danger-soft', 'warning-soft', 'success-soft']],
  ['text-2', [...SURFACES, 'accent-soft', 'warning-soft']],
  ['accent', [...SURFACES, 'accent-soft']],
  ['danger', [...SURFACES, 'danger-soft']],
  ['warning', [...SURFACES, 'warning-soft']],
  ['success', [...SURFACES, 'success-soft']],
  ['on-fill', ['accent-fill', 'accent-fill-hover', 'danger-fill']],
  ['on-warning-fill', ['warning-fill']],
];
// Non-text contrast (1.4.11): control outlines and the focus ring against what surrounds them.
const UI_PAIRS: [string, string[]][] = [
  ['border-strong', ['surface', 'surface-2']],
  ['focus', [...SURFACES, 'accent-soft']],
];

function failures(tokens: Record<string, string>, pairs: [string, string[]][], min: number): string[] {
  const out: string[] = [];
  for (const [fg, bgs] of pairs) {
    for (const bg of bgs) {
      const a = tokens[fg];
      const b = tokens[bg];
      if (!a || !b) {
        out.push(`--${fg} or --${bg} missing`);
        continue;
      }
      const ratio = contrast(a, b);
      if (ratio < min) out.push(`--${fg} ${a} on --${bg} ${b}: ${ratio.toFixed(2)} < ${min}`);
    }
  }
  return out;
}

describe('design tokens (WCAG 2.1 AA contrast)', () => {
  it('the dark theme is the same whether the OS asks for it or Settings chooses it', () => {
    expect(darkChosen).toEqual(darkByOs);
    expect(Object.keys(darkByOs).sort()).toEqual(
      Object.keys(light)
        .filter((k) => !['radius', 'font', 'mono'].includes(k))
        .sort(),
    );
  });

  for (const [name, tokens] of [
    ['light', light],
    ['dark', darkByOs],
  ] as const) {
    it(`${name}: text tokens reach 4.5:1 on their backgrounds`, () => {
      expect(failures(tokens, TEXT_PAIRS, 4.5)).toEqual([]);
    });
    it(`${name}: control outlines and the focus ring reach 3:1`, () => {
      expect(failures(tokens, UI_PAIRS, 3)).toEqual([]);
    });
  }

  it('the entry tiles keep white letters at 4.5:1 for every hue', () => {
    const lightness = Number.parseFloat(light['tile-lightness'] ?? 'NaN') / 100;
    expect(darkByOs['tile-lightness']).toBe(light['tile-lightness']);
    let worst = Number.POSITIVE_INFINITY;
    for (let hue = 0; hue < 360; hue++)
      worst = Math.min(worst, contrast('#ffffff', hsl(hue, 0.5, lightness)));
    expect(worst).toBeGreaterThanOrEqual(4.5);
  });

  it('measures what it claims (the old accent on the sidebar failed)', () => {
    expect(contrast('#2f6fed', '#eceef2')).toBeLessThan(4.5);
    expect(contrast('#ffffff', '#000000')).toBeCloseTo(21, 5);
  });
});

function hsl(h: number, s: number, l: number): string {
  const a = s * Math.min(l, 1 - l);
  const f = (n: number) => {
    const k = (n + h / 30) % 12;
    const c = l - a * Math.max(-1, Math.min(k - 3, 9 - k, 1));
    return Math.round(c * 255)
      .toString(16)
      .padStart(2, '0');
  };
  return `#${f(0)}${f(8)}${f(4)}`;
}
