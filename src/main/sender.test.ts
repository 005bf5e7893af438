import { describe, expect, it } from 'vitest';
import { isAppUrl, isTrustedSender } from './sender';

const frame = (url: string) => ({ url });

describe('isTrustedSender', () => {
  it('accepts the main frame on our app:// origin', () => {
    const main = frame('app://keyroom/index.html');
    expect(isTrustedSender({ senderFrame: main, sender: { mainFrame: main } })).toBe(true);
  });

  it('refuses a sub-frame even on our origin', () => {
    const main = frame('app://keyroom/index.html');
    const child = frame('app://keyroom/index.html');
    expect(isTrustedSender({ senderFrame: child, sender: { mainFrame: main } })).toBe(false);
  });

  it('refuses a main frame that shows another origin', () => {
    for (const url of [
      'https://keyroom/index.html',
      'file:///index.html',
      'app://evil/index.html',
      'about:blank',
    ]) {
      const main = frame(url);
      expect(isTrustedSender({ senderFrame: main, sender: { mainFrame: main } })).toBe(false);
    }
  });

  it('refuses a destroyed frame', () => {
    expect(isTrustedSender({ senderFrame: null, sender: { mainFrame: frame('app://keyroom/') } })).toBe(
      false,
    );
  });
});

describe('isAppUrl', () => {
  it('rejects credentials and look-alike hosts', () => {
    expect(isAppUrl('app://user:pw@keyroom/')).toBe(false);
    expect(isAppUrl('app://keyroom.evil.com/')).toBe(false);
    expect(isAppUrl('not a url')).toBe(false);
    expect(isAppUrl('app://keyroom/some/page?x=1#y')).toBe(true);
  });
});
