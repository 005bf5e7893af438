// In-memory search over entry summaries (title, username, URL, category, notes) for search as you
// type: every query word must match a word of the entry, by exact word, prefix, or — for words of
// four letters or more — a prefix within a small edit distance (typos, swapped letters), found
// through a trigram index over the distinct words. Results are ranked by match quality times the
// weight of the field it hit. Add, update and remove are incremental (one entry at a time).
// Punctuation inside a word is forgiven both ways: "Wi-Fi" is also indexed as "wifi", and a query "wi-fi"
// is also tried as "wifi" (so it finds "WiFi").

export interface SearchDoc {
  id: string;
  title: string;
  username: string;
  url: string;
  category: string;
  notes: string;
}

export interface SearchHit {
  id: string;
  score: number;
}

const FIELDS = ['title', 'username', 'url', 'category', 'notes'] as const;
const FIELD_WEIGHT = [8, 4, 4, 3, 1];
/** Highest weight of the fields in a bit mask (bit i = FIELDS[i]). */
const MASK_WEIGHT = Array.from({ length: 32 }, (_, m) =>
  Math.max(0, ...FIELD_WEIGHT.filter((_, i) => m & (1 << i))),
);
const MAX_TOKEN = 40;
/** Printable ASCII plus tab and newlines (anything else takes the Unicode path). */
const ASCII = /^[\t\n\r\x20-\x7e]*$/;
const ASCII_SPLIT = /[^a-z0-9]+/;
const UNICODE_SPLIT = /[^\p{L}\p{N}]+/u;
const MAX_TOKENS_PER_FIELD = 500;

/** Lower case, accents folded (é → e), split on anything that is not a letter or digit. */
export function tokenize(text: string): string[] {
  // ASCII needs no Unicode folding or Unicode-aware splitting; the fast path halves indexing time.
  const ascii = ASCII.test(text);
  const folded = ascii
    ? text.toLowerCase()
    : text
        .normalize('NFKD')
        .replace(/\p{M}+/gu, '')
        .toLowerCase();
  const out: string[] = [];
  for (const t of folded.split(ascii ? ASCII_SPLIT : UNICODE_SPLIT)) {
    if (t) out.push(t.slice(0, MAX_TOKEN));
    if (out.length >= MAX_TOKENS_PER_FIELD) break;
  }
  return out;
}

const INNER_PUNCTUATION = /[\p{L}\p{N}][^\s\p{L}\p{N}]+[\p{L}\p{N}]/u;

/**
 * The words of each run without spaces joined pairwise: "Wi-Fi" → "wifi", "github.com" → "githubcom", so
 * that what is typed without the punctuation finds them.
 */
export function joinedWords(text: string): string[] {
  if (!INNER_PUNCTUATION.test(text)) return [];
  const out: string[] = [];
  for (const run of text.split(/\s+/)) {
    const parts = tokenize(run);
    for (let i = 0; i + 1 < parts.length; i++) out.push(`${parts[i]}${parts[i + 1]}`.slice(0, MAX_TOKEN));
    if (out.length >= MAX_TOKENS_PER_FIELD) break;
  }
  return out;
}

function trigrams(token: string): string[] {
  const s = `\u0002${token}`;
  const out: string[] = [];
  for (let i = 0; i + 3 <= s.length; i++) out.push(s.slice(i, i + 3));
  return out;
}

function maxEdits(q: string): number {
  return q.length < 4 ? 0 : q.length < 8 ? 1 : 2;
}

/**
 * Smallest optimal-string-alignment distance between `q` and any prefix of `t`, or Infinity
 * when it exceeds `k` (stops early once a whole row is over the bound).
 */
function prefixDistance(q: string, t: string, k: number): number {
  const n = t.length;
  let prev2: number[] = [];
  let prev = Array.from({ length: n + 1 }, (_, j) => j);
  for (let i = 1; i <= q.length; i++) {
    const cur = [i];
    let rowMin = i;
    for (let j = 1; j <= n; j++) {
      const cost = q[i - 1] === t[j - 1] ? 0 : 1;
      let v = Math.min((prev[j] as number) + 1, (cur[j - 1] as number) + 1, (prev[j - 1] as number) + cost);
      if (i > 1 && j > 1 && q[i - 1] === t[j - 2] && q[i - 2] === t[j - 1]) {
        v = Math.min(v, (prev2[j - 2] as number) + 1);
      }
      cur.push(v);
      if (v < rowMin) rowMin = v;
    }
    if (rowMin > k) return Number.POSITIVE_INFINITY;
    prev2 = prev;
    prev = cur;
  }
  const best = Math.min(...prev);
  return best <= k ? best : Number.POSITIVE_INFINITY;
}

interface Slot {
  id: string;
  sortKey: string;
  tokens: Map<string, number>;
}

export class SearchIndex {
  readonly #slots: (Slot | undefined)[] = [];
  readonly #free: number[] = [];
  readonly #byId = new Map<string, number>();
  /** token → (slot → field mask) */
  readonly #postings = new Map<string, Map<number, number>>();
  readonly #trigrams = new Map<string, Set<string>>();
  /** Distinct tokens in sorted order, for prefix lookup; new tokens wait in #pending until a search. */
  #sorted: string[] = [];
  #pending: string[] = [];
  /** Per-slot score buffers reused across keystrokes (zeroed after use) to spare the GC. */
  #scratch = { best: new Float64Array(0), total: new Float64Array(0), count: new Uint8Array(0) };

  get size(): number {
    return this.#byId.size;
  }

  /** Adds or replaces an entry. */
  upsert(doc: SearchDoc): void {
    this.remove(doc.id);
    const n = this.#free.pop() ?? this.#slots.length;
    const tokens = new Map<string, number>();
    FIELDS.forEach((f, i) => {
      for (const t of tokenize(doc[f])) tokens.set(t, (tokens.get(t) ?? 0) | (1 << i));
      for (const t of joinedWords(doc[f])) tokens.set(t, (tokens.get(t) ?? 0) | (1 << i));
    });
    for (const [t, mask] of tokens) {
      let posting = this.#postings.get(t);
      if (!posting) {
        posting = new Map();
        this.#postings.set(t, posting);
        this.#pending.push(t);
        for (const g of trigrams(t)) {
          const set = this.#trigrams.get(g) ?? new Set<string>();
          set.add(t);
          this.#trigrams.set(g, set);
        }
      }
      posting.set(n, mask);
    }
    this.#slots[n] = { id: doc.id, sortKey: doc.title.toLowerCase(), tokens };
    this.#byId.set(doc.id, n);
  }

  remove(id: string): void {
    const n = this.#byId.get(id);
    if (n === undefined) return;
    const slot = this.#slots[n] as Slot;
    for (const t of slot.tokens.keys()) {
      const posting = this.#postings.get(t);
      posting?.delete(n);
      if (posting?.size === 0) this.#dropToken(t);
    }
    this.#slots[n] = undefined;
    this.#free.push(n);
    this.#byId.delete(id);
  }

  clear(): void {
    for (const id of [...this.#byId.keys()]) this.remove(id);
  }

  #dropToken(t: string): void {
    this.#postings.delete(t);
    for (const g of trigrams(t)) {
      const set = this.#trigrams.get(g);
      set?.delete(t);
      if (set?.size === 0) this.#trigrams.delete(g);
    }
    const at = this.#lowerBound(t);
    if (this.#sorted[at] === t) this.#sorted.splice(at, 1);
    else this.#pending = this.#pending.filter((p) => p !== t);
  }

  /** Merges waiting new tokens into the sorted list: O(n) per batch rather than per token. */
  #flush(): void {
    if (this.#pending.length === 0) return;
    const add = this.#pending.sort();
    this.#pending = [];
    const merged: string[] = new Array(this.#sorted.length + add.length);
    let i = 0;
    let j = 0;
    let k = 0;
    while (i < this.#sorted.length || j < add.length) {
      const a = this.#sorted[i];
      const b = add[j];
      if (b === undefined || (a !== undefined && a < b)) {
        merged[k++] = a as string;
        i++;
      } else {
        merged[k++] = b;
        j++;
      }
    }
    this.#sorted = merged;
  }

  #lowerBound(t: string): number {
    let lo = 0;
    let hi = this.#sorted.length;
    while (lo < hi) {
      const mid = (lo + hi) >>> 1;
      if ((this.#sorted[mid] as string) < t) lo = mid + 1;
      else hi = mid;
    }
    return lo;
  }

  /**
   * Best score per slot for one query word, written into `best` (indexed by slot); returns the
   * slots it touched. Typed arrays instead of maps: a one-letter query can touch every entry.
   */
  #matchWord(q: string, best: Float64Array): number[] {
    const touched: number[] = [];
    const credit = (token: string, quality: number) => {
      for (const [n, mask] of this.#postings.get(token) ?? []) {
        const s = quality * (MASK_WEIGHT[mask] as number);
        const prev = best[n] as number;
        if (prev === 0) touched.push(n);
        if (s > prev) best[n] = s;
      }
    };
    const matched = new Set<string>();
    for (let i = this.#lowerBound(q); i < this.#sorted.length; i++) {
      const t = this.#sorted[i] as string;
      if (!t.startsWith(q)) break;
      matched.add(t);
      credit(t, t.length === q.length ? 1 : 0.6 + (0.3 * q.length) / t.length);
    }
    const k = maxEdits(q);
    if (k > 0) {
      const grams = trigrams(q);
      const shared = new Map<string, number>();
      for (const g of grams) {
        for (const t of this.#trigrams.get(g) ?? []) shared.set(t, (shared.get(t) ?? 0) + 1);
      }
      // One substitution spoils up to 3 trigrams, a swap of two letters up to 4.
      const need = Math.max(1, grams.length - 4 * k);
      // A short word ("wfii") can share no trigram with what was meant: its candidates are the words with its
      // first letter (a bounded range of the sorted list; the first letter is kept for short words anyway).
      if (q.length < 6) {
        const first = q[0] as string;
        for (let i = this.#lowerBound(first); i < this.#sorted.length; i++) {
          const t = this.#sorted[i] as string;
          if (!t.startsWith(first)) break;
          shared.set(t, need);
        }
      }
      for (const [t, c] of shared) {
        if (c < need || matched.has(t) || t.length < q.length - k) continue;
        // Short words: a typo in the first letter is rare and would flood the list with noise.
        if (q.length < 7 && t[0] !== q[0]) continue;
        const d = prefixDistance(q, t, k);
        if (d <= k) credit(t, 0.5 - 0.1 * d);
      }
    }
    return touched;
  }

  #scratchFor(slots: number) {
    if (this.#scratch.best.length < slots) {
      const size = Math.max(1024, Math.ceil(slots * 1.5));
      this.#scratch = {
        best: new Float64Array(size),
        total: new Float64Array(size),
        count: new Uint8Array(size),
      };
    }
    return this.#scratch;
  }

  /** Ranked hits for what the user typed; an empty query finds nothing (the list shows all). */
  search(query: string, limit = 50): SearchHit[] {
    const words = [...new Set(tokenize(query))].slice(0, 8);
    if (words.length === 0 || limit < 1) return [];
    const hits = this.#searchWords(words, query, limit);
    // "wi-fi" or "e-mail" typed with the punctuation: also as one word each, the better score per entry kept.
    const joined = [...new Set(query.split(/\s+/).map((run) => tokenize(run).join('').slice(0, MAX_TOKEN)))]
      .filter(Boolean)
      .slice(0, 8);
    if (joined.length === words.length) return hits;
    const merged = new Map(hits.map((h) => [h.id, h]));
    for (const h of this.#searchWords(joined, query, limit)) {
      if ((merged.get(h.id)?.score ?? -1) < h.score) merged.set(h.id, h);
    }
    return [...merged.values()].sort((a, b) => b.score - a.score).slice(0, limit);
  }

  #searchWords(words: string[], query: string, limit: number): SearchHit[] {
    this.#flush();
    const { best, total, count } = this.#scratchFor(this.#slots.length);
    let alive: number[] = [];
    const reset: number[] = [];
    words.forEach((w, wi) => {
      const touched = this.#matchWord(w, best);
      const next: number[] = [];
      for (const n of touched) {
        // Every query word must match: only slots that matched all earlier words go on.
        if (count[n] === wi) {
          if (wi === 0) reset.push(n);
          count[n] = wi + 1;
          total[n] = (total[n] as number) + (best[n] as number);
          next.push(n);
        }
        best[n] = 0;
      }
      alive = next;
    });
    const scores = alive.map((n) => total[n] as number);
    for (const n of reset) {
      total[n] = 0;
      count[n] = 0;
    }
    const phrase = query.trim().toLowerCase();
    const top = new TopK(limit);
    alive.forEach((n, i) => {
      const slot = this.#slots[n] as Slot;
      // A title that starts with exactly what was typed goes first.
      top.offer({
        n,
        score: (scores[i] as number) + (slot.sortKey.startsWith(phrase) ? 4 : 0),
        key: slot.sortKey,
      });
    });
    return top.sorted().map((h) => ({ id: (this.#slots[h.n] as Slot).id, score: h.score }));
  }
}

interface Ranked {
  n: number;
  score: number;
  key: string;
}

/** true when a ranks before b: higher score, then title A→Z. */
const before = (a: Ranked, b: Ranked) => a.score > b.score || (a.score === b.score && a.key < b.key);

/** Keeps the best `k` of a stream in a heap whose root is the worst kept: O(n log k), not a full sort. */
class TopK {
  readonly #heap: Ranked[] = [];
  constructor(readonly k: number) {}

  offer(r: Ranked): void {
    const h = this.#heap;
    if (h.length < this.k) {
      h.push(r);
      let i = h.length - 1;
      while (i > 0) {
        const p = (i - 1) >> 1;
        if (!before(h[p] as Ranked, h[i] as Ranked)) break;
        [h[p], h[i]] = [h[i] as Ranked, h[p] as Ranked];
        i = p;
      }
    } else if (before(r, h[0] as Ranked)) {
      h[0] = r;
      let i = 0;
      for (;;) {
        const l = 2 * i + 1;
        const rr = l + 1;
        let worst = i;
        if (l < h.length && before(h[worst] as Ranked, h[l] as Ranked)) worst = l;
        if (rr < h.length && before(h[worst] as Ranked, h[rr] as Ranked)) worst = rr;
        if (worst === i) break;
        [h[worst], h[i]] = [h[i] as Ranked, h[worst] as Ranked];
        i = worst;
      }
    }
  }

  sorted(): Ranked[] {
    return [...this.#heap].sort((a, b) => (before(a, b) ? -1 : before(b, a) ? 1 : 0));
  }
}
