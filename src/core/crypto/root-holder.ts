// Who holds the office root role: a statement the root's own signing key makes, "the root role is held by user X
// from hand-over n on". Every PC pinned the root's public key at enrollment, so a take-over that hands the same key
// to X keeps every pin valid, and X proves the take-over by signing this with it. The server stores the statement
// (client_policy.root_holder) but cannot make one: a PC believes it only when it verifies under its pin. n counts
// the hand-overs, so a server cannot serve an older statement as news (each PC keeps the highest n it accepted).
import { ed25519 } from '@noble/curves/ed25519.js';
import { z } from 'zod';
import { base64UrlBytes, canonical, toBase64Url } from './bytes';
import { DamagedError } from './damaged';
import { type PinnedRoot, verifySig } from './trust';

export const RootHolderSchema = z.strictObject({
  holder: z.uuid(),
  n: z.int().min(1).max(0x7fffffff),
  sig: base64UrlBytes(64),
});
export type RootHolder = z.infer<typeof RootHolderSchema>;

function holderMessage(rootId: string, holder: string, n: number): Uint8Array {
  return canonical('keyroom/v1/root-holder', rootId.toLowerCase(), holder.toLowerCase(), n);
}

export function signRootHolder(
  root: { id: string; ed25519Secret: Uint8Array },
  holder: string,
  n: number,
): RootHolder {
  const sig = ed25519.sign(holderMessage(root.id, holder, n), root.ed25519Secret);
  return { holder: holder.toLowerCase(), n, sig: toBase64Url(sig) };
}

/** The server's statement, verified under the pinned root; anything else is DamagedError. */
export function verifyRootHolder(untrusted: unknown, root: PinnedRoot): RootHolder {
  const parsed = RootHolderSchema.safeParse(untrusted);
  if (!parsed.success) throw new DamagedError();
  const s = parsed.data;
  if (!verifySig(s.sig, holderMessage(root.id, s.holder, s.n), root.ed25519Public)) throw new DamagedError();
  return s;
}
