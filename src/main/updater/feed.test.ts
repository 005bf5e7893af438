import { describe, expect, it } from 'vitest';
import { feedFromPublish } from './feed';

describe('feedFromPublish (electron-builder publish setting)', () => {
  it('accepts a generic HTTPS server and a public GitHub repository, first entry of a list', () => {
    expect(
      feedFromPublish({ provider: 'generic', url: 'https://updates.office.test/keyroom', channel: 'latest' }),
    ).toEqual({ provider: 'generic', url: 'https://updates.office.test/keyroom', channel: 'latest' });
    expect(
      feedFromPublish([
        { provider: 'github', owner: 'office', repo: 'keyroom' },
        { provider: 'generic', url: 'https://mirror.office.test' },
      ]),
    ).toEqual({ provider: 'github', owner: 'office', repo: 'keyroom' });
  });

  it('refuses plain HTTP, private repositories, unknown providers and extra settings', () => {
    for (const bad of [
      { provider: 'generic', url: 'http://updates.office.test' },
      { provider: 'github', owner: 'office', repo: 'keyroom', private: true },
      { provider: 'github', owner: 'office', repo: 'keyroom', token: 'ghp_x' },
      { provider: 's3', bucket: 'x' },
      [],
      null,
    ]) {
      expect(() => feedFromPublish(bad)).toThrow();
    }
  });
});
