// What `npm run backup` and `npm run restore` share: the options, the secrets from the environment (never the
// command line, where every user of the PC reads them in the process list), and a Keyroom session on a PC of its
// own: a temporary folder for the cache, signed in with email and master password as a new PC signs in, erased
// when the run ends. With --state-dir the folder is kept instead (the PC's id and its encrypted cache, as the app
// keeps them): a scheduled task is then one PC in the admin's device list, not a new one every day.
import { randomUUID } from 'node:crypto';
import { mkdir, mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { parseArgs } from 'node:util';
import { z } from 'zod';
import { KeyroomCore } from '../../src/core/index';
import { FileCacheStore, FileOutboxStore } from '../../src/core/storage/file';

export const MASTER_ENV = 'KEYROOM_MASTER_PASSWORD';
export const PASSPHRASE_ENV = 'KEYROOM_BACKUP_PASSPHRASE';

/** A refusal the person can act on; `exitCode` 2 is a usage error, 1 anything else. */
export class CliError extends Error {
  constructor(
    message: string,
    readonly exitCode: 1 | 2 = 1,
  ) {
    super(message);
  }
}

export interface Io {
  env: Record<string, string | undefined>;
  /** Results and the preview. */
  out(line: string): void;
  /** Progress and warnings (a scheduled task keeps stdout for results). */
  err(line: string): void;
  /** Asks yes/no on the terminal; false without one. */
  confirm(question: string): Promise<boolean>;
}

const SECRET_FLAG = /^--?(master[-_]?password|password|passphrase|backup[-_]?passphrase|pass)(=|$)/i;

export interface CommonOptions {
  url: string;
  key: string;
  email: string;
  /** A folder kept between runs; a temporary one when absent. */
  stateDir?: string | undefined;
}

/** Parses argv for the given file option (`out` or `in`), refusing any secret given as a flag. */
export function parseCommon(
  argv: string[],
  fileFlag: 'out' | 'in',
  extra: { yes?: boolean } = {},
): CommonOptions & { file: string; yes: boolean } {
  const secret = argv.find((a) => SECRET_FLAG.test(a));
  if (secret)
    throw new CliError(
      `Passwords are never taken on the command line (${secret.split('=')[0]}): set ${MASTER_ENV} and ${PASSPHRASE_ENV} in the environment instead.`,
      2,
    );
  let values: Record<string, string | boolean | undefined>;
  try {
    values = parseArgs({
      args: argv,
      options: {
        url: { type: 'string' },
        key: { type: 'string' },
        email: { type: 'string' },
        'state-dir': { type: 'string' },
        [fileFlag]: { type: 'string' },
        ...(extra.yes ? { yes: { type: 'boolean' } } : {}),
      },
      strict: true,
    }).values;
  } catch (err) {
    // parseArgs quotes a stray argument back, and a password typed in the wrong place would land in the output
    // and the scheduled task's log: only the flag is named, never a value.
    const flag = /'(--[a-z-]+)/.exec((err as Error).message)?.[1];
    throw new CliError(
      flag
        ? `Unknown or incomplete option ${flag}.`
        : 'Unexpected argument: only the options below are taken.',
      2,
    );
  }
  const usage = `--url <project url> --key <publishable key> --email <admin email> --${fileFlag} <file> [--state-dir <folder>]${extra.yes ? ' [--yes]' : ''}`;
  const url = z.url().safeParse(values.url);
  const email = z.email().safeParse(values.email);
  const file = values[fileFlag];
  if (!url.success || !email.success || typeof values.key !== 'string' || typeof file !== 'string')
    throw new CliError(`usage: ${usage}`, 2);
  const stateDir = typeof values['state-dir'] === 'string' ? values['state-dir'] : undefined;
  return { url: url.data, key: values.key, email: email.data, file, yes: values.yes === true, stateDir };
}

export function secretFromEnv(io: Io, name: string): string {
  const v = io.env[name];
  if (!v) throw new CliError(`${name} is not set: put the secret in the environment.`, 2);
  return v;
}

export interface CliSession {
  core: KeyroomCore;
  close(): Promise<void>;
}

const DeviceFile = z.object({ id: z.uuid() });

/** The kept folder's PC id, made on its first run. */
async function deviceIdIn(dir: string): Promise<string> {
  const path = join(dir, 'device.json');
  try {
    const parsed = DeviceFile.safeParse(JSON.parse(await readFile(path, 'utf8')));
    if (parsed.success) return parsed.data.id;
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code !== 'ENOENT' && !(err instanceof SyntaxError)) throw err;
  }
  const id = randomUUID();
  await writeFile(path, JSON.stringify({ id }), { mode: 0o600 });
  return id;
}

/** Signs in on a PC of its own, as an admin; close() ends the session and erases a temporary folder. */
export async function signIn(opts: CommonOptions, masterPassword: string, io: Io): Promise<CliSession> {
  const kept = opts.stateDir !== undefined;
  const dir = kept ? opts.stateDir! : await mkdtemp(join(tmpdir(), 'keyroom-cli-'));
  if (kept) await mkdir(dir, { recursive: true, mode: 0o700 });
  const drop = () => (kept ? Promise.resolve() : rm(dir, { recursive: true, force: true }));
  let core: KeyroomCore | null = null;
  try {
    core = await KeyroomCore.create({
      url: opts.url,
      publishableKey: opts.key,
      storage: {
        cache: await FileCacheStore.open(join(dir, 'cache.json')),
        outbox: await FileOutboxStore.open(join(dir, 'outbox.json')),
      },
      appVersion: '0.1.0',
      device: {
        id: kept ? await deviceIdIn(dir) : randomUUID(),
        name: 'Keyroom backup (command line)',
        platform: process.platform,
      },
    });
    io.err(`signing in to ${opts.url} as ${opts.email}…`);
    const state = await core.signIn(opts.email, masterPassword);
    if (state.state !== 'unlocked')
      throw new CliError(
        `Signed in, but the account is not ready (${state.state}): open Keyroom on a PC first.`,
      );
    if (state.user.role !== 'admin') throw new CliError('Only an admin can back up or restore the office.');
    await core.syncNow();
  } catch (err) {
    await core?.dispose().catch(() => {});
    await drop();
    throw err;
  }
  const signed = core;
  return {
    core: signed,
    close: async () => {
      // A kept folder keeps its account (the next run unlocks it); a temporary one is signed out and erased.
      if (!kept) await signed.signOut().catch(() => {});
      await signed.dispose().catch(() => {});
      await drop();
    },
  };
}

/** A progress line per tenth of the work, on stderr. */
export function progressPrinter(io: Io): (p: { phase: string; done: number; total: number }) => void {
  let last = '';
  return (p) => {
    const step = p.total === 0 ? 10 : Math.floor((p.done / p.total) * 10);
    const line = `${p.phase}: ${p.done}/${p.total}`;
    const key = `${p.phase}:${step}`;
    if (key === last) return;
    last = key;
    io.err(line);
  };
}

/** The process's own terminal: stdin for the yes/no question, stdout and stderr. */
export function processIo(): Io {
  return {
    env: process.env,
    out: (l) => process.stdout.write(`${l}\n`),
    err: (l) => process.stderr.write(`${l}\n`),
    confirm: async (question) => {
      if (!process.stdin.isTTY) return false;
      const { createInterface } = await import('node:readline/promises');
      const rl = createInterface({ input: process.stdin, output: process.stderr });
      try {
        return /^y(es)?$/i.test((await rl.question(`${question} [y/N] `)).trim());
      } finally {
        rl.close();
      }
    },
  };
}

/** Runs a CLI entry and exits with its code; a CoreError's words are already meant for people. */
export function runMain(main: (argv: string[], io: Io) => Promise<void>): void {
  const io = processIo();
  main(process.argv.slice(2), io).then(
    () => process.exit(0),
    (err: unknown) => {
      io.err(err instanceof Error ? err.message : String(err));
      process.exit(err instanceof CliError ? err.exitCode : 1);
    },
  );
}
