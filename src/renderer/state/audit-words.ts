// An audit row's details in words ("from Invited to Waiting for confirmation", "3 entries from a Bitwarden
// export"), not the raw JSON the server stores. Unknown keys still show, as "key: value", so nothing is hidden.
const STATUS: Record<string, string> = {
  invited: 'Invited',
  enrolled: 'Waiting for confirmation',
  active: 'Active',
  disabled: 'Disabled',
};
const ROLE: Record<string, string> = { admin: 'Administrator', member: 'Member' };
const POLICY_FIELD: Record<string, string> = {
  min_version: 'minimum version',
  auto_lock_minutes: 'auto-lock time',
  allow_stay_unlocked: '“Stay unlocked”',
  latest_version: 'latest version',
};

const word = (v: unknown): string => {
  if (typeof v === 'string') return STATUS[v] ?? ROLE[v] ?? v;
  if (Array.isArray(v)) return v.map(word).join(', ');
  return v === null || v === undefined ? '—' : typeof v === 'object' ? JSON.stringify(v) : String(v);
};

export function auditDetailsText(details: string): string {
  let parsed: unknown;
  try {
    parsed = JSON.parse(details);
  } catch {
    return details;
  }
  if (parsed === null || typeof parsed !== 'object' || Array.isArray(parsed))
    return details === '{}' ? '' : details;
  const d = { ...(parsed as Record<string, unknown>) };
  const parts: string[] = [];
  const take = (key: string) => {
    const v = d[key];
    delete d[key];
    return v;
  };
  if ('from' in d || 'to' in d) parts.push(`from ${word(take('from'))} to ${word(take('to'))}`);
  if ('status_from' in d || 'status_to' in d)
    parts.push(`status from ${word(take('status_from'))} to ${word(take('status_to'))}`);
  if ('count' in d) {
    const count = take('count');
    const format = 'format' in d ? ` from a ${word(take('format'))} export` : '';
    parts.push(`${word(count)} ${count === 1 ? 'entry' : 'entries'}${format}`);
  }
  if ('changed' in d) {
    const changed = take('changed');
    const names = Array.isArray(changed)
      ? changed.map((c) => POLICY_FIELD[String(c)] ?? String(c))
      : [word(changed)];
    parts.push(`changed: ${names.join(', ')}`);
  }
  if ('role' in d) parts.push(`as ${word(take('role'))}`);
  if ('status' in d) parts.push(word(take('status')));
  if ('entries' in d) parts.push(`${word(take('entries'))} entries re-encrypted`);
  if ('grants' in d) parts.push(`${word(take('grants'))} grants`);
  if ('version' in d) parts.push(`version ${word(take('version'))}`);
  if ('key_version' in d) parts.push(`key version ${word(take('key_version'))}`);
  for (const [k, v] of Object.entries(d)) parts.push(`${k.replace(/_/g, ' ')}: ${word(v)}`);
  return parts.join(' · ');
}
