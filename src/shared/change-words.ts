// How a colleague's change is said, in the toast and in the desktop notification alike: the entry, what changed
// (field names only, never a value) and who — "Office Wi-Fi: password changed by Alex Admin".
import type { EntryChange } from './contract';

const FIELD_WORDS: Record<EntryChange['fields'][number], string> = {
  title: 'title',
  username: 'username',
  password: 'password',
  url: 'website',
  notes: 'notes',
  category: 'category',
  totp: 'authenticator key',
  fields: 'extra fields',
};

function list(words: string[]): string {
  if (words.length <= 1) return words.join('');
  return `${words.slice(0, -1).join(', ')} and ${words[words.length - 1]}`;
}

export function describeChange(c: Pick<EntryChange, 'title' | 'op' | 'actorName' | 'fields'>): string {
  const who = c.actorName || 'someone';
  const what = c.title ? c.title : 'An entry';
  switch (c.op) {
    case 'insert':
      return `${what}: added by ${who}`;
    case 'delete':
      return `${what}: deleted by ${who}`;
    case 'restore':
      return `${what}: restored by ${who}`;
    case 'update':
      return c.fields.length > 0
        ? `${what}: ${list(c.fields.map((f) => FIELD_WORDS[f]))} changed by ${who}`
        : `${what}: updated by ${who}`;
  }
}

/** Several changes at once (an import, a key rotation): one sentence, not dozens. */
export function describeBurst(changes: Pick<EntryChange, 'op' | 'actorName'>[]): string {
  const actors = new Set(changes.map((c) => c.actorName || 'someone'));
  const [only] = actors;
  if (actors.size === 1 && only !== undefined) {
    const added = changes.every((c) => c.op === 'insert');
    return added ? `${only} added ${changes.length} entries` : `${only} changed ${changes.length} entries`;
  }
  return `${changes.length} entries changed by ${actors.size} people`;
}
