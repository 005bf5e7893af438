// One long-lived Deno process per edge function: started on the first request, reused by every later one,
// restarted (on the next request) after a crash or a timeout, stopped with the stack.
import { type ChildProcess, spawn } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { Agent } from 'node:http';
import { dirname, join } from 'node:path';
import { createInterface } from 'node:readline';
import { fileURLToPath, pathToFileURL } from 'node:url';

const root = fileURLToPath(new URL('../../..', import.meta.url));
const DENO = join(root, 'node_modules/.bin/deno');
const BOOTSTRAP = fileURLToPath(new URL('./worker-bootstrap.mjs', import.meta.url));

/** What Deno itself needs from the host environment (module cache, registry access); never secrets. */
const HOST_ENV = ['HOME', 'DENO_DIR', 'HTTP_PROXY', 'HTTPS_PROXY', 'NO_PROXY', 'NPM_CONFIG_REGISTRY'];

export interface WorkerSpec {
  name: string;
  /** Absolute path of the function's index.ts. */
  entry: string;
  /** The variables the function sees (SUPABASE_URL, keys…). */
  env: Record<string, string>;
  /** The only variable names it may read. */
  allowEnv: string[];
  /** host or host:port the function may connect to (its listening port is always loopback). */
  allowNet: string[];
  /** Directories the function may read (its own and the shared code). */
  allowRead: string[];
  bootTimeoutMs: number;
  log(line: string): void;
}

export class BootError extends Error {}

export class FunctionWorker {
  private child: ChildProcess | undefined;
  private ready: Promise<number> | undefined;
  private exited: Promise<void> | undefined;
  agent = new Agent({ keepAlive: true });

  constructor(private readonly spec: WorkerSpec) {}

  /** The loopback port the function listens on, booting the worker first if needed. */
  port(): Promise<number> {
    this.ready ??= this.boot();
    return this.ready;
  }

  private boot(): Promise<number> {
    const { spec } = this;
    const token = randomBytes(12).toString('hex');
    const env: Record<string, string> = { NO_COLOR: '1' };
    for (const k of HOST_ENV) {
      const v = process.env[k];
      if (v) env[k] = v;
    }
    const child = spawn(
      DENO,
      [
        'run',
        '--no-prompt',
        '--no-lock',
        `--allow-net=${['127.0.0.1', ...spec.allowNet].join(',')}`,
        `--allow-env=${spec.allowEnv.join(',')}`,
        `--allow-read=${spec.allowRead.join(',')}`,
        BOOTSTRAP,
        pathToFileURL(spec.entry).href,
        token,
      ],
      { cwd: dirname(spec.entry), env: { ...env, ...spec.env }, stdio: ['pipe', 'pipe', 'pipe'] },
    );
    this.child = child;
    this.exited = new Promise((resolve) => child.once('exit', () => resolve()));
    const prefix = `functions/${spec.name}: `;
    createInterface({ input: child.stderr! }).on('line', (line) => spec.log(prefix + line));

    return new Promise<number>((resolve, reject) => {
      const timer = setTimeout(() => {
        reject(new BootError(`worker did not start within ${spec.bootTimeoutMs} ms`));
        this.stop();
      }, spec.bootTimeoutMs);
      createInterface({ input: child.stdout! }).on('line', (line) => {
        if (!line.startsWith(`${token} `)) {
          spec.log(prefix + line);
          return;
        }
        clearTimeout(timer);
        const [, what, port] = line.split(' ');
        if (what === 'ready' && port) resolve(Number(port));
        else reject(new BootError('the function failed to load'));
      });
      child.once('exit', (code, signal) => {
        clearTimeout(timer);
        reject(new BootError(`worker exited during boot (${signal ?? code})`));
        this.forget(child);
        if (code !== 0 || signal) spec.log(`${prefix}worker exited (${signal ?? code})`);
      });
      child.once('error', (err) => {
        clearTimeout(timer);
        reject(new BootError(`cannot start deno: ${err.message}`));
        this.forget(child);
      });
    });
  }

  /** After an exit the next request boots a fresh worker. */
  private forget(child: ChildProcess) {
    if (this.child !== child) return;
    this.child = undefined;
    this.ready = undefined;
    this.agent.destroy();
    this.agent = new Agent({ keepAlive: true });
  }

  /** Kills the worker (a hung or crashed function); resolves once the process is gone. */
  async stop(): Promise<void> {
    const child = this.child;
    if (!child) return;
    const exited = this.exited;
    this.forget(child);
    child.kill('SIGKILL');
    await exited;
  }
}
