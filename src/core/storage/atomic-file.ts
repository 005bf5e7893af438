// A JSON document on disk, replaced atomically: written to a temp file in the same folder,
// flushed, then renamed over the old one, so a crash leaves either the old or the new document,
// never half of one. Writes are queued, so concurrent saves land in call order.
import { randomBytes } from 'node:crypto';
import { mkdir, open, readFile, rename, rm } from 'node:fs/promises';
import { basename, dirname, join } from 'node:path';

/** Runs async tasks one after another, in call order; a failed task does not stop the next. */
export class SerialQueue {
  #tail: Promise<unknown> = Promise.resolve();

  run<T>(task: () => Promise<T>): Promise<T> {
    const result = this.#tail.then(task);
    this.#tail = result.catch(() => undefined);
    return result;
  }
}

export class AtomicJsonFile {
  readonly #queue = new SerialQueue();

  constructor(readonly path: string) {}

  /** The parsed document, or undefined when there is none yet. Throws on unreadable JSON. */
  async read(): Promise<unknown> {
    let body: string;
    try {
      body = await readFile(this.path, 'utf8');
    } catch (e) {
      if ((e as NodeJS.ErrnoException).code === 'ENOENT') return undefined;
      throw e;
    }
    return JSON.parse(body);
  }

  write(doc: unknown): Promise<void> {
    const body = JSON.stringify(doc);
    return this.#queue.run(() => this.#replace(body));
  }

  remove(): Promise<void> {
    return this.#queue.run(() => rm(this.path, { force: true }));
  }

  async #replace(body: string): Promise<void> {
    await mkdir(dirname(this.path), { recursive: true, mode: 0o700 });
    await writeFileAtomic(this.path, body);
  }
}

/**
 * Replaces `path` atomically, readable by its owner only: written to a temp file in the same folder, flushed, then
 * renamed over the old one, so a crash leaves the old file or the new one, never half.
 */
export async function writeFileAtomic(path: string, data: string | Uint8Array): Promise<void> {
  const dir = dirname(path);
  const tmp = join(dir, `.${basename(path)}.${randomBytes(6).toString('hex')}.tmp`);
  const fh = await open(tmp, 'wx', 0o600);
  try {
    await fh.writeFile(data);
    await fh.sync();
  } catch (e) {
    await fh.close();
    // A half-written temp file (a full disk) may hold secrets in the clear: it goes.
    await rm(tmp, { force: true });
    throw e;
  }
  await fh.close();
  try {
    await rename(tmp, path);
  } catch (e) {
    await rm(tmp, { force: true });
    throw e;
  }
  // Make the rename itself durable where the platform allows syncing a directory.
  const dh = await open(dir, 'r').catch(() => undefined);
  await dh?.sync().catch(() => undefined);
  await dh?.close();
}
