// Reads the update feed from electron-builder's `publish` setting (electron-builder.json, or an office config
// that overrides it): a generic HTTPS server or a public GitHub repository's releases. Anything else (plain
// HTTP, private repositories that would need a token on every PC, unknown providers) is refused, because the
// feed decides which code the whole office runs next.
import { z } from 'zod';
import type { FeedOptions } from './port';

const generic = z.strictObject({
  provider: z.literal('generic'),
  url: z.url({ protocol: /^https$/ }),
  channel: z
    .string()
    .regex(/^[a-z0-9-]{1,40}$/)
    .optional(),
});

const github = z.strictObject({
  provider: z.literal('github'),
  owner: z.string().regex(/^[A-Za-z0-9](?:[A-Za-z0-9-]{0,38})$/),
  repo: z.string().regex(/^[A-Za-z0-9._-]{1,100}$/),
  private: z.literal(false).optional(),
  // electron-builder's publish setting: publish as a full release (a draft is invisible to the updater).
  releaseType: z.literal('release').optional(),
});

const publishEntry = z.discriminatedUnion('provider', [generic, github]);

/** The first entry of a `publish` setting (one object or a list), as the feed electron-updater reads. */
export function feedFromPublish(publish: unknown): FeedOptions {
  const entries = Array.isArray(publish) ? publish : [publish];
  const parsed = publishEntry.parse(entries[0]);
  if (parsed.provider === 'generic') {
    return parsed.channel === undefined
      ? { provider: 'generic', url: parsed.url }
      : { provider: 'generic', url: parsed.url, channel: parsed.channel };
  }
  return { provider: 'github', owner: parsed.owner, repo: parsed.repo };
}

/**
 * The feed electron-builder.json publishes to (a test keeps the two equal); an office that hosts its own
 * releases names another in its office config, without a rebuild.
 */
export const DEFAULT_FEED: FeedOptions = { provider: 'github', owner: 'keyroom-office', repo: 'keyroom' };

/** Where a person downloads the installer by hand: the releases page, or the generic feed's folder. */
export function manualDownloadPage(feed: FeedOptions): string {
  if (feed.provider === 'github') return `https://github.com/${feed.owner}/${feed.repo}/releases/latest`;
  return feed.url.endsWith('/') ? feed.url : `${feed.url}/`;
}

const FEED_ERROR_MAX = 200;

/**
 * A failed check or download in words for the update screen: the first line of what electron-updater said
 * (it may append whole HTTP bodies and headers), cut short. The feed is public, so its URL is no secret.
 */
export function describeFeedError(e: unknown): string {
  const raw = e instanceof Error ? e.message : 'unknown error';
  const first = (raw.split('\n')[0] ?? '').trim().slice(0, FEED_ERROR_MAX) || 'unknown error';
  return `The update feed could not be read (${first}).`;
}
