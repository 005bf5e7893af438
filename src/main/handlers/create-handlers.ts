// The platform-neutral glue from the IPC contract to the core: one handler per contract call, each a thin
// mapping onto the KeyroomCore facade, with the OS pieces injected. dispatch() has already validated the
// request and will validate (and strip) the response; here, failures become the contract's {code, message}.
import type { KeyroomCore } from '../../core';
import { generatePassphrase, passphraseEntropyBits } from '../../core/vault/generator';
import type { Conflict, ConflictSide } from '../../shared/domain';
import { auditCsvFilename, auditToCsv } from '../audit-csv';
import type { Handlers } from '../ipc-registry';
import { autoBackupHandlers } from './auto-backup';
import { backupHandlers } from './backup';
import { mapped } from './errors';
import { requireFeedServes, requireFeedServesMinimum } from './feed-guard';
import { importHandlers } from './import';
import type { HandlerOs } from './os';
import { toCoreInput, toCoreUpdate, toDetail, toSession } from './shapes';
import { exposedWithFlags, upkeepHandlers } from './upkeep';

type CoreConflict = ReturnType<KeyroomCore['vault']['conflicts']>[number];

const DAMAGED_SIDE = (at: string): ConflictSide => ({
  title: '',
  username: '',
  url: '',
  category: '',
  notes: '',
  hasTotp: false,
  deleted: false,
  changedAt: at,
  changedBy: '',
});

function toConflict(c: CoreConflict, me: string, theirsBy: string): Conflict {
  const mine: ConflictSide = c.mine
    ? {
        title: c.mine.title,
        username: c.mine.username,
        url: c.mine.url,
        category: c.mine.category,
        notes: c.mine.notes,
        hasTotp: c.mine.totp !== '',
        deleted: false,
        changedAt: c.detectedAt,
        changedBy: me,
      }
    : DAMAGED_SIDE(c.detectedAt);
  const theirs: ConflictSide = c.theirs
    ? {
        title: c.theirs.entry.title,
        username: c.theirs.entry.username,
        url: c.theirs.entry.url,
        category: c.theirs.entry.category,
        notes: c.theirs.entry.notes,
        hasTotp: c.theirs.entry.totp !== '',
        deleted: c.theirs.deletedAt !== null,
        changedAt: c.theirs.updatedAt,
        changedBy: theirsBy,
      }
    : { ...DAMAGED_SIDE(c.detectedAt), deleted: true };
  return {
    id: c.id,
    entryId: c.entryId,
    vaultId: c.vaultId,
    mine,
    theirs,
    // Compared here, in the main process; the passwords themselves never leave it.
    passwordsDiffer: (c.mine?.password ?? '') !== (c.theirs?.entry.password ?? ''),
    detectedAt: c.detectedAt,
  };
}

export function createHandlers(core: KeyroomCore, os: HandlerOs): Handlers {
  const myName = () =>
    core.state.state === 'unlocked' ? core.state.user.displayName || core.state.user.email : '';
  // Who wrote the server's version, by display name; empty when that entry no longer opens.
  const updatedBy = (entryId: string) => {
    try {
      return core.vault.get(entryId).updatedBy;
    } catch {
      return '';
    }
  };
  const isAdminNow = () => core.state.state === 'unlocked' && core.state.user.role === 'admin';
  const officeFingerprint = () => (core.state.state === 'unlocked' ? core.state.officeFingerprint : null);

  return {
    'session.state': mapped(() => toSession(core.state)),
    'session.signIn': mapped(async ({ email, masterPassword }) =>
      toSession(await core.signIn(email, masterPassword)),
    ),
    'session.redeemInvitation': mapped(async ({ email, oneTimePassword }) =>
      toSession(await core.redeemInvitation(email, oneTimePassword)),
    ),
    'session.enroll': mapped(async ({ masterPassword, officeFingerprint }) =>
      toSession(await core.enroll(masterPassword, officeFingerprint)),
    ),
    'session.unlock': mapped(async ({ masterPassword }) => toSession(await core.unlock(masterPassword))),
    'session.lock': mapped(async () => {
      os.clipboard.clearIfOurs();
      return toSession(await core.lock());
    }),
    'session.signOut': mapped(async () => {
      os.clipboard.clearIfOurs();
      return toSession(await core.signOut());
    }),
    'session.changeMasterPassword': mapped(async ({ current, next }) => {
      await core.changeMasterPassword(current, next);
      return null;
    }),
    'devices.list': mapped(async () => ({ devices: await core.devices() })),
    'devices.signOut': mapped(async ({ id }) => {
      await core.signOutDevice(id);
      return null;
    }),

    'vault.list': mapped(({ includeDeleted }) => ({
      vaults: core.vaults().map((v) => ({ id: v.id, name: v.name, entryCount: v.entryCount })),
      entries: core.vault.list(includeDeleted ?? false),
    })),
    'vault.search': mapped(({ query, vaultId, category, limit }) => {
      const wanted = limit ?? 200;
      // Filters apply after ranking, so ask the index for more than will be shown.
      const hits = core.vault.search(query, vaultId || category ? 10_000 : wanted);
      const entries = hits.filter(
        (e) =>
          (vaultId === undefined || e.vaultId === vaultId) &&
          (category === undefined || e.category === category),
      );
      return { entries: entries.slice(0, wanted) };
    }),
    'vault.get': mapped(({ id }) => toDetail(core.vault.get(id))),
    'vault.reveal': mapped(async ({ id }) => ({ password: await core.vault.reveal(id) })),
    'vault.copy': mapped(async ({ id, field }) => os.clipboard.copy(await core.vault.copy(id, field))),
    'vault.totp': mapped(({ id }) => core.vault.totp(id)),
    'vault.create': mapped(({ vaultId, entry }) => core.vault.create(vaultId, toCoreInput(entry))),
    'vault.update': mapped(({ id, baseVersion, entry }) =>
      core.vault.update(id, baseVersion, toCoreUpdate(entry)),
    ),
    'vault.delete': mapped(({ id, baseVersion }) => core.vault.remove(id, baseVersion)),
    'vault.restore': mapped(({ id, baseVersion }) => core.vault.restore(id, baseVersion)),
    'vault.history': mapped(async ({ id }) => ({ versions: await core.vault.history(id) })),
    'vault.historyReveal': mapped(async ({ id, version }) => ({
      password: await core.vault.versionPassword(id, version, 'reveal'),
    })),
    'vault.historyCopy': mapped(async ({ id, version }) =>
      os.clipboard.copy(await core.vault.versionPassword(id, version, 'copy')),
    ),
    'vault.historyRestore': mapped(({ id, baseVersion, version }) =>
      core.vault.restorePassword(id, baseVersion, version),
    ),
    ...importHandlers(core, os),
    ...upkeepHandlers(core, os),
    ...backupHandlers(core, os),
    ...autoBackupHandlers(core, os),

    'conflicts.list': mapped(() => ({
      conflicts: core.vault.conflicts().map((c) => toConflict(c, myName(), updatedBy(c.entryId))),
    })),
    'conflicts.resolve': mapped(async ({ conflictId, choice }) => {
      await core.vault.resolve(conflictId, choice);
      return null;
    }),

    'refused.list': mapped(() => ({ refused: core.vault.refused() })),
    'refused.copy': mapped(async ({ id, field }) =>
      os.clipboard.copy(await core.vault.copyRefused(id, field)),
    ),
    'refused.save': mapped(({ id, vaultId }) => core.vault.saveRefused(id, vaultId)),
    'refused.discard': mapped(async ({ id }) => {
      await core.vault.discardRefused(id);
      return null;
    }),

    'admin.members': mapped(async () => ({ members: await core.admin.members() })),
    'admin.invite': mapped(({ email, displayName, role }) => core.admin.invite(email, displayName, role)),
    'admin.confirm': mapped(({ memberId, fingerprint, role }) =>
      core.admin.confirm(memberId, fingerprint, role ?? 'member'),
    ),
    'admin.disable': mapped(({ memberId }) => core.admin.disable(memberId)),
    'admin.enable': mapped(({ memberId }) => core.admin.enable(memberId)),
    'admin.reset': mapped(({ memberId }) => core.admin.reset(memberId)),
    'admin.setRole': mapped(({ memberId, role }) => core.admin.setRole(memberId, role)),
    'admin.rotateVault': mapped(async ({ vaultId, leaverId }) => {
      const r = await core.admin.rotateVault(vaultId, leaverId);
      return { ...r, exposed: await exposedWithFlags(core, os, r.exposed) };
    }),
    'admin.audit': mapped(({ filter, before, limit }) =>
      core.office.audit(filter, {
        ...(before === undefined ? {} : { before }),
        ...(limit === undefined ? {} : { limit }),
      }),
    ),
    'admin.auditExport': mapped(async ({ filter }) => {
      const events = await core.office.auditAll(filter);
      return { filename: auditCsvFilename(new Date()), csv: auditToCsv(events), rows: events.length };
    }),
    'admin.devices': mapped(async () => ({ devices: await core.office.devices() })),
    'admin.revokeDevice': mapped(async ({ id }) => {
      await core.office.revokeDevice(id);
      return null;
    }),
    'admin.officeRoot': mapped(async () => core.succession.info()),
    'admin.createRecoveryKit': mapped(() => core.succession.createKit()),
    'admin.takeOverRoot': mapped(({ code, masterPassword, sealedKit }) =>
      core.succession.takeOver(code, masterPassword, sealedKit),
    ),
    'admin.policy': mapped(() => core.office.policy()),
    // The feed is asked only for an admin: anyone else gets the core's (and the server's) plain refusal.
    'admin.publishRelease': mapped(async ({ version, releaseNotes, critical }) => {
      if (critical && isAdminNow())
        await requireFeedServes(os.updater, version, `publish ${version} as critical`);
      return core.office.publishRelease(version, releaseNotes, critical);
    }),
    'admin.setMinVersion': mapped(async ({ minVersion }) => {
      if (isAdminNow()) await requireFeedServesMinimum(os.updater, os.version, minVersion);
      return core.office.setMinVersion(minVersion);
    }),
    'admin.setPolicy': mapped(({ autoLockMinutes, allowStayUnlocked }) =>
      core.office.setPolicy(autoLockMinutes, allowStayUnlocked),
    ),

    'generator.passphrase': mapped(async (opts) => ({
      passphrase: generatePassphrase(opts),
      bits: passphraseEntropyBits(opts),
    })),
    'settings.get': mapped(() => os.settings.get()),
    'settings.set': mapped((patch) => os.settings.set(patch)),
    'network.route': mapped(() => core.route()),
    'network.test': mapped(() => core.testConnection()),

    'app.info': mapped(() => {
      const { connection, lastSyncedAt, pendingChanges, liveBlocked } = core.syncStatus;
      return {
        version: os.version,
        platform: os.platform,
        officeFingerprint: officeFingerprint(),
        sync: { connection, lastSyncedAt, pendingChanges, liveBlocked },
        update: os.updater.status(),
        policy: policyOf(core.policy),
      };
    }),
    'app.restartToUpdate': mapped(async () => {
      await os.updater.restartToUpdate();
      return null;
    }),
    'app.retryUpdate': mapped(async () => {
      await os.updater.retry();
      return null;
    }),
    'app.downloadManually': mapped(async () => {
      await os.updater.downloadManually();
      return null;
    }),
    'update.lowerMinimum': mapped(async ({ masterPassword, minVersion }) => {
      await requireFeedServesMinimum(os.updater, os.version, minVersion);
      return toSession(await core.lowerMinimumWhileBlocked(masterPassword, minVersion));
    }),
  };
}

// app.info carries only what the settings screen needs to honour (auto-lock, "stay unlocked" allowed).
function policyOf(p: KeyroomCore['policy']) {
  return p ? { autoLockMinutes: p.autoLockMinutes, allowStayUnlocked: p.allowStayUnlocked } : null;
}
