import { describe, expect, it } from 'vitest';
import { actionLabel, EMPTY_AUDIT_FORM, toAuditFilter } from './audit-filter';

describe('toAuditFilter', () => {
  it('leaves out empty fields', () => {
    expect(toAuditFilter(EMPTY_AUDIT_FORM)).toEqual({});
  });

  it('keeps ids and known actions, drops unknown actions', () => {
    const id = '0b7f3c1e-8f0a-4d5b-9c11-2a3b4c5d6e7f';
    expect(toAuditFilter({ ...EMPTY_AUDIT_FORM, actorId: id, action: 'entry.copy' })).toEqual({
      actorId: id,
      action: 'entry.copy',
    });
    expect(toAuditFilter({ ...EMPTY_AUDIT_FORM, action: 'drop table' })).toEqual({});
  });

  it('makes the date range cover whole local days', () => {
    const f = toAuditFilter({ ...EMPTY_AUDIT_FORM, fromDate: '2026-11-01', toDate: '2026-11-01' });
    const from = new Date(f.from ?? '');
    const to = new Date(f.to ?? '');
    expect(from.getHours()).toBe(0);
    expect(from.getDate()).toBe(1);
    expect(to.getDate()).toBe(1);
    expect(to.getHours()).toBe(23);
    expect(to.getTime() - from.getTime()).toBe(24 * 3600 * 1000 - 1);
    expect(toAuditFilter({ ...EMPTY_AUDIT_FORM, fromDate: 'yesterday' })).toEqual({});
  });

  it('labels actions for people', () => {
    expect(actionLabel('entry.reveal')).toBe('Password revealed');
    expect(actionLabel('something.new')).toBe('something.new');
  });
});
