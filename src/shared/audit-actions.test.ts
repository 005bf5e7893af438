// The audit filter can only offer what is in AUDIT_ACTIONS: an action the database writes but the list lacks can
// never be filtered for, and a listed one the database never writes is a filter that always comes back empty.
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { actionLabel } from '../renderer/state/audit-filter';
import { AUDIT_ACTIONS } from './audit-actions';

const migrations = fileURLToPath(new URL('../../supabase/migrations', import.meta.url));
const sql = readdirSync(migrations)
  .filter((f) => f.endsWith('.sql'))
  .map((f) => readFileSync(join(migrations, f), 'utf8'))
  .join('\n');

// Two triggers build the action from the operation ('entry.' || op, 'grant.' || op); their operations are listed
// here from the trigger bodies so the test can name them.
const COMPOSED = [
  'entry.create',
  'entry.update',
  'entry.delete',
  'entry.restore',
  'grant.create',
  'grant.revoke',
  'grant.delete',
];

describe('audit actions', () => {
  const written = new Set([
    ...[...sql.matchAll(/'((?:entry|vault|grant|user|policy|root|account|device)\.[a-z_]+)'/g)].map(
      (m) => m[1] as string,
    ),
    ...COMPOSED,
  ]);

  it('lists every action the database writes or accepts from clients, and nothing else', () => {
    expect([...AUDIT_ACTIONS].sort()).toEqual([...written].sort());
  });

  it('names each of them for people in the audit filter', () => {
    for (const action of AUDIT_ACTIONS) expect(actionLabel(action)).not.toBe(action);
    expect(actionLabel('something.new')).toBe('something.new');
  });

  it('composed actions are the ones the triggers build', () => {
    expect(sql).toMatch(/private\.audit\('entry\.' \|\| case v_op when 'insert' then 'create' else v_op end/);
    expect(sql).toMatch(/private\.audit\('grant\.' \|\| v_op/);
  });
});
