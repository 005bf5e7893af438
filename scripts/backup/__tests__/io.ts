// A terminal for the CLI entries in tests: the environment they read, what they print, the answer they get.
import type { Io } from '../session';

export interface TestIo extends Io {
  stdout: string[];
  stderr: string[];
  asked: string[];
}

export function testIo(env: Record<string, string>, answer = false): TestIo {
  const io: TestIo = {
    env,
    stdout: [],
    stderr: [],
    asked: [],
    out: (l) => io.stdout.push(l),
    err: (l) => io.stderr.push(l),
    confirm: async (q) => {
      io.asked.push(q);
      return answer;
    },
  };
  return io;
}

/** The error a CLI entry ends with, or a failure when it ends well. */
export async function failure(p: Promise<unknown>): Promise<Error & { exitCode?: number }> {
  const err = await p.then(
    () => null,
    (e: unknown) => e,
  );
  if (!(err instanceof Error)) throw new Error('expected the command to fail');
  return err as Error & { exitCode?: number };
}
