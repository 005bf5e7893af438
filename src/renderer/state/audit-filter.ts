// Turns the audit log's filter form (select values and yyyy-mm-dd dates in local time) into the contract's
// filter. A "to" date includes that whole day.

import { AUDIT_ACTIONS, type AuditAction } from '../../shared/audit-actions';
import type { AuditFilter } from '../../shared/domain';

export interface AuditFilterForm {
  actorId: string;
  entryId: string;
  action: string;
  fromDate: string;
  toDate: string;
}

export const EMPTY_AUDIT_FORM: AuditFilterForm = {
  actorId: '',
  entryId: '',
  action: '',
  fromDate: '',
  toDate: '',
};

function localDay(date: string, endOfDay: boolean): string | undefined {
  const m = /^(\d{4})-(\d{2})-(\d{2})$/.exec(date);
  if (!m) return undefined;
  const d = new Date(Number(m[1]), Number(m[2]) - 1, Number(m[3]));
  if (endOfDay) d.setDate(d.getDate() + 1);
  return new Date(d.getTime() - (endOfDay ? 1 : 0)).toISOString();
}

const isAction = (a: string): a is (typeof AUDIT_ACTIONS)[number] =>
  (AUDIT_ACTIONS as readonly string[]).includes(a);

export function toAuditFilter(form: AuditFilterForm): AuditFilter {
  const filter: AuditFilter = {};
  if (form.actorId) filter.actorId = form.actorId;
  if (form.entryId) filter.entryId = form.entryId;
  if (isAction(form.action)) filter.action = form.action;
  const from = localDay(form.fromDate, false);
  const to = localDay(form.toDate, true);
  if (from) filter.from = from;
  if (to) filter.to = to;
  return filter;
}

// Typed by the action list, so an action added there cannot reach the filter without a label.
const ACTION_LABELS: Record<AuditAction, string> = {
  'entry.create': 'Entry added',
  'entry.update': 'Entry changed',
  'entry.delete': 'Entry deleted',
  'entry.restore': 'Entry restored',
  'entry.reveal': 'Password revealed',
  'entry.copy': 'Password copied',
  'entry.copy_username': 'Username copied',
  'entry.totp': 'Authenticator code shown or copied',
  'entry.purge': 'Entry purged from the trash',
  'vault.export': 'Vault exported',
  'vault.import': 'Entries imported',
  'vault.create': 'Vault created',
  'vault.rename': 'Vault renamed',
  'vault.delete': 'Vault deleted',
  'vault.rotate': 'Vault key rotated',
  'grant.create': 'Access granted',
  'grant.revoke': 'Access revoked',
  'grant.delete': 'Access removed',
  'user.create': 'Person invited',
  'user.enroll': 'Person enrolled',
  'user.keys': 'Keys changed',
  'user.confirm': 'Person confirmed',
  'user.disable': 'Person disabled',
  'user.enable': 'Person enabled',
  'user.reset': 'Account reset',
  'user.role': 'Role changed',
  'user.delete': 'Person deleted',
  'account.password_changed': 'Master password changed',
  'device.added': 'Signed in on a new PC',
  'device.revoked': 'PC signed out',
  'policy.update': 'Policy changed',
  'root.recovery_kit': 'Office recovery kit made',
  'root.take_over': 'Office root taken over',
};

export function actionLabel(action: string): string {
  return isAction(action) ? ACTION_LABELS[action] : action;
}
