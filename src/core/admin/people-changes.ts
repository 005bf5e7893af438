// What changed in the office's people between two reads of the colleagues view: the office channel's `profile`
// poke says only that someone's status or role moved, so the admin's People list and its "waiting for
// confirmation" toast are derived by comparing the rows before and after.
import type { ColleagueRow } from '../backend/rows';

export interface PersonChange {
  id: string;
  displayName: string;
  /** null for someone not there before (an invitation just made). */
  from: ColleagueRow['status'] | null;
  to: ColleagueRow['status'] | null;
}

export function peopleChanges(
  before: ReadonlyMap<string, ColleagueRow>,
  after: ReadonlyMap<string, ColleagueRow>,
): PersonChange[] {
  const changes: PersonChange[] = [];
  for (const [id, row] of after) {
    const old = before.get(id);
    if (old?.status === row.status && old.role === row.role) continue;
    changes.push({
      id,
      displayName: row.display_name || row.email,
      from: old?.status ?? null,
      to: row.status,
    });
  }
  for (const [id, old] of before) {
    if (!after.has(id))
      changes.push({ id, displayName: old.display_name || old.email, from: old.status, to: null });
  }
  return changes;
}
