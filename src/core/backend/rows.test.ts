import { describe, expect, it } from 'vitest';
import { entryPokeSchema, entryRowSchema, parseRows, policyRowSchema } from './rows';

const row = {
  id: '7a0c5c62-7a43-4c1e-9c77-3f1d2b6f0a11',
  vault_id: '0f8e3a8c-4b1a-4d3e-8f3c-0d6a1b2c3d4e',
  envelope: { v: 1, alg: 'xchacha20poly1305', kv: 1, nonce: 'AA', ct: 'BB', cm: 'CC' },
  key_version: 1,
  version: 3,
  seq: 42,
  created_by: null,
  created_at: '2026-01-01T00:00:00Z',
  updated_by: null,
  updated_at: '2026-01-01T00:00:00Z',
  deleted_at: null,
};

describe('server rows', () => {
  it('reads int8 seq sent as a number or as text, and refuses unsafe values', () => {
    expect(entryRowSchema.parse(row).seq).toBe(42);
    expect(entryRowSchema.parse({ ...row, seq: '9007199254740991' }).seq).toBe(9007199254740991);
    expect(entryRowSchema.safeParse({ ...row, seq: 2 ** 60 }).success).toBe(false);
    expect(entryRowSchema.safeParse({ ...row, seq: -1 }).success).toBe(false);
    expect(entryRowSchema.safeParse({ ...row, seq: '12abc' }).success).toBe(false);
  });

  it('keeps a malformed envelope opaque so only that entry is damaged, not the whole pull', () => {
    const odd = { ...row, envelope: { v: 99 } };
    expect(entryRowSchema.parse(odd).envelope).toEqual({ v: 99 });
  });

  it('drops rows that cannot be placed and counts them', () => {
    const out = parseRows(entryRowSchema, [
      row,
      { ...row, id: 'not-a-uuid' },
      { ...row, version: 0 },
      'junk',
    ]);
    expect(out.rows).toHaveLength(1);
    expect(out.rejected).toBe(3);
    expect(parseRows(entryRowSchema, { not: 'a list' })).toEqual({ rows: [], rejected: 1 });
  });

  it('refuses pokes with unknown operations', () => {
    expect(entryPokeSchema.safeParse({ id: row.id, seq: 5, op: 'insert' }).success).toBe(true);
    expect(entryPokeSchema.safeParse({ id: row.id, seq: 5, op: 'drop table' }).success).toBe(false);
  });

  it('bounds the auto-lock minutes the server may set', () => {
    const policy = {
      min_version: null,
      latest_version: null,
      critical: false,
      release_notes: null,
      auto_lock_minutes: 10,
      allow_stay_unlocked: false,
      office_root_id: null,
      office_root_public: null,
      updated_at: null,
    };
    expect(policyRowSchema.safeParse(policy).success).toBe(true);
    expect(policyRowSchema.safeParse({ ...policy, auto_lock_minutes: 0 }).success).toBe(false);
  });
});
