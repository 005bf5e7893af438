import { describe, expect, it } from 'vitest';
import { KeyroomError } from '../../shared/errors';
import { FakeUpdater } from '../updater/fake-updater';
import { UpdateService } from '../updater/service';
import { requireFeedServes, requireFeedServesMinimum } from './feed-guard';

// The real update service over a stand-in for electron-updater (no Electron binary or feed here).
function feedServing(version: string | null, running = '1.0.0') {
  const feed = new FakeUpdater(running);
  feed.feedVersion = version;
  const timers = { setTimeout: () => 0, clearTimeout: () => {} };
  const updater = new UpdateService({ updater: feed, running, emit: () => {}, timers });
  return { feed, updater };
}

describe('the admin app refuses to require a version the office feed does not serve', () => {
  it('refuses a minimum above what the feed serves, naming both versions, and accepts one it serves', async () => {
    const { updater } = feedServing('1.3.0');
    const refused = requireFeedServesMinimum(updater, '1.0.0', '1.4.0');
    await expect(refused).rejects.toBeInstanceOf(KeyroomError);
    await expect(refused).rejects.toThrow(
      "Cannot set the minimum version to 1.4.0: the office's update feed serves Keyroom 1.3.0 at most. Upload 1.4.0 to the feed first. Nothing was saved.",
    );
    await expect(requireFeedServesMinimum(updater, '1.0.0', '1.3.0')).resolves.toBeUndefined();
    await expect(requireFeedServesMinimum(updater, '1.0.0', '1.2.0')).resolves.toBeUndefined();
  });

  it('refuses a critical release the feed lacks', async () => {
    const { updater } = feedServing('1.3.0');
    await expect(requireFeedServes(updater, '1.3.1', 'publish 1.3.1 as critical')).rejects.toThrow(
      /Cannot publish 1\.3\.1 as critical: the office's update feed serves Keyroom 1\.3\.0 at most/,
    );
  });

  it('refuses when the feed cannot be read, or this build has no feed: nothing is required unconfirmed', async () => {
    const { feed, updater } = feedServing('2.0.0');
    feed.failChecks = 1;
    await expect(requireFeedServesMinimum(updater, '1.0.0', '1.1.0')).rejects.toThrow(
      'Cannot set the minimum version to 1.1.0: The update feed could not be read (net::ERR_INTERNET_DISCONNECTED). Nothing was saved; try again when the feed answers.',
    );
    feed.active = false;
    await expect(requireFeedServesMinimum(updater, '1.0.0', '1.1.0')).rejects.toThrow(
      /not an installed build/,
    );
  });

  it("clearing the minimum, or lowering it to this PC's version or below, never depends on the feed", async () => {
    const { feed, updater } = feedServing(null, '1.5.0');
    feed.failChecks = 99;
    await expect(requireFeedServesMinimum(updater, '1.5.0', null)).resolves.toBeUndefined();
    await expect(requireFeedServesMinimum(updater, '1.5.0', '1.5.0')).resolves.toBeUndefined();
    await expect(requireFeedServesMinimum(updater, '1.5.0', '1.2.0')).resolves.toBeUndefined();
    expect(feed.checks).toBe(0);
  });
});
