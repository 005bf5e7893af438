import { describe, expect, it } from 'vitest';
import { MemoryKeychain } from './memory-keychain';
import { REFRESH_TOKEN_SERVICE, RefreshTokenStore } from './refresh-token';

describe('RefreshTokenStore (in-memory keychain: keytar and an OS keychain are not available here)', () => {
  it('keeps one token per profile, replaces it on rotation and deletes it on sign-out', async () => {
    const keychain = new MemoryKeychain();
    const tokens = new RefreshTokenStore(keychain);
    await tokens.set('anna@office.test', 'r1-abcdef');
    await tokens.set('ben@office.test', 'b1-xyz');
    await tokens.set('anna@office.test', 'r2-ghijkl');
    expect(await tokens.get('anna@office.test')).toBe('r2-ghijkl');
    expect(await tokens.get('ben@office.test')).toBe('b1-xyz');
    await tokens.delete('anna@office.test');
    expect(await tokens.get('anna@office.test')).toBeUndefined();
    expect(await keychain.getPassword(REFRESH_TOKEN_SERVICE, 'ben@office.test')).toBe('b1-xyz');
  });

  it('refuses a malformed token without echoing it, and drops a malformed stored one', async () => {
    const keychain = new MemoryKeychain();
    const tokens = new RefreshTokenStore(keychain);
    const bad = 'secret token\nwith-newline';
    const error = await tokens.set('anna@office.test', bad).catch((e: Error) => e);
    expect(error).toBeInstanceOf(Error);
    expect(String(error)).not.toContain('secret');
    await keychain.setPassword(REFRESH_TOKEN_SERVICE, 'anna@office.test', 'x'.repeat(5000));
    expect(await tokens.get('anna@office.test')).toBeUndefined();
    expect(keychain.entries.size).toBe(0);
  });
});
