// The updater follows the office policy the core reads: every policy read (unlock, server confirmation, policy
// poke, an admin lowering the minimum from the update screen) and every block on the update screen (an unlock
// from the cache below the cached minimum) hands the updater the minimum, the latest release and whether it is
// critical. Shared by the Electron main process and the browser-preview host.
import type { KeyroomCore } from '../../core';
import type { UpdateService } from './service';

export function followOfficePolicy(
  core: Pick<KeyroomCore, 'events' | 'policy'>,
  updater: Pick<UpdateService, 'applyPolicy'>,
): () => void {
  const offs = [
    core.events.on('policyChanged', (p) =>
      updater.applyPolicy({
        minVersion: p.minVersion,
        latestVersion: p.latestVersion,
        critical: p.critical,
        releaseNotes: p.releaseNotes,
      }),
    ),
    core.events.on('updateRequired', ({ required }) => {
      const p = core.policy;
      updater.applyPolicy({
        minVersion: required,
        latestVersion: p?.latestVersion ?? null,
        critical: p?.critical ?? false,
        releaseNotes: p?.releaseNotes ?? '',
      });
    }),
  ];
  return () => {
    for (const off of offs) off();
  };
}
