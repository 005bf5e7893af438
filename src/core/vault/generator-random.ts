// Uniform random integers from the OS CSPRNG. Rejection sampling: values from the incomplete
// last block of 2^32 are drawn again, so every outcome in [0, n) is exactly equally likely.
export function randomInt(n: number): number {
  if (!Number.isInteger(n) || n < 1 || n > 2 ** 32) throw new RangeError('randomInt range');
  const limit = 2 ** 32 - (2 ** 32 % n);
  const buf = new Uint32Array(1);
  for (;;) {
    crypto.getRandomValues(buf);
    const v = buf[0] as number;
    if (v < limit) return v % n;
  }
}
