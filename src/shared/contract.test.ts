import { describe, expect, it } from 'vitest';
import { CALL_NAMES, EVENT_NAMES } from './channels';
import { calls, events } from './contract';
import { entryDetailSchema, entrySummarySchema } from './domain';

const id = '0b7f3c1e-8f0a-4d5b-9c11-2a3b4c5d6e7f';
const summary = {
  id,
  vaultId: id,
  title: 'Wi-Fi',
  username: 'office',
  url: 'https://router.local',
  category: 'Wi-Fi',
  version: 3,
  updatedAt: '2026-11-25T10:00:00.000Z',
  updatedBy: 'ann@example.com',
  hasTotp: true,
  damaged: false,
  deletedAt: null,
};

describe('IPC contract', () => {
  it('has a schema for exactly the call and event names the preload allows', () => {
    expect(Object.keys(calls).sort()).toEqual([...CALL_NAMES].sort());
    expect(Object.keys(events).sort()).toEqual([...EVENT_NAMES].sort());
  });

  it('list and detail payloads cannot carry a password or TOTP secret', () => {
    const leaked = { ...summary, password: 'hunter2', totpSecret: 'JBSWY3DPEHPK3PXP' };
    expect(JSON.stringify(entrySummarySchema.parse(leaked))).not.toMatch(/hunter2|JBSWY3/);
    const detail = entryDetailSchema.parse({
      ...leaked,
      notes: '',
      hasPassword: true,
      customFields: [{ label: 'Account', value: '12-34' }],
      createdAt: summary.updatedAt,
      createdBy: 'ann@example.com',
      canEdit: false,
    });
    expect(JSON.stringify(detail)).not.toMatch(/hunter2|JBSWY3/);
    expect(
      JSON.stringify(calls['vault.copy'].response.parse({ clearsInSeconds: 30, password: 'hunter2' })),
    ).not.toContain('hunter2');
  });

  it('only the reveals (current and earlier version) declare a password field', () => {
    const withPassword = Object.entries(calls)
      .filter(([, c]) => JSON.stringify(c.response.toJSONSchema?.() ?? {}).includes('"password"'))
      .map(([name]) => name);
    expect(withPassword).toEqual(['vault.reveal', 'vault.historyReveal']);
  });

  it('rejects malformed requests at the boundary', () => {
    expect(
      calls['session.enroll'].request.safeParse({ masterPassword: 'short', officeFingerprint: 'AB12' })
        .success,
    ).toBe(false);
    expect(
      calls['session.enroll'].request.safeParse({
        masterPassword: 'correct horse battery staple',
        officeFingerprint: '12345 67890 13579 24680 11223 34455',
      }).success,
    ).toBe(true);
    expect(
      calls['session.enroll'].request.safeParse({
        masterPassword: 'correct horse battery staple',
        officeFingerprint: '3F2A 9C1B 77D0 E412 0A9B 5C3D',
      }).success,
    ).toBe(false);
    expect(calls['vault.update'].request.safeParse({ id, baseVersion: 0, entry: {} }).success).toBe(false);
    expect(
      calls['admin.publishRelease'].request.safeParse({ version: 'v1', releaseNotes: '', critical: true })
        .success,
    ).toBe(false);
  });

  it('sign-in takes the master password and the invitation takes the one-time password, each alone', () => {
    const email = 'sam@office.test';
    expect(calls['session.signIn'].request.safeParse({ email, masterPassword: 'pw' }).success).toBe(true);
    expect(calls['session.signIn'].request.safeParse({ email, password: 'pw' }).success).toBe(false);
    expect(
      calls['session.redeemInvitation'].request.safeParse({ email, oneTimePassword: 'otp-12345' }).success,
    ).toBe(true);
    expect(
      calls['session.redeemInvitation'].request.safeParse({
        email,
        oneTimePassword: 'x',
        masterPassword: 'y',
      }).success,
    ).toBe(false);
    expect(calls['devices.signOut'].request.safeParse({ id: 'laptop' }).success).toBe(false);
    expect(calls['admin.revokeDevice'].request.safeParse({ id }).success).toBe(true);
  });

  it('a session carries a notice only on signed-out and locked, and the own PCs carry no secret', () => {
    const signedOut = events.sessionChanged.parse({ state: 'signedOut', notice: 'Signed out elsewhere.' });
    expect(signedOut).toEqual({ state: 'signedOut', notice: 'Signed out elsewhere.' });
    expect(events.sessionChanged.safeParse({ state: 'signedOut', notice: '' }).success).toBe(false);
    const device = {
      id,
      name: 'Laptop',
      platform: 'win32',
      appVersion: '0.1.0',
      lastSeen: null,
      addedAt: '2026-12-02T16:00:00.000Z',
      revokedAt: null,
      current: false,
      sessionToken: 'eyJ-secret',
    };
    const listed = calls['devices.list'].response.parse({ devices: [device] });
    expect(JSON.stringify(listed)).not.toContain('eyJ-secret');
    expect(
      events.deviceAdded.safeParse({ id, name: 'Laptop', platform: 'win32', at: 'yesterday' }).success,
    ).toBe(false);
  });
});
