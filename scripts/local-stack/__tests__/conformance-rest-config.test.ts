// The REST stand-in hard-codes two PostgREST settings that `supabase start` takes from supabase/config.toml
// ([api] schemas → db-schemas, [api] max_rows → db-max-rows); this keeps them from drifting apart.
import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { EXPOSED_SCHEMAS } from '../rest/service';
import { MAX_ROWS } from '../rest/sql';

const config = readFileSync(new URL('../../../supabase/config.toml', import.meta.url), 'utf8');
const api = /^\[api\]\n([\s\S]*?)^\[/m.exec(config)?.[1] ?? '';

describe('REST stand-in settings against supabase/config.toml (stand-in only)', () => {
  it('exposes the schemas [api] schemas lists, in order', () => {
    const line = /^schemas\s*=\s*\[(.*)\]\s*$/m.exec(api)?.[1] ?? '';
    const schemas = [...line.matchAll(/"([^"]+)"/g)].map((m) => m[1]);
    expect(schemas).toEqual(EXPOSED_SCHEMAS);
  });

  it('stops reads at [api] max_rows', () => {
    expect(Number(/^max_rows\s*=\s*(\d+)\s*$/m.exec(api)?.[1])).toBe(MAX_ROWS);
  });
});
