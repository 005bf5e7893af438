// The passphrase of the automatic daily backup, kept in the OS keychain under its own service name, one entry per
// admin (by user id): the scheduler needs it with nobody at the keyboard. It is never written to the settings, a
// log line or an answer to the renderer; turning the backup off or signing out wipes it.
import { z } from 'zod';
import type { Keychain } from '../secrets/keychain';

export const AUTO_BACKUP_SERVICE = 'Keyroom automatic backup';

const storedSchema = z.strictObject({ v: z.literal(1), passphrase: z.string().min(1).max(1024) });

export class BackupPassphraseKeychain {
  constructor(private readonly keychain: Keychain) {}

  async save(userId: string, passphrase: string): Promise<void> {
    const stored = { v: 1, passphrase: storedSchema.shape.passphrase.parse(passphrase) };
    await this.keychain.setPassword(AUTO_BACKUP_SERVICE, z.uuid().parse(userId), JSON.stringify(stored));
  }

  /** The kept passphrase, or undefined; a malformed entry is removed. */
  async load(userId: string): Promise<string | undefined> {
    const account = z.uuid().parse(userId);
    const raw = await this.keychain.getPassword(AUTO_BACKUP_SERVICE, account);
    if (raw === null) return undefined;
    let parsed: unknown;
    try {
      parsed = JSON.parse(raw);
    } catch {
      parsed = undefined;
    }
    const ok = storedSchema.safeParse(parsed);
    if (ok.success) return ok.data.passphrase;
    await this.wipe(account);
    return undefined;
  }

  async wipe(userId: string): Promise<void> {
    await this.keychain.deletePassword(AUTO_BACKUP_SERVICE, userId);
  }
}
