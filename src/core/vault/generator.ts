// Password and passphrase generator. Every character or word is drawn uniformly with randomInt
// (no modulo bias). "At least one of each chosen set" is met by drawing the whole password again
// until it holds, which keeps the result uniform over all passwords that meet the rule.
import { dictionary } from '@zxcvbn-ts/language-common';
import { randomInt } from './generator-random';

export const CHARSETS = {
  lower: 'abcdefghijklmnopqrstuvwxyz',
  upper: 'ABCDEFGHIJKLMNOPQRSTUVWXYZ',
  digits: '0123456789',
  symbols: '!#$%&()*+,-./:;<=>?@[]^_{|}~',
} as const;
export type Charset = keyof typeof CHARSETS;

/** Characters people misread on paper or over the phone. */
const AMBIGUOUS = new Set('Il1O0o|');

export interface PasswordOptions {
  length: number;
  sets: Charset[];
  avoidAmbiguous?: boolean;
}

export const DEFAULT_PASSWORD: PasswordOptions = {
  length: 20,
  sets: ['lower', 'upper', 'digits', 'symbols'],
};

function pools(opts: PasswordOptions): string[] {
  const sets = [...new Set(opts.sets)];
  if (sets.length === 0) throw new RangeError('choose at least one character set');
  if (!Number.isInteger(opts.length) || opts.length < Math.max(4, sets.length) || opts.length > 128) {
    throw new RangeError('length must be 4–128');
  }
  return sets.map((s) => [...CHARSETS[s]].filter((c) => !(opts.avoidAmbiguous && AMBIGUOUS.has(c))).join(''));
}

export function generatePassword(opts: PasswordOptions = DEFAULT_PASSWORD): string {
  const sets = pools(opts);
  const alphabet = sets.join('');
  for (;;) {
    let out = '';
    for (let i = 0; i < opts.length; i++) out += alphabet[randomInt(alphabet.length)];
    if (sets.every((s) => [...out].some((c) => s.includes(c)))) return out;
  }
}

/** Upper bound on the entropy of a generated password (the all-sets rule removes a sliver). */
export function passwordEntropyBits(opts: PasswordOptions): number {
  return opts.length * Math.log2(pools(opts).join('').length);
}

/** The EFF large word list (7,776 words, 12.9 bits each), as shipped with @zxcvbn-ts/language-common. */
export const WORDS: readonly string[] = dictionary['diceware-common'];

export interface PassphraseOptions {
  words: number;
  separator?: string;
  capitalize?: boolean;
  /** Appends one random digit to one random word (for sites that insist on a digit). */
  withDigit?: boolean;
}

export const DEFAULT_PASSPHRASE: PassphraseOptions = { words: 5, separator: '-' };

export function generatePassphrase(opts: PassphraseOptions = DEFAULT_PASSPHRASE): string {
  if (!Number.isInteger(opts.words) || opts.words < 3 || opts.words > 20) throw new RangeError('3–20 words');
  const words = Array.from({ length: opts.words }, () => {
    const w = WORDS[randomInt(WORDS.length)] as string;
    return opts.capitalize ? w[0]?.toUpperCase() + w.slice(1) : w;
  });
  if (opts.withDigit) {
    const i = randomInt(words.length);
    words[i] = `${words[i]}${randomInt(10)}`;
  }
  return words.join(opts.separator ?? '-');
}

export function passphraseEntropyBits(opts: PassphraseOptions): number {
  const digit = opts.withDigit ? Math.log2(10 * opts.words) : 0;
  return opts.words * Math.log2(WORDS.length) + digit;
}
