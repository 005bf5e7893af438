import { describe, expect, it } from 'vitest';
import { auditDetailsText } from './audit-words';

describe('auditDetailsText', () => {
  it('says the details in words, not JSON', () => {
    expect(auditDetailsText('{"to": "enrolled", "from": "invited"}')).toBe(
      'from Invited to Waiting for confirmation',
    );
    expect(
      auditDetailsText('{"from":"member","to":"admin","status_from":"active","status_to":"enrolled"}'),
    ).toBe('from Member to Administrator · status from Active to Waiting for confirmation');
    expect(auditDetailsText('{"count": 3, "format": "bitwarden"}')).toBe('3 entries from a bitwarden export');
    expect(auditDetailsText('{"changed": ["allow_stay_unlocked", "min_version"]}')).toBe(
      'changed: “Stay unlocked”, minimum version',
    );
    expect(auditDetailsText('{"version": 4, "key_version": 1}')).toBe('version 4 · key version 1');
    expect(auditDetailsText('{}')).toBe('');
  });

  it('keeps what it does not know, readable, and never throws on something that is not JSON', () => {
    expect(auditDetailsText('{"email": "ann@office.test", "note_x": 1}')).toBe(
      'email: ann@office.test · note x: 1',
    );
    expect(auditDetailsText('not json…')).toBe('not json…');
    expect(auditDetailsText('')).toBe('');
  });
});
