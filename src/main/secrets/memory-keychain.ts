// For tests: a keychain in memory with keytar's behaviour (a missing entry reads as null, deleting one that is
// not there returns false). No keychain service or keytar native module exists on this machine.
import type { Keychain } from './keychain';

export class MemoryKeychain implements Keychain {
  readonly entries = new Map<string, string>();

  async getPassword(service: string, account: string): Promise<string | null> {
    return this.entries.get(`${service}\n${account}`) ?? null;
  }

  async setPassword(service: string, account: string, password: string): Promise<void> {
    this.entries.set(`${service}\n${account}`, password);
  }

  async deletePassword(service: string, account: string): Promise<boolean> {
    return this.entries.delete(`${service}\n${account}`);
  }

  async findCredentials(service: string): Promise<Array<{ account: string; password: string }>> {
    return [...this.entries]
      .filter(([k]) => k.startsWith(`${service}\n`))
      .map(([k, password]) => ({ account: k.slice(service.length + 1), password }));
  }
}
