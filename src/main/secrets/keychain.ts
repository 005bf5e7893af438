// The slice of keytar (the OS keychain: Windows Credential Manager, macOS Keychain, libsecret) these modules
// use. Injected, so the logic runs under Node in tests where no keychain service or native module exists.
export interface Keychain {
  getPassword(service: string, account: string): Promise<string | null>;
  setPassword(service: string, account: string, password: string): Promise<void>;
  deletePassword(service: string, account: string): Promise<boolean>;
  findCredentials(service: string): Promise<Array<{ account: string; password: string }>>;
}
