// Offline password strength estimate. The password is split, by dynamic programming, into the
// cheapest sequence of pieces an attacker would guess: common passwords and words (ranked lists
// from @zxcvbn-ts/language-common, with capitals and l33t substitutions), words from the entry
// itself, repeats, sequences, keyboard runs, years, and otherwise single characters from their
// character class. The sum is an entropy estimate in bits; thresholds turn it into a 0–4 score.
import { dictionary } from '@zxcvbn-ts/language-common';

export type Score = 0 | 1 | 2 | 3 | 4;
export interface Strength {
  score: Score;
  /** Estimated guessing entropy, in bits. */
  bits: number;
  hint: string;
}

type Kind = 'common' | 'context' | 'word' | 'keyboard' | 'sequence' | 'repeat' | 'year' | 'char';

/** Only the first 256 characters are analysed: past that, length no longer decides anything. */
const ANALYSED = 256;
const MAX_WORD = 24;
const KEYBOARD_ROWS = [
  '1234567890',
  'qwertyuiop',
  'asdfghjkl',
  'zxcvbnm',
  'qwertzuiop',
  'azertyuiop',
  'yxcvbnm',
];
const LEET: Record<string, string> = {
  '4': 'a',
  '@': 'a',
  '3': 'e',
  '1': 'i',
  '!': 'i',
  '0': 'o',
  $: 's',
  '5': 's',
  '7': 't',
  '+': 't',
};

let ranks: Map<string, { rank: number; kind: 'common' | 'word' }> | undefined;
/** Built on first use: 57,000 ranked strings. */
function rankTable() {
  if (!ranks) {
    ranks = new Map();
    for (const w of dictionary['diceware-common'])
      ranks.set(w, { rank: dictionary['diceware-common'].length, kind: 'word' });
    dictionary['passwords-common'].forEach((w, i) => {
      const prev = ranks?.get(w);
      if (w.length >= 3 && (!prev || prev.rank > i + 1)) ranks?.set(w, { rank: i + 1, kind: 'common' });
    });
  }
  return ranks;
}

function poolSize(ch: string): number {
  if (/[a-z]/.test(ch)) return 26;
  if (/[A-Z]/.test(ch)) return 26;
  if (/[0-9]/.test(ch)) return 10;
  if (/[\x20-\x7e]/.test(ch)) return 33;
  return 100;
}

function capsBits(word: string): number {
  const uppers = [...word].filter((c) => c !== c.toLowerCase()).length;
  if (uppers === 0) return 0;
  if (uppers === word.length || (uppers === 1 && word[0] !== word[0]?.toLowerCase())) return 1;
  return Math.min(word.length, uppers + 1);
}

interface Piece {
  bits: number;
  kind: Kind;
}

/** Candidate pieces starting at i. */
function piecesAt(p: string, i: number, context: Set<string>): { end: number; piece: Piece }[] {
  const out: { end: number; piece: Piece }[] = [];
  const ch = p[i] as string;
  out.push({ end: i + 1, piece: { bits: Math.log2(poolSize(ch)), kind: 'char' } });
  const table = rankTable();
  const lower = p.toLowerCase();
  for (let end = i + 3; end <= Math.min(p.length, i + MAX_WORD); end++) {
    const raw = p.slice(i, end);
    const low = lower.slice(i, end);
    const unleet = [...low].map((c) => LEET[c] ?? c).join('');
    const leetBits = low === unleet ? 0 : [...low].filter((c) => LEET[c]).length;
    if (context.has(low) || context.has(unleet)) {
      out.push({ end, piece: { bits: 1 + capsBits(raw) + leetBits, kind: 'context' } });
    }
    const hit = table.get(low) ?? table.get(unleet);
    if (hit)
      out.push({ end, piece: { bits: Math.log2(hit.rank) + capsBits(raw) + leetBits, kind: hit.kind } });
  }
  // Run of one character, and a block that repeats the block just before it.
  let run = i + 1;
  while (run < p.length && p[run] === ch) run++;
  if (run - i >= 3)
    out.push({ end: run, piece: { bits: Math.log2(poolSize(ch)) + Math.log2(run - i), kind: 'repeat' } });
  for (let len = 2; len <= i && i + len <= p.length; len++) {
    if (p.slice(i, i + len) === p.slice(i - len, i)) {
      out.push({ end: i + len, piece: { bits: 1 + Math.log2(len), kind: 'repeat' } });
    }
  }
  // Sequences (abc, 9876) within one character class.
  for (const step of [1, -1]) {
    let end = i + 1;
    while (
      end < p.length &&
      p.charCodeAt(end) - p.charCodeAt(end - 1) === step &&
      poolSize(p[end] as string) === poolSize(ch)
    ) {
      end++;
    }
    if (end - i >= 3) {
      out.push({ end, piece: { bits: Math.log2(poolSize(ch)) + Math.log2(end - i) + 1, kind: 'sequence' } });
    }
  }
  // Keyboard runs, either direction.
  for (const row of KEYBOARD_ROWS) {
    for (const r of [row, [...row].reverse().join('')]) {
      let len = 0;
      while (i + len < p.length && len < r.length && r.includes(lower.slice(i, i + len + 1))) len++;
      if (len >= 4)
        out.push({
          end: i + len,
          piece: { bits: Math.log2(r.length * 2 * KEYBOARD_ROWS.length) + Math.log2(len), kind: 'keyboard' },
        });
    }
  }
  if (/^(19\d\d|20[0-3]\d)/.test(p.slice(i, i + 4)))
    out.push({ end: i + 4, piece: { bits: Math.log2(140), kind: 'year' } });
  return out;
}

function contextWords(inputs: string[]): Set<string> {
  const words = new Set<string>();
  for (const s of inputs) {
    const low = s.toLowerCase();
    if (low.length >= 3) words.add(low);
    for (const w of low.split(/[^\p{L}\p{N}]+/u)) if (w.length >= 3) words.add(w);
  }
  return words;
}

const HINTS: [Kind, string][] = [
  ['context', 'Avoid words from this entry, such as the site name or the username.'],
  ['common', 'Common passwords and words are the first ones an attacker tries.'],
  ['keyboard', 'Keyboard patterns like qwerty are easy to guess.'],
  ['sequence', 'Sequences like abc or 1234 are easy to guess.'],
  ['repeat', 'Repeated characters and blocks are easy to guess.'],
  ['year', 'Years and dates are easy to guess.'],
  ['word', 'Add more unrelated words, or use a generated password.'],
];

/**
 * Estimates how hard `password` is to guess. `context` holds strings from the entry (title,
 * username, URL) that an attacker targeting it would try first.
 */
export function estimateStrength(password: string, context: string[] = []): Strength {
  if (password.length === 0) return { score: 0, bits: 0, hint: 'Enter a password.' };
  const p = password.slice(0, ANALYSED);
  const ctx = contextWords(context);
  const best: { bits: number; from: number; piece?: Piece }[] = [{ bits: 0, from: -1 }];
  for (let j = 1; j <= p.length; j++) best[j] = { bits: Number.POSITIVE_INFINITY, from: -1 };
  for (let i = 0; i < p.length; i++) {
    const here = best[i]?.bits ?? Number.POSITIVE_INFINITY;
    for (const { end, piece } of piecesAt(p, i, ctx)) {
      const cand = here + piece.bits;
      const slot = best[end];
      if (slot && cand < slot.bits) best[end] = { bits: cand, from: i, piece };
    }
  }
  const kinds = new Set<Kind>();
  let pieces = 0;
  for (let j = p.length; j > 0; j = best[j]?.from ?? 0) {
    const k = best[j]?.piece?.kind;
    if (k) kinds.add(k);
    pieces++;
  }
  const bits = Math.round((best[p.length]?.bits ?? 0) * 10) / 10;
  const score: Score = bits < 20 ? 0 : bits < 35 ? 1 : bits < 50 ? 2 : bits < 65 ? 3 : 4;
  let hint: string;
  if (pieces === 1 && kinds.has('common')) hint = 'This is one of the most common passwords.';
  else if (score === 4) hint = 'Strong password.';
  else {
    hint =
      HINTS.find(([k]) => kinds.has(k))?.[1] ??
      'Make it longer: 16 or more characters, or a generated password.';
  }
  return { score, bits, hint };
}
