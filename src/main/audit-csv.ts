// CSV export of the audit log (RFC 4180 quoting). Cells that a spreadsheet would run as a formula
// (=, +, -, @, tab, CR) are prefixed with an apostrophe: the log holds text users typed (entry titles).
import type { AuditEvent } from '../shared/domain';

const HEADER = ['id', 'time', 'actor', 'action', 'entry', 'entry_id', 'target', 'details'];

function cell(value: string | null): string {
  let text = value ?? '';
  if (/^[=+\-@\t\r]/.test(text)) text = `'${text}`;
  return /[",\r\n]/.test(text) || text !== text.trim() ? `"${text.replaceAll('"', '""')}"` : text;
}

export function auditToCsv(events: readonly AuditEvent[]): string {
  const rows = events.map((e) =>
    [e.id, e.at, e.actorEmail, e.action, e.entryTitle, e.entryId, e.targetEmail, e.details]
      .map(cell)
      .join(','),
  );
  return `${[HEADER.join(','), ...rows].join('\r\n')}\r\n`;
}

export function auditCsvFilename(now: Date): string {
  return `keyroom-audit-${now.toISOString().slice(0, 10)}.csv`;
}
