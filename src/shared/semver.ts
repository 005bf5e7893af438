// Semantic Versioning 2.0.0 precedence (semver.org §11): numeric core, then a release outranks its
// pre-releases, pre-release identifiers compared numerically when both are numbers, else as ASCII; build
// metadata is ignored.

interface Parsed {
  core: [number, number, number];
  pre: string[];
}

const PATTERN =
  /^(0|[1-9]\d*)\.(0|[1-9]\d*)\.(0|[1-9]\d*)(?:-([0-9A-Za-z-]+(?:\.[0-9A-Za-z-]+)*))?(?:\+[0-9A-Za-z.-]+)?$/;

export function parseSemver(version: string): Parsed | null {
  const m = PATTERN.exec(version.trim());
  if (!m) return null;
  return { core: [Number(m[1]), Number(m[2]), Number(m[3])], pre: m[4] ? m[4].split('.') : [] };
}

export function isSemver(version: string): boolean {
  return parseSemver(version) !== null;
}

function compareIdentifiers(a: string, b: string): number {
  const an = /^\d+$/.test(a);
  const bn = /^\d+$/.test(b);
  if (an && bn) return Math.sign(Number(a) - Number(b));
  if (an) return -1;
  if (bn) return 1;
  return a < b ? -1 : a > b ? 1 : 0;
}

// Returns -1, 0 or 1. Throws on a malformed version: callers validate versions at their trust boundary.
export function compareSemver(a: string, b: string): number {
  const pa = parseSemver(a);
  const pb = parseSemver(b);
  if (!pa || !pb) throw new Error('not a semantic version');
  for (let i = 0; i < 3; i++) {
    const d = Math.sign((pa.core[i] ?? 0) - (pb.core[i] ?? 0));
    if (d !== 0) return d;
  }
  if (pa.pre.length === 0 || pb.pre.length === 0) return Math.sign(pb.pre.length - pa.pre.length);
  const n = Math.min(pa.pre.length, pb.pre.length);
  for (let i = 0; i < n; i++) {
    const d = compareIdentifiers(pa.pre[i] ?? '', pb.pre[i] ?? '');
    if (d !== 0) return d;
  }
  return Math.sign(pa.pre.length - pb.pre.length);
}
