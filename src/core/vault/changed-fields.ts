// Which fields a colleague's change touched, so a toast can say "Office Wi-Fi: password changed by Alex" —
// the field's name, never its value. Compared on the decrypted entries before and after the change.
import type { Entry } from './entry-schema';

export const CHANGED_FIELDS = [
  'title',
  'username',
  'password',
  'url',
  'notes',
  'category',
  'totp',
  'fields',
] as const;
export type ChangedField = (typeof CHANGED_FIELDS)[number];

export function changedFields(before: Entry | undefined, after: Entry | undefined): ChangedField[] {
  if (!before || !after) return [];
  return CHANGED_FIELDS.filter((f) =>
    f === 'fields' ? JSON.stringify(before.fields) !== JSON.stringify(after.fields) : before[f] !== after[f],
  );
}
