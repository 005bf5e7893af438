import { describe, expect, it } from 'vitest';
import type { AuditEvent } from '../shared/domain';
import { auditCsvFilename, auditToCsv } from './audit-csv';

const event = (over: Partial<AuditEvent>): AuditEvent => ({
  id: '1',
  at: '2026-11-25T10:00:00.000Z',
  actorId: null,
  actorEmail: 'ann@example.com',
  action: 'entry.reveal',
  entryId: null,
  entryTitle: 'Wi-Fi',
  targetEmail: null,
  details: '',
  ...over,
});

describe('auditToCsv', () => {
  it('writes a header and one CRLF-terminated row per event', () => {
    const csv = auditToCsv([event({}), event({ id: '2', action: 'entry.copy' })]);
    const lines = csv.split('\r\n');
    expect(lines[0]).toBe('id,time,actor,action,entry,entry_id,target,details');
    expect(lines[1]).toBe('1,2026-11-25T10:00:00.000Z,ann@example.com,entry.reveal,Wi-Fi,,,');
    expect(lines).toHaveLength(4);
    expect(lines[3]).toBe('');
  });

  it('quotes commas, quotes and newlines', () => {
    const csv = auditToCsv([event({ entryTitle: 'Router, "main"\nfloor 2' })]);
    expect(csv).toContain('"Router, ""main""\nfloor 2"');
  });

  it('defuses spreadsheet formulas in user-typed text', () => {
    const csv = auditToCsv([
      event({ entryTitle: '=HYPERLINK("http://x")' }),
      event({ entryTitle: '@SUM(A1)' }),
    ]);
    expect(csv).toContain(`"'=HYPERLINK(""http://x"")"`);
    expect(csv).toContain("'@SUM(A1)");
    expect(csv).not.toMatch(/,=HYPERLINK/);
  });

  it('names the file by date', () => {
    expect(auditCsvFilename(new Date('2026-11-25T23:00:00Z'))).toBe('keyroom-audit-2026-11-25.csv');
  });
});
