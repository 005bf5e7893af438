// One error for every way a protected item can fail to open. The message and the type are the
// same whatever went wrong (unknown version, bad commitment, bad tag, bad signature, missing key,
// weak KDF parameters), so neither the UI nor a log can tell an attacker which check tripped.
export const DAMAGED_MESSAGE = 'This item is damaged and cannot be opened.';

export class DamagedError extends Error {
  constructor() {
    super(DAMAGED_MESSAGE);
    this.name = 'DamagedError';
  }
}
