import { ed25519 } from '@noble/curves/ed25519.js';
import { describe, expect, it } from 'vitest';
import { CoreError } from '../backend/errors';
import { toBase64Url } from '../crypto/bytes';
import { fingerprint } from '../crypto/fingerprint';
import { rootFromPolicy } from './enrollment';

const rootPublic = ed25519.getPublicKey(ed25519.utils.randomSecretKey());
const typed = fingerprint(rootPublic);
const noRoot = { office_root_id: null, office_root_public: null };

function code(run: () => unknown): string | undefined {
  try {
    run();
  } catch (e) {
    return e instanceof CoreError ? e.code : 'not a CoreError';
  }
  return undefined;
}

describe('rootFromPolicy', () => {
  it('refuses a typed office fingerprint when the server lists no office root', () => {
    expect(code(() => rootFromPolicy(noRoot, typed))).toBe('fingerprint_mismatch');
    expect(code(() => rootFromPolicy(null, typed))).toBe('fingerprint_mismatch');
  });

  it('lets only an enrollment without a fingerprint bootstrap the office', () => {
    expect(rootFromPolicy(noRoot, null)).toBeNull();
  });

  it('pins the listed root when the typed fingerprint matches it, however it was spaced', () => {
    const id = '3eb67713-5fd6-4ea9-ad49-6906846e45b1';
    const policy = { office_root_id: id, office_root_public: toBase64Url(rootPublic) };
    expect(rootFromPolicy(policy, typed.replace(/\s/g, ''))).toEqual({ id, ed25519Public: rootPublic });
    expect(code(() => rootFromPolicy(policy, null))).toBe('fingerprint_mismatch');
  });
});
