// The Prefer header as PostgREST v14 reads it (PostgREST/postgrest src/PostgREST/ApiRequest/Preferences.hs):
// comma-separated values over any number of headers, the first of each kind wins, unknown values are collected
// as invalid (an error only with handling=strict, PGRST122).
import type { IncomingMessage } from 'node:http';

export interface Preferences {
  resolution: 'merge-duplicates' | 'ignore-duplicates' | undefined;
  representation: 'representation' | 'minimal' | 'headers-only' | undefined;
  count: 'exact' | 'planned' | 'estimated' | undefined;
  missing: 'default' | 'null' | undefined;
  handling: 'strict' | 'lenient' | undefined;
  timezone: string | undefined;
  maxAffected: number | undefined;
  invalid: string[];
}

const KINDS = {
  resolution: ['merge-duplicates', 'ignore-duplicates'],
  return: ['representation', 'minimal', 'headers-only'],
  count: ['exact', 'planned', 'estimated'],
  // Accepted but without effect: Supabase runs PostgREST with the default db-tx-end=commit, which does not let
  // a client choose (Preferences.hs: preferTransaction is Nothing unless the override is allowed).
  tx: ['commit', 'rollback'],
  missing: ['default', 'null'],
  handling: ['strict', 'lenient'],
} as const;

const ACCEPTED = new Set(Object.entries(KINDS).flatMap(([k, vs]) => vs.map((v) => `${k}=${v}`)));

function first<T extends string>(prefs: string[], kind: string, values: readonly T[]): T | undefined {
  for (const p of prefs) {
    const v = p.startsWith(`${kind}=`) ? p.slice(kind.length + 1) : undefined;
    if (v !== undefined && (values as readonly string[]).includes(v)) return v as T;
  }
  return undefined;
}

/** `timezones`: the names PostgreSQL knows (pg_timezone_names), as PostgREST v14 caches them. */
export function parsePreferences(req: IncomingMessage, timezones: ReadonlySet<string>): Preferences {
  const raw = req.headers.prefer;
  const prefs = (Array.isArray(raw) ? raw : raw === undefined ? [] : [raw])
    .flatMap((h) => h.split(','))
    .map((p) => p.trim());
  const tz = prefs.find((p) => p.startsWith('timezone='))?.slice('timezone='.length);
  const tzAccepted = tz !== undefined && timezones.has(tz);
  // Haskell's readMaybe for Int64: an optional minus sign and digits, nothing else.
  const max = prefs.find((p) => p.startsWith('max-affected='))?.slice('max-affected='.length);
  const maxAffected = max !== undefined && /^-?\d{1,18}$/.test(max) ? Number(max) : undefined;
  return {
    resolution: first(prefs, 'resolution', KINDS.resolution),
    representation: first(prefs, 'return', KINDS.return),
    count: first(prefs, 'count', KINDS.count),
    missing: first(prefs, 'missing', KINDS.missing),
    handling: first(prefs, 'handling', KINDS.handling),
    timezone: tzAccepted ? tz : undefined,
    maxAffected,
    invalid: prefs.filter(
      (p) =>
        !ACCEPTED.has(p) && (!p.startsWith('timezone=') || !tzAccepted) && !p.startsWith('max-affected='),
    ),
  };
}

export type PlanKind = 'read' | 'insert' | 'update' | 'delete' | 'call';

/**
 * The Preference-Applied header PostgREST sends (Preferences.hs prefAppliedHeader, trimmed per plan as in
 * Response.hs responsePreferences). `upsert`: an insert whose resolution applies (the table has a primary key or
 * on_conflict was given).
 */
export function preferenceApplied(p: Preferences, kind: PlanKind, upsert = false): string | undefined {
  const mutation = kind === 'insert' || kind === 'update' || kind === 'delete';
  const out = [
    kind === 'insert' && upsert && p.resolution ? `resolution=${p.resolution}` : undefined,
    (kind === 'insert' || kind === 'update') && p.missing ? `missing=${p.missing}` : undefined,
    mutation && p.representation ? `return=${p.representation}` : undefined,
    p.count ? `count=${p.count}` : undefined,
    p.handling ? `handling=${p.handling}` : undefined,
    p.timezone ? `timezone=${p.timezone}` : undefined,
    p.handling === 'strict' && p.maxAffected !== undefined && ['update', 'delete', 'call'].includes(kind)
      ? `max-affected=${p.maxAffected}`
      : undefined,
  ].filter((x): x is string => x !== undefined);
  return out.length ? out.join(', ') : undefined;
}
