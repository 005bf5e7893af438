// A real HTTP proxy for the corporate-network tests: Debian's tinyproxy, our own instance on a loopback port
// with its own config and log in a temp dir (never the system service). `bind` makes it connect out from
// another loopback address, so a gate in front of the server can tell proxied connections from direct ones.
import { type ChildProcess, spawn } from 'node:child_process';
import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { type AddressInfo, connect, createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

export const TINYPROXY = '/usr/bin/tinyproxy';

export interface TinyproxyOptions {
  /** Ports CONNECT may reach; tinyproxy allows every port when none is listed. */
  connectPorts?: number[];
  /** The source address of its outgoing connections. */
  bind?: string;
  /** Listen on this port (a restart on the same address); a free one when absent. */
  port?: number;
  /** Require Basic proxy authentication with these credentials. */
  basicAuth?: { user: string; password: string };
}

async function freePort(): Promise<number> {
  const server = createServer();
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', () => r()));
  const { port } = server.address() as AddressInfo;
  await new Promise<void>((r) => server.close(() => r()));
  return port;
}

async function accepts(port: number): Promise<boolean> {
  return new Promise((resolve) => {
    const s = connect(port, '127.0.0.1');
    s.once('connect', () => {
      s.destroy();
      resolve(true);
    });
    s.once('error', () => resolve(false));
  });
}

export class Tinyproxy {
  private constructor(
    private readonly child: ChildProcess,
    private readonly dir: string,
    readonly port: number,
  ) {}

  get url(): string {
    return `http://127.0.0.1:${this.port}`;
  }

  static async start(opts: TinyproxyOptions = {}): Promise<Tinyproxy> {
    const dir = await mkdtemp(join(tmpdir(), 'keyroom-tinyproxy-'));
    const port = opts.port ?? (await freePort());
    const conf = [
      `Port ${port}`,
      'Listen 127.0.0.1',
      'Timeout 600',
      `LogFile "${join(dir, 'tinyproxy.log')}"`,
      // Info logs every request line, each CONNECT and why a CONNECT was refused.
      'LogLevel Info',
      'MaxClients 200',
      'Allow 127.0.0.1',
      'DisableViaHeader Yes',
      ...(opts.bind ? [`Bind ${opts.bind}`] : []),
      ...(opts.basicAuth ? [`BasicAuth ${opts.basicAuth.user} ${opts.basicAuth.password}`] : []),
      ...(opts.connectPorts ?? []).map((p) => `ConnectPort ${p}`),
    ].join('\n');
    await writeFile(join(dir, 'tinyproxy.conf'), `${conf}\n`);
    const child = spawn(TINYPROXY, ['-d', '-c', join(dir, 'tinyproxy.conf')], { stdio: 'ignore' });
    const end = Date.now() + 10_000;
    while (!(await accepts(port))) {
      if (child.exitCode !== null || Date.now() > end) {
        child.kill();
        throw new Error(`tinyproxy did not start on port ${port}`);
      }
      await new Promise((r) => setTimeout(r, 50));
    }
    return new Tinyproxy(child, dir, port);
  }

  async log(): Promise<string> {
    return readFile(join(this.dir, 'tinyproxy.log'), 'utf8').catch(() => '');
  }

  async stop(): Promise<void> {
    if (this.child.exitCode === null) {
      const exited = new Promise((r) => this.child.once('exit', r));
      this.child.kill('SIGTERM');
      await exited;
    }
    await rm(this.dir, { recursive: true, force: true });
  }
}
