// Byte helpers shared by the crypto modules: strict base64url, UTF-8, constant-time comparison,
// wiping, and the length-prefixed canonical encoding every signature and associated data uses.
import { timingSafeEqual } from 'node:crypto';
import { z } from 'zod';

const B64URL = /^[A-Za-z0-9_-]*$/;

export function toBase64Url(bytes: Uint8Array): string {
  return Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength).toString('base64url');
}

/**
 * Decodes unpadded base64url and refuses anything that is not the one canonical spelling of
 * its bytes (Node's decoder silently skips junk, which would let two strings mean one value).
 */
export function fromBase64Url(text: string): Uint8Array | undefined {
  if (!B64URL.test(text) || text.length % 4 === 1) return undefined;
  const buf = Buffer.from(text, 'base64url');
  if (buf.toString('base64url') !== text) return undefined;
  return new Uint8Array(buf.buffer, buf.byteOffset, buf.byteLength);
}

/** zod schema for a base64url field whose decoded length lies in [min, max] bytes. */
export function base64UrlBytes(min: number, max = min) {
  return z.string().refine((s) => {
    const b = fromBase64Url(s);
    return b !== undefined && b.length >= min && b.length <= max;
  }, 'invalid base64url field');
}

export function utf8(text: string): Uint8Array {
  return new TextEncoder().encode(text);
}

export function fromUtf8(bytes: Uint8Array): string {
  return new TextDecoder('utf-8', { fatal: true }).decode(bytes);
}

export function concat(...parts: Uint8Array[]): Uint8Array {
  const out = new Uint8Array(parts.reduce((n, p) => n + p.length, 0));
  let at = 0;
  for (const p of parts) {
    out.set(p, at);
    at += p.length;
  }
  return out;
}

/** Constant-time equality for secrets and tags (the length is not secret). */
export function equalBytes(a: Uint8Array, b: Uint8Array): boolean {
  return a.length === b.length && timingSafeEqual(a, b);
}

/** Overwrites key material in place, so a locked app keeps no key bytes in its heap. */
export function wipe(...arrays: (Uint8Array | undefined)[]): void {
  for (const a of arrays) a?.fill(0);
}

export type Field = string | Uint8Array | number;

/**
 * Canonical encoding: a domain label, then each field as a type byte (1 text, 2 bytes, 3 uint32)
 * and a 4-byte big-endian length. No two field lists encode alike, so a signature or AD over
 * (a, b) can never be reread as (a', b') by shifting a boundary.
 */
export function canonical(label: string, ...fields: Field[]): Uint8Array {
  const parts: Uint8Array[] = [];
  const push = (type: number, body: Uint8Array) => {
    const head = new Uint8Array(5);
    head[0] = type;
    new DataView(head.buffer).setUint32(1, body.length);
    parts.push(head, body);
  };
  push(1, utf8(label));
  for (const f of fields) {
    if (typeof f === 'string') push(1, utf8(f));
    else if (typeof f === 'number') {
      if (!Number.isInteger(f) || f < 0 || f > 0xffffffff) throw new RangeError('field out of range');
      const n = new Uint8Array(4);
      new DataView(n.buffer).setUint32(0, f);
      push(3, n);
    } else push(2, f);
  }
  return concat(...parts);
}
