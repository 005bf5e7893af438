// The Website field as people type it: "mail.example.com" is a web address, stored as https://mail.example.com.
// The browser's own type="url" check refuses a bare domain with its own words; this says what is really wrong,
// in ours. Only http(s) is kept: the entry view opens the address, and other schemes (javascript:, file:) must
// never be one click away.
export type WebsiteResult = { ok: true; url: string } | { ok: false; message: string };

const SCHEME = /^([a-z][a-z0-9+.-]*):/i;
// A name with a dot, localhost, or an IPv6 literal: "intranet" alone is more likely a typo than an address.
const HOST = /^(localhost|\[[0-9a-f:.]+\]|[^.\s]+(\.[^.\s]+)+)$/i;

export function normalizeWebsite(input: string): WebsiteResult {
  const text = input.trim();
  if (text === '') return { ok: true, url: '' };
  if (/\s/.test(text)) return { ok: false, message: 'A web address has no spaces.' };
  const scheme = SCHEME.exec(text)?.[1]?.toLowerCase();
  // "localhost:8080" and "nas.local:5000" have a port, not a scheme.
  const hasScheme = scheme !== undefined && !/^[^:/]+:\d+(\/|$)/.test(text);
  if (hasScheme && scheme !== 'http' && scheme !== 'https')
    return { ok: false, message: 'Only web addresses (http or https) can be saved here.' };
  let url: URL;
  try {
    url = new URL(hasScheme ? text : `https://${text}`);
  } catch {
    return { ok: false, message: 'This is not a web address. Try something like mail.example.com.' };
  }
  if (!HOST.test(url.hostname))
    return { ok: false, message: 'Add the full name of the site, such as mail.example.com.' };
  // Without a path, keep it as typed (no trailing slash the person did not write).
  const href = url.pathname === '/' && !url.search && !url.hash && !/\/$/.test(text) ? url.origin : url.href;
  return { ok: true, url: href };
}
