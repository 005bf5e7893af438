// The office root's hand-over statement, checked before admin-users stores it: the root's Ed25519 signature
// (WebCrypto, strict) over the same canonical message the client signs (src/core/crypto/root-holder.ts:
// label 'keyroom/v1/root-holder', the root's id, the holder's id, the hand-over number). This check keeps a rogue
// admin from naming themself; every PC checks the signature again against its own pin, so a server that skips it
// still names nobody.

function b64url(text: string): Uint8Array<ArrayBuffer> | null {
  if (!/^[A-Za-z0-9_-]*$/.test(text) || text.length % 4 === 1) return null;
  const b64 = text.replace(/-/g, '+').replace(/_/g, '/') + '='.repeat((4 - (text.length % 4)) % 4);
  return Uint8Array.from(atob(b64), (c) => c.charCodeAt(0));
}

/** The length-prefixed encoding of src/core/crypto/bytes.ts canonical(): type byte, 4-byte length, body. */
function canonical(label: string, ...fields: (string | number)[]): Uint8Array<ArrayBuffer> {
  const parts: Uint8Array[] = [];
  const push = (type: number, body: Uint8Array) => {
    const head = new Uint8Array(5);
    head[0] = type;
    new DataView(head.buffer).setUint32(1, body.length);
    parts.push(head, body);
  };
  const text = new TextEncoder();
  push(1, text.encode(label));
  for (const f of fields) {
    if (typeof f === 'string') push(1, text.encode(f));
    else {
      const n = new Uint8Array(4);
      new DataView(n.buffer).setUint32(0, f);
      push(3, n);
    }
  }
  const out = new Uint8Array(parts.reduce((n, p) => n + p.length, 0));
  let at = 0;
  for (const p of parts) {
    out.set(p, at);
    at += p.length;
  }
  return out;
}

export async function rootHolderSigned(
  statement: { holder: string; n: number; sig: string },
  root: { id: string; publicKey: string },
): Promise<boolean> {
  const pub = b64url(root.publicKey);
  const sig = b64url(statement.sig);
  if (pub?.length !== 32 || sig?.length !== 64) return false;
  const msg = canonical(
    'keyroom/v1/root-holder',
    root.id.toLowerCase(),
    statement.holder.toLowerCase(),
    statement.n,
  );
  try {
    const key = await crypto.subtle.importKey('raw', pub, { name: 'Ed25519' }, false, ['verify']);
    return await crypto.subtle.verify({ name: 'Ed25519' }, key, sig, msg);
  } catch {
    return false;
  }
}
