import { describe, expect, it } from 'vitest';
import { type SearchDoc, SearchIndex, tokenize } from './search';
import { syntheticDocs } from './search-fixtures';

const doc = (id: string, over: Partial<SearchDoc>): SearchDoc => ({
  id,
  title: '',
  username: '',
  url: '',
  category: '',
  notes: '',
  ...over,
});

function officeIndex() {
  const idx = new SearchIndex();
  idx.upsert(doc('wifi', { title: 'Office Wi-Fi', category: 'Office', notes: 'Guest network password' }));
  idx.upsert(
    doc('gh', {
      title: 'GitHub',
      username: 'ops@acme.test',
      url: 'https://github.com/login',
      category: 'IT',
    }),
  );
  idx.upsert(doc('bank', { title: 'Bank of Ireland', username: 'finance@acme.test', category: 'Finance' }));
  idx.upsert(doc('pass', { title: 'Password reset inbox', category: 'IT' }));
  idx.upsert(doc('cafe', { title: 'Café Müller supplier portal', category: 'Suppliers' }));
  idx.upsert(doc('note', { title: 'Printer', notes: 'toner from the github issue' }));
  return idx;
}
const ids = (hits: { id: string }[]) => hits.map((h) => h.id);

describe('tokenize', () => {
  it('folds case and accents and splits URLs and e-mail addresses into words', () => {
    expect(tokenize('Café MÜLLER')).toEqual(['cafe', 'muller']);
    expect(tokenize('https://github.com/login')).toEqual(['https', 'github', 'com', 'login']);
    expect(tokenize('ops@acme.test')).toEqual(['ops', 'acme', 'test']);
  });
});

describe('SearchIndex', () => {
  it('finds by prefix as the user types, in every field', () => {
    const idx = officeIndex();
    expect(ids(idx.search('git'))).toEqual(['gh', 'note']); // title beats notes
    expect(ids(idx.search('fin'))).toEqual(['bank']); // username and category
    expect(ids(idx.search('guest'))).toEqual(['wifi']); // notes
    expect(ids(idx.search('muller'))).toEqual(['cafe']); // accent-insensitive
  });

  it('tolerates typos: a wrong, missing, extra or swapped letter', () => {
    const idx = officeIndex();
    for (const typo of [
      'gihtub',
      'githb',
      'gitthub',
      'guthub',
      'pasword',
      'passwrod',
      'supplier',
      'suplier',
    ]) {
      expect(ids(idx.search(typo)).length, typo).toBeGreaterThan(0);
    }
    expect(ids(idx.search('gihtub'))[0]).toBe('gh');
    expect(ids(idx.search('pasword'))).toContain('pass');
    expect(ids(idx.search('pasword'))).toContain('wifi');
    // Short words must match exactly: three letters is too little to guess a typo from.
    expect(idx.search('gti')).toEqual([]);
  });

  it('ranks exact over prefix over fuzzy, and requires every query word', () => {
    const idx = officeIndex();
    const hits = idx.search('password');
    expect(ids(hits)[0]).toBe('pass'); // title match
    expect(ids(idx.search('office guest'))).toEqual(['wifi']);
    expect(idx.search('office github')).toEqual([]);
    expect(idx.search('')).toEqual([]);
    expect(idx.search('  ..  ')).toEqual([]);
  });

  it('forgives punctuation both ways, with case, accents and a typo, title matches first', () => {
    const idx = officeIndex();
    idx.upsert(doc('router', { title: 'Router', notes: 'the wifi box in the hall' }));
    idx.upsert(doc('mail', { title: 'E-Mail archive', url: 'https://mail.example.com' }));
    for (const q of ['wifi', 'WiFi', 'wi-fi', 'Wi Fi', 'wífi', 'wfii', 'office wifi']) {
      expect(ids(idx.search(q))[0], q).toBe('wifi');
    }
    expect(ids(idx.search('wifi'))).toContain('router');
    expect(ids(idx.search('email'))).toEqual(['mail']);
    idx.upsert(doc('wifi2', { title: 'Guest WiFi' }));
    expect(ids(idx.search('wi-fi'))).toContain('wifi2');
    expect(ids(idx.search('mailexample'))).toEqual(['mail']);
  });

  it('updates and removes incrementally', () => {
    const idx = officeIndex();
    idx.upsert(doc('gh', { title: 'GitLab', url: 'https://gitlab.example' }));
    expect(ids(idx.search('github'))).toEqual(['note']);
    expect(ids(idx.search('gitlab'))).toEqual(['gh']);
    idx.remove('note');
    expect(idx.search('github')).toEqual([]);
    expect(idx.search('toner')).toEqual([]);
    idx.remove('missing');
    expect(idx.size).toBe(5);
    idx.upsert(doc('toner2', { title: 'Toner supplier' }));
    expect(ids(idx.search('toner'))).toEqual(['toner2']);
    idx.clear();
    expect(idx.size).toBe(0);
    expect(idx.search('office')).toEqual([]);
  });

  it('agrees with a brute-force scan over 2,000 synthetic entries, through updates', () => {
    const docs = syntheticDocs(2000);
    const idx = new SearchIndex();
    for (const d of docs) idx.upsert(d);
    for (const d of docs.slice(0, 300)) idx.remove(d.id);
    const live = docs.slice(300);
    const brute = (q: string) => {
      const words = tokenize(q);
      return live
        .filter((d) => {
          const tokens = [d.title, d.username, d.url, d.category, d.notes].flatMap(tokenize);
          return words.every((w) => tokens.some((t) => t.startsWith(w)));
        })
        .map((d) => d.id)
        .sort();
    };
    for (const q of ['slack', 'fin', 'anna', 'office 365', 'wi', 'renew march', 'zzz']) {
      const expected = brute(q);
      const found = new Set(idx.search(q, 10_000).map((h) => h.id));
      // Every prefix match is found (typo matches may add more, never fewer).
      expect(
        expected.filter((id) => !found.has(id)),
        q,
      ).toEqual([]);
      expect(found.size).toBeGreaterThanOrEqual(expected.length);
      if (q === 'zzz') expect(found.size).toBe(0);
      else expect(expected.length, q).toBeGreaterThan(0);
    }
  });

  it('gives the same answer whatever was searched before (reused score buffers are reset)', () => {
    const idx = new SearchIndex();
    for (const d of syntheticDocs(3000)) idx.upsert(d);
    const queries = ['anna slack', 'example', 'fin anna', 'gihtub', 'renew march', 'anna'];
    const first = queries.map((q) => idx.search(q, 10_000));
    for (const d of syntheticDocs(3500).slice(3000)) idx.upsert(d); // buffers grow
    const fresh = new SearchIndex();
    for (const d of syntheticDocs(3500)) fresh.upsert(d);
    for (const q of [...queries].reverse()) expect(idx.search(q, 10_000), q).toEqual(fresh.search(q, 10_000));
    expect(first.every((hits) => hits.length > 0)).toBe(true);
  });

  it('is limited to `limit` results', () => {
    const idx = new SearchIndex();
    for (const d of syntheticDocs(500)) idx.upsert(d);
    expect(idx.search('example', 20)).toHaveLength(20);
  });
});
