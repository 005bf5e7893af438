import { describe, expect, it } from 'vitest';
import {
  base32Decode,
  parseOtpauth,
  parseTotpField,
  type TotpAlgorithm,
  TotpFormatError,
  totpCode,
  totpNow,
} from './totp';

const ascii = (s: string) => new TextEncoder().encode(s);

describe('RFC 6238 Appendix B test vectors (8 digits, 30 s)', () => {
  const seeds: Record<TotpAlgorithm, Uint8Array> = {
    SHA1: ascii('12345678901234567890'),
    SHA256: ascii('12345678901234567890123456789012'),
    SHA512: ascii('1234567890123456789012345678901234567890123456789012345678901234'),
  };
  const table: [seconds: number, sha1: string, sha256: string, sha512: string][] = [
    [59, '94287082', '46119246', '90693936'],
    [1111111109, '07081804', '68084774', '25091201'],
    [1111111111, '14050471', '67062674', '99943326'],
    [1234567890, '89005924', '91819424', '93441116'],
    [2000000000, '69279037', '90698825', '38618901'],
    [20000000000, '65353130', '77737706', '47863826'],
  ];
  it.each(table)('T=%i', (t, ...codes) => {
    (['SHA1', 'SHA256', 'SHA512'] as const).forEach((algorithm, i) => {
      expect(totpCode({ secret: seeds[algorithm], algorithm, digits: 8, period: 30 }, t * 1000)).toBe(
        codes[i],
      );
    });
  });
  it('6-digit codes are the last six digits, and the countdown counts down', () => {
    const p = { secret: seeds.SHA1, algorithm: 'SHA1', digits: 6, period: 30 } as const;
    expect(totpCode(p, 59_000)).toBe('287082');
    expect(totpNow(p, 59_000)).toEqual({ code: '287082', secondsLeft: 1 });
    expect(totpNow(p, 60_000).secondsLeft).toBe(30);
  });
});

describe('otpauth:// parsing', () => {
  // base32("12345678901234567890") = GEZDGNBVGY3TQOJQGEZDGNBVGY3TQOJQ
  const secret = 'GEZDGNBVGY3TQOJQGEZDGNBVGY3TQOJQ';
  it('reads every parameter and the issuer:account label', () => {
    const a = parseOtpauth(
      `otpauth://totp/ACME%20Co:jane%40acme.test?secret=${secret}&issuer=ACME%20Co&algorithm=SHA256&digits=8&period=60`,
    );
    expect(a).toMatchObject({
      issuer: 'ACME Co',
      account: 'jane@acme.test',
      algorithm: 'SHA256',
      digits: 8,
      period: 60,
    });
    expect(a.secret).toEqual(ascii('12345678901234567890'));
  });
  it('defaults to SHA1, 6 digits, 30 s; a bare base32 key works too', () => {
    const a = parseOtpauth(`otpauth://totp/jane?secret=${secret.toLowerCase()}`);
    expect(a).toMatchObject({ algorithm: 'SHA1', digits: 6, period: 30, account: 'jane' });
    expect(totpCode(a, 59_000)).toBe('287082');
    expect(totpCode(parseTotpField('gezd gnbv gy3t qojq gezd gnbv gy3t qojq'), 59_000)).toBe('287082');
  });
  it.each([
    'otpauth://hotp/x?secret=GEZDGNBVGY3TQOJQ&counter=1',
    'otpauth://totp/x',
    'otpauth://totp/x?secret=GEZDGNBVGY3TQOJQGEZD&algorithm=MD5',
    'otpauth://totp/x?secret=GEZDGNBVGY3TQOJQGEZD&digits=4',
    'otpauth://totp/x?secret=GEZDGNBVGY3TQOJQGEZD&period=0',
    'otpauth://totp/x?secret=GEZ1',
    'https://example.com/?secret=GEZDGNBVGY3TQOJQGEZD',
    'GEZDG',
  ])('refuses %s', (bad) => {
    expect(() => parseTotpField(bad)).toThrow(TotpFormatError);
  });
  it('decodes base32 per RFC 4648 §10', () => {
    expect(new TextDecoder().decode(base32Decode('MZXW6YTBOI======'))).toBe('foobar');
    expect(new TextDecoder().decode(base32Decode('MZXW6YQ='))).toBe('foob');
  });
});
