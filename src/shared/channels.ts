// The names every IPC call and pushed event may use. Kept free of zod so the sandboxed preload can import
// it without bundling the schemas: the preload only needs to refuse names that are not on these lists.

export const CALL_NAMES = [
  'session.state',
  'session.signIn',
  'session.redeemInvitation',
  'session.enroll',
  'session.unlock',
  'session.lock',
  'session.signOut',
  'session.changeMasterPassword',
  'devices.list',
  'devices.signOut',
  'vault.list',
  'vault.search',
  'vault.get',
  'vault.reveal',
  'vault.copy',
  'vault.totp',
  'vault.create',
  'vault.update',
  'vault.delete',
  'vault.restore',
  'vault.history',
  'vault.historyReveal',
  'vault.historyCopy',
  'vault.historyRestore',
  'import.choose',
  'import.run',
  'import.cancel',
  'import.unseal',
  'health.report',
  'health.flags',
  'trash.list',
  'trash.restore',
  'trash.purge',
  'export.save',
  'backup.create',
  'backup.open',
  'backup.restore',
  'backup.cancel',
  'backup.auto.get',
  'backup.auto.chooseFolder',
  'backup.auto.enable',
  'backup.auto.disable',
  'conflicts.list',
  'conflicts.resolve',
  'refused.list',
  'refused.copy',
  'refused.save',
  'refused.discard',
  'admin.members',
  'admin.invite',
  'admin.confirm',
  'admin.disable',
  'admin.enable',
  'admin.reset',
  'admin.rotateVault',
  'admin.setRole',
  'admin.audit',
  'admin.auditExport',
  'admin.devices',
  'admin.revokeDevice',
  'admin.officeRoot',
  'admin.createRecoveryKit',
  'admin.takeOverRoot',
  'admin.policy',
  'admin.publishRelease',
  'admin.setMinVersion',
  'admin.setPolicy',
  'settings.get',
  'settings.set',
  'network.route',
  'network.test',
  'app.info',
  'generator.passphrase',
  'app.restartToUpdate',
  'app.retryUpdate',
  'app.downloadManually',
  'update.lowerMinimum',
] as const;

export const EVENT_NAMES = [
  'entriesChanged',
  'sessionChanged',
  'syncStateChanged',
  'conflictsChanged',
  'refusedChanged',
  'updateAvailable',
  'updateRequired',
  'toast',
  'importProgress',
  'backupProgress',
  'officeRootChanged',
  'policyChanged',
  'peopleChanged',
  'deviceAdded',
] as const;

export type CallName = (typeof CALL_NAMES)[number];
export type EventName = (typeof EVENT_NAMES)[number];

const callSet: ReadonlySet<string> = new Set(CALL_NAMES);
const eventSet: ReadonlySet<string> = new Set(EVENT_NAMES);

export function isCallName(value: unknown): value is CallName {
  return typeof value === 'string' && callSet.has(value);
}

export function isEventName(value: unknown): value is EventName {
  return typeof value === 'string' && eventSet.has(value);
}

// One channel per call and per event, under a prefix nothing else in the app uses.
export function callChannel(name: CallName): string {
  return `keyroom:call:${name}`;
}

export function eventChannel(name: EventName): string {
  return `keyroom:event:${name}`;
}
