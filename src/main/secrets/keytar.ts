// The OS keychain through keytar. keytar is a native module built for Electron at packaging time; only the
// Electron main process loads this file.
import keytar from 'keytar';
import type { Keychain } from './keychain';

export const osKeychain: Keychain = keytar;
