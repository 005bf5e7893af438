// Decides what the running app must do about updates, from client_policy. Two forced kinds, kept apart:
// - required: the running version is below min_version. The app blocks on the update screen until it has
//   updated (or an admin lowers the minimum).
// - critical: the latest release is marked critical and we are below it. Nothing blocks; the update downloads
//   at once and installs without asking as soon as it is downloaded.
// Otherwise a newer release is only offered ("restart to update").
import { compareSemver, isSemver } from '../shared/semver';

export interface UpdatePolicyInput {
  minVersion: string | null;
  latestVersion: string | null;
  critical: boolean;
}

export type UpdateDecision =
  | { kind: 'none' }
  | { kind: 'available'; version: string }
  | { kind: 'critical'; version: string }
  | { kind: 'required'; version: string };

const below = (running: string, target: string | null): target is string =>
  target !== null && isSemver(target) && compareSemver(running, target) < 0;

export function decideUpdate(running: string, policy: UpdatePolicyInput): UpdateDecision {
  if (!isSemver(running)) throw new Error('running version is not a semantic version');
  const { minVersion, latestVersion, critical } = policy;
  if (below(running, minVersion)) {
    // Go straight to the latest release when it satisfies the minimum: one restart instead of two.
    const target = below(minVersion, latestVersion) ? latestVersion : minVersion;
    return { kind: 'required', version: target };
  }
  if (below(running, latestVersion)) {
    return critical
      ? { kind: 'critical', version: latestVersion }
      : { kind: 'available', version: latestVersion };
  }
  return { kind: 'none' };
}
