// Forwards the core's events to the renderer as contract events, and raises a desktop notification for
// changes someone else made ("Anna updated Wi-Fi"). Lock, sign-out and disable also clear the clipboard if it
// still holds a password we put there.
import type { KeyroomCore } from '../../core';
import { describeBurst, describeChange } from '../../shared/change-words';
import type { EntryChange } from '../../shared/contract';
import { OFFICE_ROOT_MESSAGES } from '../../shared/errors';
import type { EmitEvent } from '../events';
import type { HandlerOs } from './os';
import { toSession } from './shapes';

function describe(
  core: KeyroomCore,
  change: {
    id: string;
    vaultId: string;
    by: string | null;
    byName: string;
    op: 'upsert' | 'delete';
    fields: EntryChange['fields'];
  },
  me: string | null,
): EntryChange {
  let title = '';
  let version = 0;
  try {
    const entry = core.vault.get(change.id);
    title = entry.title;
    version = entry.version;
  } catch {
    // locked meanwhile, or the entry is damaged: the change is still reported, without a title
  }
  const op = change.op === 'delete' ? 'delete' : version === 1 ? 'insert' : 'update';
  return {
    entryId: change.id,
    vaultId: change.vaultId,
    title,
    op,
    actorName: change.byName,
    byMe: me !== null && change.by === me,
    fields: op === 'update' ? change.fields : [],
  };
}

export function forwardCoreEvents(
  core: KeyroomCore,
  emit: EmitEvent,
  os: Pick<HandlerOs, 'clipboard' | 'notifier' | 'updater'>,
): () => void {
  const offs = [
    core.events.on('sessionChanged', (state) => {
      if (state.state !== 'unlocked') os.clipboard.clearIfOurs();
      emit('sessionChanged', toSession(state));
    }),
    core.events.on('entriesChanged', ({ changes }) => {
      const me = core.state.state === 'unlocked' ? core.state.user.id : null;
      const described = changes.slice(0, 1000).map((c) => describe(core, c, me));
      emit('entriesChanged', { changes: described });
      const others = described.filter((c) => !c.byMe);
      const [only] = others;
      if (others.length === 1 && only) os.notifier.notify('Keyroom', describeChange(only));
      // A burst (an import, a key rotation) is one notification, not dozens.
      else if (others.length > 1) os.notifier.notify('Keyroom', describeBurst(others));
    }),
    core.events.on('conflictsChanged', ({ count }) => emit('conflictsChanged', { count })),
    core.events.on('refusedChanged', ({ count }) => emit('refusedChanged', { count })),
    core.events.on('syncState', ({ connection, lastSyncedAt, pendingChanges, liveBlocked }) =>
      emit('syncStateChanged', { connection, lastSyncedAt, pendingChanges, liveBlocked }),
    ),
    // A hand-over of the office root, verified against this PC's pin: every PC says so (toast and notification).
    core.events.on('officeRootChanged', ({ holderId, holderName }) => {
      const message = `${holderName || 'An admin'} is now the office root.`;
      emit('officeRootChanged', { holderId });
      emit('toast', { kind: 'info', message });
      os.notifier.notify('Keyroom', message);
    }),
    core.events.on('officeRootRefused', () =>
      emit('toast', { kind: 'warning', message: OFFICE_ROOT_MESSAGES.refusedClaim }),
    ),
    core.events.on('policyChanged', ({ autoLockMinutes, allowStayUnlocked }) =>
      emit('policyChanged', { autoLockMinutes, allowStayUnlocked }),
    ),
    core.events.on('peopleChanged', ({ changes }) =>
      emit('peopleChanged', { changes: changes.slice(0, 1000) }),
    ),
    // Another PC of this person signed in for the first time: said on every PC of theirs (toast and
    // notification), so a sign-in they did not make is noticed and can be signed out from Settings.
    core.events.on('deviceAdded', ({ id, name, platform, at }) => {
      // The server's timestamp is normalised: the contract takes ISO times with an offset only.
      const when = new Date(at);
      const iso = Number.isNaN(when.getTime()) ? new Date().toISOString() : when.toISOString();
      const payload = { id, name: name.slice(0, 200), platform: platform.slice(0, 40), at: iso };
      emit('deviceAdded', payload);
      os.notifier.notify('Keyroom', `Signed in on a new PC: ${payload.name}`);
    }),
    core.events.on('revocationRefused', () =>
      emit('toast', { kind: 'warning', message: OFFICE_ROOT_MESSAGES.refusedRevocation }),
    ),
    core.events.on('updateRequired', ({ running, required }) => {
      // The updater may already know the download's progress or why it failed: the screen shows it at once.
      const u = os.updater.status();
      emit('updateRequired', {
        running,
        required,
        downloadPercent: u.kind === 'required' ? u.downloadPercent : null,
        error: u.kind === 'required' ? u.error : null,
        at: new Date().toISOString(),
      });
    }),
  ];
  return () => {
    for (const off of offs) off();
  };
}
