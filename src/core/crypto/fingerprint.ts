// Fingerprints people read aloud and compare with the invitation sheet or a colleague's screen.
//
// fingerprint = SHA-256(canonical('keyroom/v1/fingerprint', ed25519 public [, x25519 public])),
// first 30 bytes cut into six 5-byte big-endian numbers, each taken mod 100000 and written as
// five digits: "12345 67890 13579 24680 11223 34455" (about 99.6 bits). Deterministic: the same
// keys always print the same digits on every PC. The office root's fingerprint covers its
// Ed25519 key; a member's covers both of its public keys.
import { sha256 } from '@noble/hashes/sha2.js';
import { canonical } from './bytes';

export function fingerprint(ed25519Public: Uint8Array, x25519Public?: Uint8Array): string {
  const fields = x25519Public ? [ed25519Public, x25519Public] : [ed25519Public];
  const digest = sha256(canonical('keyroom/v1/fingerprint', ...fields));
  const groups: string[] = [];
  for (let i = 0; i < 30; i += 5) {
    let n = 0;
    for (let j = 0; j < 5; j++) n = n * 256 + (digest[i + j] as number);
    groups.push(String(n % 100000).padStart(5, '0'));
  }
  return groups.join(' ');
}
