import { describe, expect, it } from 'vitest';
import { parseOfficeConfig } from '../../shared/office-config';
import { DEFAULT_FEED, describeFeedError, feedFromPublish, manualDownloadPage } from './feed';

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
  it('reads the office feed from the office config file, so an office picks its feed without a rebuild', () => {
    const feed = { provider: 'generic', url: 'https://example.supabase.co/storage/v1/object/public/keyroom' };
    const config = (updateFeed: unknown) =>
      parseOfficeConfig(
        JSON.stringify({
          supabaseUrl: 'https://example.supabase.co',
          publishableKey: 'sb_publishable_0123456789abcdef',
          updateFeed,
        }),
        'config.json',
      ).updateFeed;
    expect(feedFromPublish(config(feed))).toEqual(feed);
    expect(() => feedFromPublish(config({ ...feed, url: 'http://example.test/keyroom' }))).toThrow();
  });

  it('names a page to download by hand, and feed failures in one short line', () => {
    expect(manualDownloadPage(DEFAULT_FEED)).toBe(
      'https://github.com/keyroom-office/keyroom/releases/latest',
    );
    expect(manualDownloadPage({ provider: 'generic', url: 'https://u.test/k' })).toBe('https://u.test/k/');
    const long = new Error(`HttpError: 404 Not Found\n${'header: x\n'.repeat(100)}`);
    expect(describeFeedError(long)).toBe('The update feed could not be read (HttpError: 404 Not Found).');
    expect(describeFeedError(new Error('x'.repeat(1000))).length).toBeLessThan(260);
  });
});
