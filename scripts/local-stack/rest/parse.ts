// The query-string grammar postgrest-js produces: select lists with renames and embeds, horizontal filters
// (`col=op.value`, `not.`, `or=(…)`, `and=(…)`), `order`, `limit`, `offset`. Parsing only: names are checked
// against the catalog later, values never become SQL text.
import { parseError } from './errors';

export type SelectItem =
  | { kind: 'star' }
  | { kind: 'column'; name: string; alias: string | undefined }
  | {
      kind: 'embed';
      relation: string;
      hint: string | undefined;
      alias: string | undefined;
      items: SelectItem[];
    };

export const OPERATORS = [
  'eq',
  'neq',
  'gt',
  'gte',
  'lt',
  'lte',
  'like',
  'ilike',
  'in',
  'is',
  'cs',
  'cd',
  'ov',
] as const;
export type Operator = (typeof OPERATORS)[number];

export type Condition =
  | { kind: 'filter'; column: string; op: Operator; negated: boolean; value: string | string[] }
  | { kind: 'logic'; op: 'and' | 'or'; negated: boolean; children: Condition[] };

export interface OrderTerm {
  column: string;
  desc: boolean;
  nulls: 'first' | 'last' | undefined;
}

/** Splits on `sep` at nesting depth 0, outside double quotes. */
export function splitTop(text: string, sep = ','): string[] {
  const out: string[] = [];
  let depth = 0;
  let quoted = false;
  let cur = '';
  for (let i = 0; i < text.length; i++) {
    const c = text[i] as string;
    if (quoted) {
      cur += c;
      if (c === '\\' && i + 1 < text.length) cur += text[++i];
      else if (c === '"') quoted = false;
      continue;
    }
    if (c === '"') quoted = true;
    else if (c === '(') depth++;
    else if (c === ')') depth--;
    if (depth < 0) throw parseError(`unexpected ")" in "${text.slice(0, 80)}"`);
    if (c === sep && depth === 0) {
      out.push(cur);
      cur = '';
    } else cur += c;
  }
  if (depth !== 0 || quoted) throw parseError(`unbalanced parentheses or quotes in "${text.slice(0, 80)}"`);
  out.push(cur);
  return out;
}

const unquote = (s: string) =>
  s.length >= 2 && s.startsWith('"') && s.endsWith('"') ? s.slice(1, -1).replace(/\\(.)/g, '$1') : s;

const NAME = /^[^\s,.:()!"]+$|^"(?:[^"\\]|\\.)+"$/;

function name(raw: string, what: string): string {
  const t = raw.trim();
  if (!NAME.test(t)) throw parseError(`"${t.slice(0, 60)}" is not a valid ${what} name`);
  return unquote(t);
}

export function parseSelect(text: string): SelectItem[] {
  const items: SelectItem[] = [];
  for (const part of splitTop(text)) {
    const raw = part.trim();
    if (raw === '') continue;
    if (raw === '*') {
      items.push({ kind: 'star' });
      continue;
    }
    const colon = /^([^():"]+|"[^"]+"):(?!:)(.*)$/s.exec(raw);
    const alias = colon ? name(colon[1] as string, 'alias') : undefined;
    const body = colon ? (colon[2] as string).trim() : raw;
    const open = body.indexOf('(');
    if (open > 0 && body.endsWith(')')) {
      const [rel, hint] = body.slice(0, open).split('!', 2) as [string, string | undefined];
      items.push({
        kind: 'embed',
        relation: name(rel, 'relation'),
        hint: hint === undefined ? undefined : name(hint, 'hint'),
        alias,
        items: parseSelect(body.slice(open + 1, -1)),
      });
      continue;
    }
    if (body.includes('::') || body.includes('->'))
      throw parseError(
        `casts and JSON paths in select are not supported by the local stack: "${body.slice(0, 60)}"`,
      );
    items.push({ kind: 'column', name: name(body, 'column'), alias });
  }
  return items;
}

function parseList(raw: string): string[] {
  if (!raw.startsWith('(') || !raw.endsWith(')')) throw parseError(`"in" expects a list in parentheses`);
  const inner = raw.slice(1, -1);
  return inner.trim() === '' ? [] : splitTop(inner).map((v) => unquote(v.trim()));
}

/** `op.value` or `not.op.value`, for column `column`. */
export function parseFilter(column: string, expr: string): Condition {
  let rest = expr;
  let negated = false;
  if (rest.startsWith('not.')) {
    negated = true;
    rest = rest.slice(4);
  }
  const dot = rest.indexOf('.');
  const op = (dot < 0 ? rest : rest.slice(0, dot)) as Operator;
  if (!OPERATORS.includes(op))
    throw parseError(
      `"failed to parse filter (${expr.slice(0, 60)})"`,
      `unknown or unsupported operator "${op.slice(0, 20)}"`,
    );
  const value = dot < 0 ? '' : rest.slice(dot + 1);
  if (op === 'in') return { kind: 'filter', column, op, negated, value: parseList(value) };
  if (op === 'is' && !['null', 'true', 'false', 'unknown'].includes(value.toLowerCase()))
    throw parseError(
      `"failed to parse filter (${expr.slice(0, 60)})"`,
      '"is" accepts null, true, false or unknown',
    );
  return { kind: 'filter', column, op, negated, value: unquote(value) };
}

/** The inside of `or=(…)` / `and=(…)`: `col.op.value`, `col.not.op.value`, nested `and(…)`, `not.or(…)`. */
export function parseLogic(op: 'and' | 'or', negated: boolean, raw: string): Condition {
  if (!raw.startsWith('(') || !raw.endsWith(')')) throw parseError(`"${op}" expects a list in parentheses`);
  const children = splitTop(raw.slice(1, -1)).map((part): Condition => {
    const t = part.trim();
    const nested = /^(not\.)?(and|or)(\(.*\))$/s.exec(t);
    if (nested) return parseLogic(nested[2] as 'and' | 'or', !!nested[1], nested[3] as string);
    const dot = t.indexOf('.');
    if (dot <= 0) throw parseError(`"failed to parse logic tree (${t.slice(0, 60)})"`);
    return parseFilter(name(t.slice(0, dot), 'column'), t.slice(dot + 1));
  });
  return { kind: 'logic', op, negated, children };
}

export function parseOrder(text: string): OrderTerm[] {
  return splitTop(text).map((part) => {
    const bits = part.trim().split('.');
    const column = name(bits[0] ?? '', 'column');
    let desc = false;
    let nulls: OrderTerm['nulls'];
    for (const b of bits.slice(1)) {
      if (b === 'asc') desc = false;
      else if (b === 'desc') desc = true;
      else if (b === 'nullsfirst') nulls = 'first';
      else if (b === 'nullslast') nulls = 'last';
      else throw parseError(`"failed to parse order (${part.slice(0, 60)})"`);
    }
    return { column, desc, nulls };
  });
}

export function parseNonNegative(value: string, what: string): number {
  if (!/^\d{1,12}$/.test(value)) throw parseError(`"failed to parse ${what} (${value.slice(0, 20)})"`);
  return Number(value);
}

export interface ReadParams {
  select: SelectItem[];
  where: Condition[];
  order: OrderTerm[];
  limit: number | undefined;
  offset: number;
  onConflict: string[] | undefined;
  columns: string[] | undefined;
  /** Query keys that are neither reserved nor filters-looking (RPC GET arguments). */
  others: Map<string, string>;
}

const RESERVED = new Set(['select', 'order', 'limit', 'offset', 'on_conflict', 'columns', 'apikey']);

/** `argNames`: for RPC GET, keys naming function arguments are arguments, not filters. */
export function parseQuery(params: URLSearchParams, argNames: ReadonlySet<string> = new Set()): ReadParams {
  const out: ReadParams = {
    select: [{ kind: 'star' }],
    where: [],
    order: [],
    limit: undefined,
    offset: 0,
    onConflict: undefined,
    columns: undefined,
    others: new Map(),
  };
  for (const [key, value] of params) {
    if (key === 'select') out.select = parseSelect(value);
    else if (key === 'order') out.order = parseOrder(value);
    else if (key === 'limit') out.limit = parseNonNegative(value, 'limit');
    else if (key === 'offset') out.offset = parseNonNegative(value, 'offset');
    else if (key === 'on_conflict') out.onConflict = splitTop(value).map((c) => name(c, 'column'));
    else if (key === 'columns') out.columns = splitTop(value).map((c) => name(c, 'column'));
    else if (RESERVED.has(key)) continue;
    else if (argNames.has(key)) out.others.set(key, value);
    else if (key === 'or' || key === 'and' || key === 'not.or' || key === 'not.and')
      out.where.push(parseLogic(key.endsWith('or') ? 'or' : 'and', key.startsWith('not.'), value));
    else if (key.includes('.'))
      throw parseError(
        `filters on embedded resources are not supported by the local stack ("${key.slice(0, 60)}")`,
      );
    else out.where.push(parseFilter(name(key, 'column'), value));
  }
  return out;
}
