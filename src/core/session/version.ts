// Release versions as the app and client_policy spell them (1.4.2, optionally -pre+build). Pre-release
// and build suffixes do not lower a requirement: 1.4.2-beta satisfies a minimum of 1.4.2.
const VERSION = /^(\d{1,9})\.(\d{1,9})\.(\d{1,9})(?:[-+][0-9A-Za-z.+-]*)?$/;

export function parseVersion(v: string): [number, number, number] | null {
  const m = VERSION.exec(v.trim());
  return m ? [Number(m[1]), Number(m[2]), Number(m[3])] : null;
}

/** True when `running` is below `minimum`. An unreadable minimum blocks nothing; an unreadable running blocks. */
export function isBelow(running: string, minimum: string | null): boolean {
  if (!minimum) return false;
  const min = parseVersion(minimum);
  if (!min) return false;
  const run = parseVersion(running);
  if (!run) return true;
  for (let i = 0; i < 3; i++) {
    if (run[i]! !== min[i]!) return run[i]! < min[i]!;
  }
  return false;
}
