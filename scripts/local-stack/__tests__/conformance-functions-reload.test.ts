// Hot reload, as `supabase functions serve` does it: editing a function (or the shared code it imports)
// takes effect on the next request without restarting the stack. Runs on a scratch copy of a project.
import { mkdir, mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type RunningStack, startStack } from '../server';

let dir: string;
let stack: RunningStack;

const greeting = (word: string) => `export const word = '${word}';\n`;
const fn = "import { word } from '../_shared/word.ts';\nDeno.serve(() => new Response(word));\n";

// A fresh stack takes over a minute to start on a loaded two-core machine.
beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), 'keyroom-functions-'));
  await mkdir(join(dir, 'functions/hello'), { recursive: true });
  await mkdir(join(dir, 'functions/_shared'), { recursive: true });
  await writeFile(join(dir, 'config.toml'), '[functions.hello]\nverify_jwt = false\n');
  await writeFile(join(dir, 'functions/_shared/word.ts'), greeting('one'));
  await writeFile(join(dir, 'functions/hello/index.ts'), fn);
  process.env.KEYROOM_SUPABASE_DIR = dir;
  stack = await startStack({ port: 0 });
}, 300_000);
afterAll(async () => {
  await stack?.stop();
  await rm(dir, { recursive: true, force: true });
});

async function hello(): Promise<string> {
  const res = await fetch(`${stack.url}/functions/v1/hello`, { method: 'POST' });
  return res.text();
}

async function eventually(expected: string): Promise<void> {
  const until = Date.now() + 10_000;
  let last = '';
  while (Date.now() < until) {
    last = await hello();
    if (last === expected) return;
    await new Promise((r) => setTimeout(r, 100));
  }
  throw new Error(`still answering ${JSON.stringify(last)}, not ${JSON.stringify(expected)}`);
}

describe('hot reload', () => {
  it('serves the new code after the function or its shared import changes', async () => {
    expect(await hello()).toBe('one');
    await writeFile(join(dir, 'functions/_shared/word.ts'), greeting('two'));
    await eventually('two');
    await writeFile(
      join(dir, 'functions/hello/index.ts'),
      fn.replace('new Response(word)', "new Response(word + '!')"),
    );
    await eventually('two!');
  });
});
