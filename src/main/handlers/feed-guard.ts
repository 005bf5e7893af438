// The admin's app refuses to require a version the office's update feed does not serve: a minimum above what
// the feed delivers would block every PC on the update screen for good, and a critical release the feed lacks
// would never install. The server cannot see the feed (it is the office's choice, in the office config), so the
// check runs here, against the feed this PC updates from, before the request leaves.
import { KeyroomError } from '../../shared/errors';
import { compareSemver } from '../../shared/semver';
import type { Updater } from './os';

/**
 * Throws unless the feed serves `version` or newer. `what` names the action for the message ("set the minimum
 * version to 1.4.0"). An unreadable feed refuses too: nothing may be required that nobody confirmed exists.
 */
export async function requireFeedServes(updater: Updater, version: string, what: string): Promise<void> {
  let latest: string;
  try {
    latest = await updater.feedLatest();
  } catch (e) {
    const why = e instanceof Error ? e.message : 'the update feed could not be read';
    throw new KeyroomError(
      'invalid_request',
      `Cannot ${what}: ${why.replace(/\.$/, '')}. Nothing was saved; try again when the feed answers.`,
    );
  }
  if (compareSemver(latest, version) < 0) {
    throw new KeyroomError(
      'invalid_request',
      `Cannot ${what}: the office's update feed serves Keyroom ${latest} at most. Upload ${version} to the feed first. Nothing was saved.`,
    );
  }
}

/**
 * A minimum needs the feed's confirmation only when it is above what this PC runs: clearing it, or lowering it
 * to at most this PC's version, always saves (an admin's way out must never depend on the feed).
 */
export async function requireFeedServesMinimum(
  updater: Updater,
  running: string,
  minVersion: string | null,
): Promise<void> {
  if (minVersion === null || compareSemver(minVersion, running) <= 0) return;
  await requireFeedServes(updater, minVersion, `set the minimum version to ${minVersion}`);
}
