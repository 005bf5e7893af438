// The session refresh token of each profile, kept in the OS keychain so the app signs in again after a
// restart without the master password ever touching the disk. A malformed stored value is removed and treated
// as absent (the user signs in again); errors never carry the token.
import { z } from 'zod';
import type { Keychain } from './keychain';

export const REFRESH_TOKEN_SERVICE = 'Keyroom session';

// GoTrue refresh tokens are short printable strings; the bound keeps a hostile value from filling the keychain.
const tokenSchema = z
  .string()
  .min(1)
  .max(4096)
  .regex(/^[\x21-\x7e]+$/);

const accountSchema = z.string().min(1).max(254);

export class RefreshTokenStore {
  constructor(private readonly keychain: Keychain) {}

  async get(profile: string): Promise<string | undefined> {
    const account = accountSchema.parse(profile);
    const stored = await this.keychain.getPassword(REFRESH_TOKEN_SERVICE, account);
    if (stored === null) return undefined;
    const parsed = tokenSchema.safeParse(stored);
    if (parsed.success) return parsed.data;
    await this.keychain.deletePassword(REFRESH_TOKEN_SERVICE, account);
    return undefined;
  }

  /** Saves the token the server just issued (each refresh rotates it, so every new one is saved). */
  async set(profile: string, token: string): Promise<void> {
    const account = accountSchema.parse(profile);
    if (!tokenSchema.safeParse(token).success) throw new Error('the refresh token has an unexpected format');
    await this.keychain.setPassword(REFRESH_TOKEN_SERVICE, account, token);
  }

  async delete(profile: string): Promise<void> {
    await this.keychain.deletePassword(REFRESH_TOKEN_SERVICE, accountSchema.parse(profile));
  }
}
