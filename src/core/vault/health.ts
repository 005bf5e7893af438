// Password health, worked out on this PC from the decrypted replica: nothing is sent or stored. Three flags:
// - weak: the core's strength estimate (strength.ts, the zxcvbn-ts word lists, the 0–4 score the strength meter
//   shows) at "weak" or below, with the entry's own title, username and address as words an attacker tries first;
// - reused: the same password in another live entry this person can read. Passwords are compared by an
//   HMAC-SHA256 under a key drawn fresh for each assessment and dropped with it, so the comparison table holds
//   no password and nothing that outlives the call (a plain hash would be a guessable fingerprint);
// - old: not changed for more than `maxAgeDays`. Entries do not record when the password itself changed (only
//   the admins' history does, one request per entry), so the age is that of the entry's last change.
import { createHmac, randomBytes } from 'node:crypto';
import { estimateStrength } from './strength';

export type HealthFlag = 'weak' | 'reused' | 'old';

/** What an assessment reads of an entry; `password` is the decrypted one. */
export interface HealthInput {
  id: string;
  vaultId: string;
  title: string;
  username: string;
  url: string;
  password: string;
  updatedAt: string;
  /**
   * The decrypted entry object this input was read from: the strength verdict is remembered against it (a
   * WeakMap of booleans, no password), so a list reloaded after one change estimates only the changed entry.
   */
  source?: object;
}

/** Score 0 and 1 are "Very weak" and "Weak" on the meter. */
export const WEAK_BELOW_SCORE = 2;
export const DEFAULT_MAX_AGE_DAYS = 365;
const DAY_MS = 24 * 60 * 60 * 1000;

// The estimate costs about 1.5 ms a password (1.6 s for 1,000 on the 2-core machine): too much for every reload of
// the list. An updated entry is a new object in the replica, so a verdict never outlives the password it judged.
const weakVerdicts = new WeakMap<object, boolean>();

function isWeak(e: HealthInput): boolean {
  const known = e.source && weakVerdicts.get(e.source);
  if (known !== undefined) return known;
  const weak = estimateStrength(e.password, [e.title, e.username, e.url]).score < WEAK_BELOW_SCORE;
  if (e.source) weakVerdicts.set(e.source, weak);
  return weak;
}

/** Flags per entry id; an entry without a password gets none (a note, a code-only account). */
export function assessHealth(
  entries: Iterable<HealthInput>,
  opts: { maxAgeDays: number; now?: number },
): Map<string, HealthFlag[]> {
  const now = opts.now ?? Date.now();
  const key = randomBytes(32);
  const withPassword = [...entries].filter((e) => e.password !== '');
  const digests = new Map<string, string>();
  const counts = new Map<string, number>();
  for (const e of withPassword) {
    const d = createHmac('sha256', key).update(e.password, 'utf8').digest('base64');
    digests.set(e.id, d);
    counts.set(d, (counts.get(d) ?? 0) + 1);
  }
  key.fill(0);
  const out = new Map<string, HealthFlag[]>();
  for (const e of withPassword) {
    const flags: HealthFlag[] = [];
    if (isWeak(e)) flags.push('weak');
    if ((counts.get(digests.get(e.id) ?? '') ?? 0) > 1) flags.push('reused');
    const changed = Date.parse(e.updatedAt);
    if (Number.isFinite(changed) && now - changed > opts.maxAgeDays * DAY_MS) flags.push('old');
    if (flags.length > 0) out.set(e.id, flags);
  }
  return out;
}

/** Per vault: how many entries carry each flag, and how many carry any. */
export interface VaultHealth {
  vaultId: string;
  entries: number;
  weak: number;
  reused: number;
  old: number;
  toChange: number;
}

export function countByVault(
  entries: Iterable<Pick<HealthInput, 'id' | 'vaultId'>>,
  flags: Map<string, HealthFlag[]>,
): VaultHealth[] {
  const byVault = new Map<string, VaultHealth>();
  for (const e of entries) {
    const v = byVault.get(e.vaultId) ?? {
      vaultId: e.vaultId,
      entries: 0,
      weak: 0,
      reused: 0,
      old: 0,
      toChange: 0,
    };
    v.entries++;
    const f = flags.get(e.id) ?? [];
    for (const flag of f) v[flag]++;
    if (f.length > 0) v.toChange++;
    byVault.set(e.vaultId, v);
  }
  return [...byVault.values()];
}
