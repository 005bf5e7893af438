// The backup file on its own: what its clear header may say, and that anything wrong with a file (a doctored
// header, parameters under the floor, an authentic file whose payload does not fit) is the one refusal.
import { describe, expect, it } from 'vitest';
import { BACKUP_MESSAGES } from '../../shared/errors';
import { utf8 } from '../crypto/bytes';
import { KDF_DEFAULT, KDF_FLOOR } from '../crypto/kdf';
import { BACKUP_KDF, openBackup, readHeader, sealBackup } from './format';
import { readBackup } from './index';
import { encodePayload } from './payload';

const PASS = 'granite lantern violet harbour 19';
const payload = {
  kind: 'keyroom-office-backup' as const,
  v: 1 as const,
  createdAt: '2026-12-01T10:00:00.000Z',
  source: 'https://office.example',
  vaults: [
    {
      id: '00000000-0000-4000-8000-000000000001',
      name: 'Front desk',
      categories: [],
      entries: [],
    },
  ],
  skippedDamaged: 0,
};

/** The file with its header JSON replaced (the length prefix kept right), as a hostile copy would be. */
function withHeader(file: Uint8Array, change: (h: Record<string, unknown>) => void): Uint8Array {
  const len = new DataView(file.buffer, file.byteOffset + 9, 4).getUint32(0);
  const header = JSON.parse(new TextDecoder().decode(file.subarray(13, 13 + len)));
  change(header);
  const json = utf8(JSON.stringify(header));
  const out = new Uint8Array(13 + json.length + file.length - 13 - len);
  out.set(file.subarray(0, 13));
  new DataView(out.buffer).setUint32(9, json.length);
  out.set(json, 13);
  out.set(file.subarray(13 + len), 13 + json.length);
  return out;
}

async function refused(p: Promise<unknown>): Promise<string> {
  return p.then(
    () => 'opened',
    (e: Error) => e.message,
  );
}

describe('the backup file format', () => {
  it('derives at least as strongly as the master password, and its header names nothing of the office', async () => {
    expect(BACKUP_KDF.m).toBeGreaterThanOrEqual(KDF_DEFAULT.m);
    expect(BACKUP_KDF.t).toBeGreaterThanOrEqual(KDF_DEFAULT.t);
    const file = await sealBackup(encodePayload(payload), PASS);
    expect(new TextDecoder().decode(file.subarray(0, 8))).toBe('KEYROOMB');
    const header = readHeader(file);
    expect(Object.keys(header).sort()).toEqual(['commit', 'createdAt', 'kdf', 'nonce']);
    expect(header.kdf).toMatchObject({ alg: 'argon2id', m: BACKUP_KDF.m, t: BACKUP_KDF.t });
    const text = new TextDecoder('latin1').decode(file);
    for (const clear of ['Front desk', 'office.example', PASS]) expect(text).not.toContain(clear);
    expect((await readBackup(file, PASS)).vaults[0]!.name).toBe('Front desk');
  });

  it('two backups of the same payload share no salt and no nonce', async () => {
    const a = await sealBackup(encodePayload(payload), PASS);
    const b = await sealBackup(encodePayload(payload), PASS);
    expect(readHeader(a).kdf.salt).not.toBe(readHeader(b).kdf.salt);
    expect(readHeader(a).nonce).not.toBe(readHeader(b).nonce);
  });

  it('refuses a header that lowers the KDF under the floor or raises it past the ceiling, before deriving', async () => {
    const file = await sealBackup(encodePayload(payload), PASS);
    const cases = [
      (h: Record<string, unknown>) => Object.assign(h.kdf as object, { m: KDF_FLOOR.m / 2 }),
      (h: Record<string, unknown>) => Object.assign(h.kdf as object, { t: 1 }),
      (h: Record<string, unknown>) => Object.assign(h.kdf as object, { m: 64 * 1024 * 1024 }),
      (h: Record<string, unknown>) => Object.assign(h, { extra: 'x' }),
      (h: Record<string, unknown>) => Object.assign(h, { commit: h.nonce }),
    ];
    for (const change of cases) {
      const t0 = performance.now();
      expect(await refused(openBackup(withHeader(file, change), PASS))).toBe(BACKUP_MESSAGES.unreadable);
      // Refused by the schema, not after an Argon2id run (which takes ~0.3 s or more).
      if (cases.indexOf(change) < 4) expect(performance.now() - t0).toBeLessThan(150);
    }
  });

  it('refuses an authentic file whose payload does not fit the schema, in the same words', async () => {
    for (const body of ['not json', '{"kind":"something-else"}', JSON.stringify({ ...payload, v: 2 })]) {
      const file = await sealBackup(utf8(body), PASS);
      expect(await refused(readBackup(file, PASS))).toBe(BACKUP_MESSAGES.unreadable);
    }
  });

  it('refuses a weak passphrase when writing', async () => {
    expect(await refused(sealBackup(encodePayload(payload), 'summer2026summer'))).toBe(
      BACKUP_MESSAGES.weakPassphrase,
    );
  });
});
