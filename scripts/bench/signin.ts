// npm run bench -- signin [--rounds 12]: how long a sign-in on a new PC takes, and whether its time tells an unknown
// email from a known one with a wrong master password (src/core/session/new-pc.ts). Each round signs in as a fresh
// PC three ways against the local stack on PGlite, interleaved so load drifts hit all three alike: an email without
// an account, an employee's email with a wrong password, and the right password. Prints percentiles and the
// unknown/wrong ratio of the medians; a ratio near 1 means the two refusals take the same time within noise.
// What it cannot show: GoTrue itself answers an unknown email without its bcrypt compare (docs/security.md), which
// the stand-in's Auth models too, so the figures include that difference.
import { parseArgs } from 'node:util';
import { MASTER, Office } from '../../src/core/__tests__/office';
import { formatMs, summarize } from './_stats';

const { values } = parseArgs({ options: { rounds: { type: 'string', default: '12' } } });
const ROUNDS = Number(values.rounds);

const office = await Office.start('pglite');
try {
  const admin = await office.firstAdmin();
  await office.colleague(admin, 'emp@office.test');
  const times = { unknown: [] as number[], wrong: [] as number[], right: [] as number[] };
  const attempt = async (kind: keyof typeof times, email: string, password: string) => {
    const pc = await office.pc(`${kind}-pc`);
    const t0 = performance.now();
    const outcome = await pc.core.signIn(email, password).then(
      (s) => s.state,
      (e: unknown) => (e as { code?: string }).code ?? 'error',
    );
    times[kind].push(performance.now() - t0);
    await pc.core.dispose();
    return outcome;
  };
  for (let i = 0; i < ROUNDS; i++) {
    const a = await attempt('unknown', `nobody-${i}@office.test`, MASTER);
    const b = await attempt('wrong', 'emp@office.test', `not the password ${i}`);
    const c = await attempt('right', 'emp@office.test', MASTER);
    if (a !== 'wrong_credentials' || b !== 'wrong_credentials' || c !== 'unlocked')
      throw new Error(`unexpected outcomes: ${a}, ${b}, ${c}`);
  }
  console.log(
    `sign-in on a new PC, ${ROUNDS} rounds (PGlite local stack; Argon2id 64 MiB, t=3 on this machine)`,
  );
  console.log(formatMs('  unknown email       ', times.unknown));
  console.log(formatMs('  wrong master password', times.wrong));
  console.log(formatMs('  right master password', times.right));
  const ratio = summarize(times.unknown).p50 / summarize(times.wrong).p50;
  console.log(`  unknown / wrong, p50: ${ratio.toFixed(3)} (same error and message for both)`);
} finally {
  await office.stop();
}
