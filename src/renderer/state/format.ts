// Small formatting helpers for the screens.

export function relativeTime(iso: string | null, now: Date): string {
  if (iso === null) return 'never';
  const then = new Date(iso).getTime();
  if (Number.isNaN(then)) return 'unknown';
  const seconds = Math.round((now.getTime() - then) / 1000);
  if (seconds < 10) return 'just now';
  if (seconds < 60) return `${seconds} s ago`;
  const minutes = Math.floor(seconds / 60);
  if (minutes < 60) return `${minutes} min ago`;
  const hours = Math.floor(minutes / 60);
  if (hours < 24) return `${hours} h ago`;
  const days = Math.floor(hours / 24);
  if (days < 7) return `${days} d ago`;
  return new Date(iso).toLocaleDateString();
}

export function dateTime(iso: string): string {
  const d = new Date(iso);
  return Number.isNaN(d.getTime()) ? iso : d.toLocaleString();
}

// Groups a TOTP code for reading: 123 456, 1234 5678.
export function formatTotp(code: string): string {
  const half = Math.ceil(code.length / 2);
  return `${code.slice(0, half)} ${code.slice(half)}`;
}

// Remaining fraction of the TOTP period, for the countdown ring (1 = full).
export function totpFraction(remainingSeconds: number, period: number): number {
  if (period <= 0) return 0;
  return Math.min(1, Math.max(0, remainingSeconds / period));
}

// Fingerprints are compared by people; accept any spacing or separators when typed, compare the digits only.
export function normalizeFingerprint(text: string): string {
  return text.replace(/[^0-9]/g, '');
}

export function formatFingerprint(text: string): string {
  return (normalizeFingerprint(text).match(/.{1,5}/g) ?? []).join(' ');
}

export function fingerprintsMatch(a: string, b: string): boolean {
  const na = normalizeFingerprint(a);
  return na.length === 30 && na === normalizeFingerprint(b);
}

export function initials(nameOrEmail: string): string {
  const base = nameOrEmail.split('@')[0] ?? nameOrEmail;
  const parts = base.split(/[\s._-]+/).filter(Boolean);
  const letters = parts.length >= 2 ? `${parts[0]?.[0] ?? ''}${parts[1]?.[0] ?? ''}` : base.slice(0, 2);
  return letters.toUpperCase();
}

// Only http(s) links are shown as links; anything else is plain text.
export function safeHttpUrl(url: string): string | null {
  try {
    const u = new URL(/^[a-z][a-z0-9+.-]*:/i.test(url) ? url : `https://${url}`);
    return u.protocol === 'https:' || u.protocol === 'http:' ? u.href : null;
  } catch {
    return null;
  }
}

export function hostOf(url: string): string {
  const safe = safeHttpUrl(url);
  return safe ? new URL(safe).host : url;
}
