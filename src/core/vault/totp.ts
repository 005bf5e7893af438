// TOTP codes (RFC 6238 over the RFC 4226 HOTP truncation) and otpauth:// URI parsing
// (the Key Uri Format used by authenticator apps). HMAC comes from @noble/hashes.

import { hmac } from '@noble/hashes/hmac.js';
import { sha1 } from '@noble/hashes/legacy.js';
import { sha256, sha512 } from '@noble/hashes/sha2.js';

export type TotpAlgorithm = 'SHA1' | 'SHA256' | 'SHA512';

export interface TotpParams {
  secret: Uint8Array;
  algorithm: TotpAlgorithm;
  digits: 6 | 7 | 8;
  /** Seconds per code. */
  period: number;
}

export interface TotpAccount extends TotpParams {
  issuer?: string;
  account?: string;
}

const HASHES = { SHA1: sha1, SHA256: sha256, SHA512: sha512 } as const;

export class TotpFormatError extends Error {
  constructor() {
    super('This is not a valid authenticator key or otpauth:// link.');
    this.name = 'TotpFormatError';
  }
}

/** The code for the time step containing `unixMs`. */
export function totpCode(p: TotpParams, unixMs: number): string {
  const counter = Math.floor(unixMs / 1000 / p.period);
  const msg = new Uint8Array(8);
  new DataView(msg.buffer).setBigUint64(0, BigInt(counter));
  const mac = hmac(HASHES[p.algorithm], p.secret, msg);
  const offset = (mac[mac.length - 1] as number) & 0x0f;
  const binary = new DataView(mac.buffer, mac.byteOffset).getUint32(offset) & 0x7fffffff;
  return String(binary % 10 ** p.digits).padStart(p.digits, '0');
}

/** The current code and how many whole seconds it stays valid (for the countdown ring). */
export function totpNow(p: TotpParams, unixMs = Date.now()): { code: string; secondsLeft: number } {
  const elapsed = Math.floor(unixMs / 1000) % p.period;
  return { code: totpCode(p, unixMs), secondsLeft: p.period - elapsed };
}

const BASE32 = 'ABCDEFGHIJKLMNOPQRSTUVWXYZ234567';

/** RFC 4648 base32; accepts lower case, spaces, dashes and padding as people paste them. */
export function base32Decode(text: string): Uint8Array {
  const clean = text.toUpperCase().replace(/[\s-]/g, '').replace(/=+$/, '');
  const out: number[] = [];
  let bits = 0;
  let acc = 0;
  for (const ch of clean) {
    const v = BASE32.indexOf(ch);
    if (v < 0) throw new TotpFormatError();
    acc = (acc << 5) | v;
    bits += 5;
    if (bits >= 8) {
      bits -= 8;
      out.push((acc >> bits) & 0xff);
    }
    acc &= (1 << bits) - 1;
  }
  return Uint8Array.from(out);
}

function secretFrom(text: string): Uint8Array {
  const secret = base32Decode(text);
  // RFC 4226 asks for at least 128 bits; 80-bit keys are still common in the wild.
  if (secret.length < 10 || secret.length > 128) throw new TotpFormatError();
  return secret;
}

/** Parses an `otpauth://totp/Issuer:account?secret=…&algorithm=…&digits=…&period=…` link. */
export function parseOtpauth(uri: string): TotpAccount {
  let url: URL;
  try {
    url = new URL(uri);
  } catch {
    throw new TotpFormatError();
  }
  if (url.protocol !== 'otpauth:' || url.hostname.toLowerCase() !== 'totp') throw new TotpFormatError();
  const q = url.searchParams;
  const secretText = q.get('secret');
  if (!secretText) throw new TotpFormatError();
  const algorithm = (q.get('algorithm') ?? 'SHA1').toUpperCase();
  if (algorithm !== 'SHA1' && algorithm !== 'SHA256' && algorithm !== 'SHA512') throw new TotpFormatError();
  const digits = Number(q.get('digits') ?? 6);
  if (digits !== 6 && digits !== 7 && digits !== 8) throw new TotpFormatError();
  const period = Number(q.get('period') ?? 30);
  if (!Number.isInteger(period) || period < 1 || period > 300) throw new TotpFormatError();

  let label: string;
  try {
    label = decodeURIComponent(url.pathname.replace(/^\/+/, ''));
  } catch {
    throw new TotpFormatError();
  }
  const colon = label.indexOf(':');
  const labelIssuer = colon >= 0 ? label.slice(0, colon).trim() : undefined;
  const account = (colon >= 0 ? label.slice(colon + 1) : label).trim() || undefined;
  const issuer = q.get('issuer')?.trim() || labelIssuer || undefined;
  return {
    secret: secretFrom(secretText),
    algorithm,
    digits,
    period,
    ...(issuer ? { issuer } : {}),
    ...(account ? { account } : {}),
  };
}

/** What an entry's TOTP field holds: an otpauth:// link, or a bare base32 key (SHA1, 6 digits, 30 s). */
export function parseTotpField(text: string): TotpAccount {
  const t = text.trim();
  if (/^otpauth:/i.test(t)) return parseOtpauth(t);
  return { secret: secretFrom(t), algorithm: 'SHA1', digits: 6, period: 30 };
}
