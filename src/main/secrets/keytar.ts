// The OS keychain through keytar. keytar is a native module built for Electron at packaging time; only the
// Electron main process loads this file. It loads on first use, not at start: a PC where it cannot load (no
// libsecret on Linux, a broken build) still runs, every keychain call fails, and nothing is kept (the wiring
// logs it and the lock screen asks for the password as without the setting).
import type { Keychain } from './keychain';

let loaded: Promise<Keychain> | undefined;
const keytar = (): Promise<Keychain> => {
  // require, not import(): the main bundle is CommonJS, and the ESM loader would resolve a native module in the
  // app archive differently from how Electron loads it.
  loaded ??= Promise.resolve().then(() => require('keytar') as Keychain);
  return loaded;
};

export const osKeychain: Keychain = {
  getPassword: async (service, account) => (await keytar()).getPassword(service, account),
  setPassword: async (service, account, password) => (await keytar()).setPassword(service, account, password),
  deletePassword: async (service, account) => (await keytar()).deletePassword(service, account),
  findCredentials: async (service) => (await keytar()).findCredentials(service),
};
