// Password generator and strength meter for the add/edit form. Randomness comes from the Web Crypto API with
// rejection sampling (no modulo bias); every chosen character class appears at least once.

export interface GeneratorOptions {
  length: number;
  lower: boolean;
  upper: boolean;
  digits: boolean;
  symbols: boolean;
  // Leaves out characters people misread when typing from a screen: Il1O0o
  avoidAmbiguous: boolean;
}

export const DEFAULT_GENERATOR: GeneratorOptions = {
  length: 20,
  lower: true,
  upper: true,
  digits: true,
  symbols: true,
  avoidAmbiguous: true,
};

const CLASSES = {
  lower: 'abcdefghijklmnopqrstuvwxyz',
  upper: 'ABCDEFGHIJKLMNOPQRSTUVWXYZ',
  digits: '0123456789',
  symbols: '!#$%&*+-=?@^_~.,:;',
} as const;
const AMBIGUOUS = /[Il1O0o]/g;

export const MIN_LENGTH = 8;
export const MAX_LENGTH = 128;

export type RandomInt = (maxExclusive: number) => number;

export const cryptoRandomInt: RandomInt = (max) => {
  if (!Number.isInteger(max) || max <= 0 || max > 2 ** 32) throw new Error('bad range');
  const limit = 2 ** 32 - (2 ** 32 % max);
  const buf = new Uint32Array(1);
  for (;;) {
    crypto.getRandomValues(buf);
    const v = buf[0] ?? 0;
    if (v < limit) return v % max;
  }
};

export function generatePassword(options: GeneratorOptions, randomInt: RandomInt = cryptoRandomInt): string {
  const length = Math.min(MAX_LENGTH, Math.max(MIN_LENGTH, Math.floor(options.length)));
  const sets = (Object.keys(CLASSES) as (keyof typeof CLASSES)[])
    .filter((k) => options[k])
    .map((k) => (options.avoidAmbiguous ? CLASSES[k].replace(AMBIGUOUS, '') : CLASSES[k]));
  if (sets.length === 0) sets.push(CLASSES.lower);
  const all = sets.join('');
  const pick = (chars: string) => chars[randomInt(chars.length)] ?? '';
  const out = sets.map(pick);
  while (out.length < length) out.push(pick(all));
  // Fisher–Yates, so the guaranteed characters are not always at the front.
  for (let i = out.length - 1; i > 0; i--) {
    const j = randomInt(i + 1);
    [out[i], out[j]] = [out[j] ?? '', out[i] ?? ''];
  }
  return out.join('');
}

export type StrengthLabel = 'Very weak' | 'Weak' | 'Fair' | 'Strong' | 'Very strong';

export interface Strength {
  score: 0 | 1 | 2 | 3 | 4;
  label: StrengthLabel;
  bits: number;
}

const COMMON = [
  'password',
  'passwort',
  'qwerty',
  'azerty',
  'letmein',
  'welcome',
  'admin',
  'login',
  'keyroom',
  'iloveyou',
  'monkey',
  'dragon',
  'secret',
  'summer',
  'winter',
];
const SEQUENCES = ['abcdefghijklmnopqrstuvwxyz', '01234567890', 'qwertyuiop', 'asdfghjkl', 'zxcvbnm'];

// A deliberately simple estimate: pool-size entropy, with runs, keyboard/alphabet sequences and common words
// counted as one character. Good enough to steer people to the generator, not a cracking model.
const LABELS: StrengthLabel[] = ['Very weak', 'Weak', 'Fair', 'Strong', 'Very strong'];

/** The meter for a known entropy (a generated passphrase: its words, not its characters, are what count). */
export function strengthOfBits(exact: number): Strength {
  const bits = Math.round(exact);
  const score = bits < 28 ? 0 : bits < 40 ? 1 : bits < 60 ? 2 : bits < 80 ? 3 : 4;
  return { score, label: LABELS[score] ?? 'Very weak', bits };
}

export function estimateStrength(password: string): Strength {
  if (password.length === 0) return { score: 0, label: 'Very weak', bits: 0 };
  let pool = 0;
  if (/[a-z]/.test(password)) pool += 26;
  if (/[A-Z]/.test(password)) pool += 26;
  if (/\d/.test(password)) pool += 10;
  if (/[^a-zA-Z0-9]/.test(password)) pool += 33;
  let effective = password.toLowerCase();
  for (const word of COMMON) effective = effective.replaceAll(word, '\u0001');
  effective = effective.replace(/(.)\1+/g, '$1');
  for (const seq of SEQUENCES) {
    for (let len = seq.length; len >= 3; len--) {
      for (let i = 0; i + len <= seq.length; i++) {
        effective = effective.replaceAll(seq.slice(i, i + len), '\u0002');
      }
    }
  }
  return strengthOfBits(effective.length * Math.log2(Math.max(pool, 2)));
}
