// Content negotiation as PostgREST v14 does it: the Accept header split and ordered like wai-extra's
// parseHttpAccept, each entry decoded like src/PostgREST/MediaType.hs (decodeMediaType), and the first one that a
// built-in handler produces wins (src/PostgREST/Plan.hs negotiateContent, SchemaCache.hs initialMediaHandlers).
// Nothing acceptable: 406 PGRST107 naming every entry, as PostgREST does.
import { notImplemented, RestError } from './errors';

export type Produced =
  | { kind: 'json'; stripNulls: boolean }
  | { kind: 'object'; stripNulls: boolean }
  | { kind: 'csv' };

type Decoded =
  | { type: 'json' | 'csv' | 'any' | 'geojson' | 'text' | 'xml' | 'openapi' | 'urlencoded' | 'octet' }
  | { type: 'object' | 'array'; stripNulls: boolean }
  | { type: 'plan'; mime: string }
  | { type: 'other'; mime: string };

const SIMPLE: Record<string, Decoded['type']> = {
  'application/json': 'json',
  'application/geo+json': 'geojson',
  'text/csv': 'csv',
  'text/plain': 'text',
  'text/xml': 'xml',
  'application/openapi+json': 'openapi',
  'application/x-www-form-urlencoded': 'urlencoded',
  'application/octet-stream': 'octet',
  '*/*': 'any',
};

const MIME: Record<string, string> = Object.fromEntries(Object.entries(SIMPLE).map(([m, t]) => [t, m]));

function splitParams(text: string): { main: string; params: Map<string, string> } {
  const [main = '', ...rest] = text.split(';');
  const params = new Map<string, string>();
  for (const p of rest) {
    const eq = p.indexOf('=');
    if (eq > 0)
      params.set(
        p.slice(0, eq).trim().toLowerCase(),
        p
          .slice(eq + 1)
          .trim()
          .replace(/^"|"$/g, ''),
      );
  }
  return { main: main.trim().toLowerCase(), params };
}

export function decodeMediaType(text: string): Decoded {
  const { main, params } = splitParams(text);
  const stripNulls = params.get('nulls') === 'stripped';
  const simple = SIMPLE[main];
  if (simple) return { type: simple } as Decoded;
  if (main === 'application/vnd.pgrst.object+json' || main === 'application/vnd.pgrst.object')
    return { type: 'object', stripNulls };
  if (main === 'application/vnd.pgrst.array+json' || main === 'application/vnd.pgrst.array')
    return stripNulls ? { type: 'array', stripNulls } : { type: 'json' };
  if (main.startsWith('application/vnd.pgrst.plan')) {
    const format = main === 'application/vnd.pgrst.plan+json' ? 'json' : 'text';
    const forType = params.get('for') ?? 'application/json';
    const options = params.get('options');
    return {
      type: 'plan',
      mime: `application/vnd.pgrst.plan+${format}; for="${forType}"${options ? `; options=${options}` : ''}`,
    };
  }
  return { type: 'other', mime: text };
}

/** What PostgREST prints for a decoded media type in its errors (MediaType.hs toMime). */
function toMime(d: Decoded): string {
  switch (d.type) {
    case 'object':
      return `application/vnd.pgrst.object+json${d.stripNulls ? ';nulls=stripped' : ''}`;
    case 'array':
      return 'application/vnd.pgrst.array+json;nulls=stripped';
    case 'plan':
    case 'other':
      return d.mime;
    default:
      return MIME[d.type] ?? 'application/json';
  }
}

/** wai-extra parseHttpAccept: spaces dropped, `;q=` cut off, ordered by quality then by specificity. */
export function parseAccept(header: string | undefined): string[] {
  if (header === undefined) return ['*/*'];
  return header
    .split(',')
    .map((raw, i) => {
      const s = raw.replaceAll(' ', '');
      const at = s.indexOf(';q=');
      const type = at < 0 ? s : s.slice(0, at);
      const qText = at < 0 ? '' : (s.slice(at + 3).split(';')[0] ?? '');
      const q = /^\d+(\.\d+)?/.test(qText) ? Number.parseFloat(qText) : 1;
      const specificity = (type.match(/;/g)?.length ?? 0) - (type.match(/\*/g)?.length ?? 0);
      return { type, q, specificity, i };
    })
    .sort((a, b) => b.q - a.q || b.specificity - a.specificity || a.i - b.i)
    .map((x) => x.type);
}

/**
 * The representation for a response. `csv`: whether this request can answer CSV here (the stand-in builds it
 * for tables only and refuses it for RPC rather than answer something PostgREST would not).
 */
export function negotiate(accept: string | undefined, csv: boolean): Produced {
  const entries = parseAccept(accept).map(decodeMediaType);
  for (const d of entries) {
    switch (d.type) {
      case 'json':
      case 'any':
        return { kind: 'json', stripNulls: false };
      case 'array':
        return { kind: 'json', stripNulls: true };
      case 'object':
        return { kind: 'object', stripNulls: d.stripNulls };
      case 'csv':
        if (!csv)
          throw notImplemented(
            'text/csv is produced by the local stack for tables only, not for RPC results',
          );
        return { kind: 'csv' };
      case 'geojson':
        throw notImplemented('application/geo+json (PostGIS) is not modelled by the local stack');
      default:
        // The plan media type matches nothing while db-plan-enabled is off, as on Supabase; the rest have no
        // built-in handler for a response.
        continue;
    }
  }
  throw new RestError(
    406,
    'PGRST107',
    `None of these media types are available: ${entries.map(toMime).join(', ')}`,
  );
}

/** The request body's type (ApiRequest.hs: absent means application/json). */
export function contentType(header: string | undefined): Decoded {
  return header === undefined ? { type: 'json' } : decodeMediaType(header);
}

export { toMime as mediaTypeText };
