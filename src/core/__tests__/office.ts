// A simulated office for the integration suites and the benchmark: one local stack (PGlite or PostgreSQL)
// and any number of PCs, each a separate KeyroomCore with its own cache and outbox files.
import { randomUUID } from 'node:crypto';
import { mkdtemp, rm } from 'node:fs/promises';
import { type AddressInfo, connect, createServer, type Server, type Socket } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createFirstAdmin } from '../../../scripts/admin-init';
import { type RunningStack, startStack } from '../../../scripts/local-stack/server';
import { createTestDatabase, type TestDatabase } from '../../../scripts/test/pg';
import { CoreError } from '../backend/errors';
import type { Network } from '../backend/network/network';
import { type CoreEvents, KeyroomCore } from '../index';
import { FileCacheStore, FileOutboxStore } from '../storage/file';

export const MASTER = 'correct horse battery staple 42';
// Every enrollment runs Argon2id (64 MiB) and the edge functions run in Deno: generous limits for a shared
// 2-core machine. Latency budgets are asserted inside the tests, not through these.
export const SLOW = 120_000;
export const STARTUP = 300_000;

export interface Pc {
  name: string;
  dir: string;
  core: KeyroomCore;
}

export class Office {
  private readonly pcs: Pc[] = [];
  /** A disk keeps its device id, as the app keeps it in its settings: a restart is the same PC. */
  private readonly deviceIds = new Map<string, string>();
  /** Stacks this office served from before `moveTo`, stopped with it. */
  private readonly earlier: RunningStack[] = [];
  private constructor(
    private current: RunningStack,
    private readonly db: TestDatabase | null,
    private readonly root: string,
    private readonly pollMs: number,
    private readonly network: Network | undefined,
  ) {}

  static async start(
    kind: 'pglite' | 'postgres',
    opts: { pollMs?: number; tokenRatePer5Min?: number; network?: Network } = {},
  ): Promise<Office> {
    const db = kind === 'postgres' ? await createTestDatabase('keyroom_core') : null;
    const stack = await startStack({
      port: 0,
      dbUrl: db?.url,
      // Every simulated PC signs in from 127.0.0.1: one GoTrue /token bucket for the whole office.
      ...(opts.tokenRatePer5Min
        ? { auth: { tokenRatePer5Min: opts.tokenRatePer5Min, tokenBurst: opts.tokenRatePer5Min } }
        : {}),
    });
    const root = await mkdtemp(join(tmpdir(), 'keyroom-office-'));
    return new Office(stack, db, root, opts.pollMs ?? 30_000, opts.network);
  }

  get stack(): RunningStack {
    return this.current;
  }

  /**
   * The office's project goes away: every PC closes and the stack stops, but the disks (with their device ids)
   * and the database stay, for a restore drill to dump the database and bring the office back elsewhere.
   */
  async shutDown(): Promise<void> {
    for (const pc of this.pcs.splice(0)) await pc.core.dispose();
    await this.current.stop();
  }

  /** Serves the office from another stack (a restored project): PCs made from now on talk to it. */
  moveTo(stack: RunningStack): void {
    this.earlier.push(this.current);
    this.current = stack;
  }

  /** A PC; `dir` reuses an earlier PC's disk (a restart of the app). */
  async pc(name: string, dir?: string, url?: string): Promise<Pc> {
    const d = dir ?? (await mkdtemp(join(this.root, `${name}-`)));
    const deviceId = this.deviceIds.get(d) ?? randomUUID();
    this.deviceIds.set(d, deviceId);
    const core = await KeyroomCore.create({
      url: url ?? this.stack.url,
      publishableKey: this.stack.publishableKey,
      storage: {
        cache: await FileCacheStore.open(join(d, 'cache.json')),
        outbox: await FileOutboxStore.open(join(d, 'outbox.json')),
      },
      appVersion: '1.0.0',
      device: { id: deviceId, name, platform: 'linux' },
      pollMs: this.pollMs,
      ...(this.network ? { network: this.network } : {}),
    });
    const pc = { name, dir: d, core };
    this.pcs.push(pc);
    return pc;
  }

  /** The office's first admin: created with the service role, signed in with the one-time password, enrolled. */
  async firstAdmin(email = 'boss@office.test', url?: string): Promise<Pc> {
    const { password } = await createFirstAdmin({
      url: this.stack.url,
      secretKey: this.stack.secretKey,
      email,
      displayName: 'Boss',
    });
    const pc = await this.pc('admin', undefined, url);
    await pc.core.redeemInvitation(email, password);
    await pc.core.enroll(MASTER, null);
    return pc;
  }

  /** Invites, enrolls on a new PC and confirms by fingerprint: an active colleague. */
  async colleague(admin: Pc, email: string, role: 'admin' | 'member' = 'member', url?: string): Promise<Pc> {
    const sheet = await admin.core.admin.invite(email, email.split('@')[0]!, role);
    const pc = await this.pc(email.split('@')[0]!, undefined, url);
    await pc.core.redeemInvitation(email, sheet.oneTimePassword);
    const pending = await pc.core.enroll(MASTER, sheet.officeFingerprint);
    if (pending.state !== 'pendingConfirmation') throw new Error(`expected pending, got ${pending.state}`);
    const unlocked = waitFor(pc.core, 'sessionChanged', (s) => s.state === 'unlocked', 60_000);
    await admin.core.admin.confirm(sheet.memberId, pending.fingerprint, role);
    await unlocked;
    // The grants follow the activation by a moment; the vaults open when their poke arrives.
    const vaults = admin.core.vaults().length;
    await until(() => pc.core.vaults().length === vaults, 60_000);
    await pc.core.syncNow();
    return pc;
  }

  /**
   * The server as the adversary: rows rewritten as the database owner with triggers off (no version bump, no
   * audit, no poke), as the tamper suites need.
   */
  tamper(sql: string, params: unknown[] = []): Promise<void> {
    return this.stack.db.transaction(async (tx) => {
      await tx.query('set local session_replication_role = replica');
      await tx.query(sql, params);
    });
  }

  async stop(): Promise<void> {
    for (const pc of this.pcs) await pc.core.dispose().catch(() => {});
    for (const s of [...this.earlier, this.current]) await s.stop();
    await this.db?.drop();
    await rm(this.root, { recursive: true, force: true });
  }
}

/** The CoreError a call ends in (anything else, or success, fails the test). */
export async function refusal(p: Promise<unknown>): Promise<CoreError> {
  const err = await p.then(
    () => null,
    (e: unknown) => e,
  );
  if (!(err instanceof CoreError)) throw new Error(`expected a CoreError, got ${String(err)}`);
  return err;
}

/** Resolves with the first event payload that matches, or rejects after `ms`. */
export function waitFor<K extends keyof CoreEvents>(
  core: KeyroomCore,
  event: K,
  match: (payload: CoreEvents[K]) => boolean,
  ms = 5_000,
): Promise<CoreEvents[K]> {
  return new Promise((resolve, reject) => {
    const timer = setTimeout(() => {
      off();
      reject(new Error(`timed out waiting for ${String(event)}`));
    }, ms);
    const off = core.events.on(event, (p) => {
      if (!match(p)) return;
      clearTimeout(timer);
      off();
      resolve(p);
    });
  });
}

/** Polls a condition (for state that has no event of its own). */
export async function until(check: () => boolean, ms = 5_000): Promise<void> {
  const end = Date.now() + ms;
  while (!check()) {
    if (Date.now() > end) throw new Error('condition not met in time');
    await new Promise((r) => setTimeout(r, 20));
  }
}

/** A PC's network cable: a TCP proxy in front of the stack that can be pulled and plugged back in. */
export class Cable {
  private readonly sockets = new Set<Socket>();
  private plugged = true;
  /** Remote addresses of the connections refused for not coming from `onlyFrom`. */
  readonly refused: string[] = [];
  private constructor(
    private readonly server: Server,
    readonly url: string,
  ) {}

  /** `onlyFrom`: accept connections from this address only (a proxy bound to it), refuse and count others. */
  static async to(target: string, opts: { onlyFrom?: string } = {}): Promise<Cable> {
    const { hostname, port } = new URL(target);
    let cable: Cable | undefined;
    const server = createServer((client) => {
      if (opts.onlyFrom && client.remoteAddress !== opts.onlyFrom) {
        cable?.refused.push(client.remoteAddress ?? '?');
        client.destroy();
        return;
      }
      if (!cable?.plugged) {
        client.destroy();
        return;
      }
      const upstream = connect(Number(port), hostname);
      for (const s of [client, upstream]) {
        cable.sockets.add(s);
        s.on('close', () => cable?.sockets.delete(s));
        s.on('error', () => {});
      }
      client.pipe(upstream).pipe(client);
      client.on('close', () => upstream.destroy());
      upstream.on('close', () => client.destroy());
    });
    await new Promise<void>((r) => server.listen(0, '127.0.0.1', () => r()));
    const { port: local } = server.address() as AddressInfo;
    cable = new Cable(server, `http://127.0.0.1:${local}`);
    return cable;
  }

  unplug(): void {
    this.plugged = false;
    for (const s of this.sockets) s.destroy();
  }

  plug(): void {
    this.plugged = true;
  }

  async close(): Promise<void> {
    this.unplug();
    await new Promise<void>((r) => this.server.close(() => r()));
  }
}
