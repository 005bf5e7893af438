// The N-PC part of the sync bench: one writer changes an entry, N listening PCs pull it, and three clocks run.
// The PCs run the core's real sync path (own Supabase client, own Realtime socket, own cache files, SyncEngine
// + Replica + Keyring), all in this one process, so the bench observes them from outside: it wraps the
// PC's network fetch and Backend.pullEntries (when the answer holding the change arrived, before any parse or
// decrypt) and SyncEngine.applyPage (decrypt, verify and apply of that answer) on each instance; src/core
// carries no hook for it.
import { mkdtemp } from 'node:fs/promises';
import { join } from 'node:path';
import { Backend } from '../../src/core/backend/client';
import { envNetwork, type Network } from '../../src/core/backend/network/network';
import type { EntryRow } from '../../src/core/backend/rows';
import { fromBase64Url } from '../../src/core/crypto/bytes';
import type { UserKeys } from '../../src/core/crypto/keys';
import type { KeyroomCore } from '../../src/core/index';
import type { Account } from '../../src/core/session/account';
import { FileCacheStore, FileOutboxStore } from '../../src/core/storage/file';
import { SyncEngine } from '../../src/core/sync/engine';
import { LocalState } from '../../src/core/sync/state';
import { colleagueKeys, Keyring } from '../../src/core/vault/keyring';
import { Replica } from '../../src/core/vault/replica';
import { formatMs, summarize } from './_stats';

export type Mode = 'delta' | 'full';

export const PCS_HEADER = `N PCs, one writer. Every PC and the local stack (its REST and Realtime servers) run in this one
process, on one JS thread; PostgreSQL is its own process. The three figures:
  server      = writer's update answered -> each PC's pull answered (its answer's headers read, before the
                body is parsed or anything decrypted).
                Answers "how fast does the server serve N PCs". An upper bound: a response is read only when
                the shared thread is free, so it also holds the other PCs' work on that thread (their HTTP,
                Realtime and decrypts). Below zero when a PC's pull is answered before the writer's answer is read.
  client CPU  = what ONE PC spends on one change: decrypt + verify + apply of its pulled rows
                (SyncEngine.applyPage; in the full mode the accept loop over the re-downloaded vault), summed
                over that PC's pulls while the change is awaited, as CPU time (wall time below it).
                Answers "how much CPU one PC spends"; a real PC spends it on its own CPU. Not counted: HTTP and
                JSON/zod parse of the response, the cache file save that follows. "sum" is all N PCs' client CPU
                for one change, as this one process pays it.
  end-to-end  = writer's update sent -> change visible decrypted on each PC (as before). A real office has N CPUs:
                "client CPU sum / process CPU" is the share of this process's work that is the PCs' decrypts;
                the rest is the stack and the PCs' HTTP and Realtime handling.`;

/** One change being awaited: absolute times per PC, and each PC's client CPU while it is awaited. */
interface Target {
  id: string;
  version: number;
  sentAt: number;
  served: Map<number, number>;
  visible: Map<number, number>;
  /** CPU time (ms) of the process during this PC's decrypt + apply: synchronous code, so the JS thread did
   * nothing else meanwhile (V8's and libuv's helper threads may add a little). */
  clientCpu: Map<number, number>;
  /** Wall time (ms) of those same sections: also counts the OS running other processes on the 2 cores. */
  clientWall: Map<number, number>;
}

let target: Target | null = null;

/** A pull's rows hold the awaited change: `answeredAt` is when its answer arrived. */
function served(pc: number, rows: EntryRow[], answeredAt: number): void {
  const t = target;
  if (!t || t.served.has(pc)) return;
  if (rows.some((r) => r.id === t.id && r.version >= t.version)) t.served.set(pc, answeredAt);
}

function seen(pc: number, id: string, version: number): void {
  const t = target;
  if (!t || t.id !== id || version < t.version || t.visible.has(pc)) return;
  t.visible.set(pc, performance.now());
}

/** Runs one PC's decrypt + apply and books its cost to the change being awaited. */
function metered<T>(pc: number, run: () => T): T {
  const t0 = performance.now();
  const c0 = process.cpuUsage();
  try {
    return run();
  } finally {
    const wall = performance.now() - t0;
    const cpu = process.cpuUsage(c0);
    const t = target;
    if (t) {
      t.clientWall.set(pc, (t.clientWall.get(pc) ?? 0) + wall);
      t.clientCpu.set(pc, (t.clientCpu.get(pc) ?? 0) + (cpu.user + cpu.system) / 1000);
    }
  }
}

export interface PcsContext {
  url: string;
  publishableKey: string;
  account: Account;
  keys: UserKeys;
  authSecret: string;
  vaultId: string;
  dir: string;
}

function cloneKeys(k: UserKeys): UserKeys {
  return {
    x25519Secret: k.x25519Secret.slice(),
    x25519Public: k.x25519Public.slice(),
    ed25519Secret: k.ed25519Secret.slice(),
    ed25519Public: k.ed25519Public.slice(),
  };
}

interface Probe {
  stop(): Promise<void>;
}

/** The PC's network, noting when the answer to an entries pull arrives (its headers, before the body is parsed). */
function stampedNetwork(): { network: Network; answeredAt: () => number } {
  const net = envNetwork();
  let at = 0;
  const network: Network = {
    WebSocket: net.WebSocket,
    route: (target) => net.route(target),
    fetch: async (input, init) => {
      const res = await net.fetch(input, init);
      const url = input instanceof Request ? input.url : String(input);
      if (url.includes('/rest/v1/entries')) at = performance.now();
      return res;
    },
  };
  return { network, answeredAt: () => at };
}

async function probe(n: number, mode: Mode, ctx: PcsContext): Promise<Probe> {
  const { network, answeredAt } = stampedNetwork();
  const backend = new Backend({ url: ctx.url, publishableKey: ctx.publishableKey, network });
  await backend.signIn(ctx.account.email, ctx.authSecret);
  const root = { id: ctx.account.root.id, ed25519Public: fromBase64Url(ctx.account.root.ed25519Public)! };
  const keyring = new Keyring(ctx.account.userId, cloneKeys(ctx.keys), root);
  keyring.openGrants(await backend.ownGrants(), colleagueKeys(await backend.colleagues()));
  const replica = new Replica(keyring);
  if (mode === 'delta') {
    // The engine pulls one vault at a time and calls applyPage right after pullEntries, synchronously: the
    // first wrapper books the answer's arrival, the second times the decrypt + apply of exactly that answer.
    const pullEntries = backend.pullEntries.bind(backend);
    backend.pullEntries = async (vaultId, afterSeq, limit) => {
      const page = await pullEntries(vaultId, afterSeq, limit);
      served(n, page.rows, answeredAt());
      return page;
    };
    const dir = await mkdtemp(join(ctx.dir, `pc${n}-`));
    const local = new LocalState({
      cache: await FileCacheStore.open(join(dir, 'cache.json')),
      outbox: await FileOutboxStore.open(join(dir, 'outbox.json')),
    });
    const engine = new SyncEngine(backend, local, ctx.account.userId, {
      accept: (row) => replica.accept(row),
      changed: (changes) => {
        for (const c of changes) seen(n, c.id, replica.get(c.id)?.version ?? 0);
      },
      rollback: () => {},
      damaged: () => {},
      memberEvent: () => {},
      officeEvent: () => {},
      presence: () => {},
      connection: () => {},
    });
    const applyPage = engine.applyPage.bind(engine);
    engine.applyPage = (vaultId, rows) => metered(n, () => applyPage(vaultId, rows));
    await engine.start([ctx.vaultId]);
    return {
      stop: async () => {
        await engine.stop();
        keyring.wipe();
        await backend.dispose();
      },
    };
  }
  // Full re-download: every poke fetches and decrypts the whole vault.
  let running: Promise<void> | null = null;
  let again = false;
  const refetch = async () => {
    do {
      again = false;
      const rows = await backend.allEntries(ctx.vaultId);
      served(n, rows, answeredAt());
      metered(n, () => {
        for (const row of rows) if (replica.accept(row) === 'ok') seen(n, row.id, row.version);
      });
    } while (again);
  };
  const poke = () => {
    if (running) {
      again = true;
      return;
    }
    running = refetch().finally(() => {
      running = null;
    });
  };
  const channel = backend.subscribe(`vault:${ctx.vaultId}`, { broadcast: { entry: poke } });
  await refetch();
  return {
    stop: async () => {
      await backend.unsubscribe(channel);
      keyring.wipe();
      await backend.dispose();
    },
  };
}

async function inBatches<T>(count: number, size: number, make: (i: number) => Promise<T>): Promise<T[]> {
  const out: T[] = [];
  for (let i = 0; i < count; i += size) {
    out.push(
      ...(await Promise.all(Array.from({ length: Math.min(size, count - i) }, (_, j) => make(i + j)))),
    );
  }
  return out;
}

const ms = (v: number) => `${v.toFixed(1)} ms`;
const total = (xs: number[]) => xs.reduce((a, b) => a + b, 0);

/** Starts N PCs, makes `changes` updates through the writer's core and prints the three figures. */
export async function runPcs(
  n: number,
  mode: Mode,
  changes: number,
  writer: KeyroomCore,
  entryIds: string[],
  ctx: PcsContext,
  vaultSize: number,
): Promise<void> {
  const t = performance.now();
  const probes = await inBatches(n, 10, (i) => probe(i, mode, ctx));
  const setup = performance.now() - t;
  await new Promise((r) => setTimeout(r, 1000));
  const e2e: number[] = [];
  const server: number[] = [];
  const client: number[] = [];
  const clientWall: number[] = [];
  const sums: number[] = [];
  const wallSums: number[] = [];
  const writes: number[] = [];
  let missed = 0;
  const cpu = process.cpuUsage();
  for (let c = 0; c < changes; c++) {
    const id = entryIds[c % entryIds.length]!;
    const base = writer.vault.get(id).version;
    const tgt: Target = {
      id,
      version: base + 1,
      sentAt: performance.now(),
      served: new Map(),
      visible: new Map(),
      clientCpu: new Map(),
      clientWall: new Map(),
    };
    target = tgt;
    await writer.vault.update(id, base, { title: `Bench ${c} changed`, password: `changed-${c}` });
    const committed = performance.now();
    const until = performance.now() + 30_000;
    while (tgt.visible.size < n && performance.now() < until) await new Promise((r) => setTimeout(r, 5));
    target = null;
    writes.push(committed - tgt.sentAt);
    for (const at of tgt.visible.values()) e2e.push(at - tgt.sentAt);
    for (const at of tgt.served.values()) server.push(at - committed);
    client.push(...tgt.clientCpu.values());
    clientWall.push(...tgt.clientWall.values());
    sums.push(total([...tgt.clientCpu.values()]));
    wallSums.push(total([...tgt.clientWall.values()]));
    missed += n - tgt.visible.size;
  }
  const used = process.cpuUsage(cpu);
  const processPerChange = (used.user + used.system) / 1000 / changes;
  const label =
    mode === 'delta' ? 'delta (poke + pull by seq)' : `full re-download of ${vaultSize} per change`;
  const mean = (xs: number[]) => total(xs) / Math.max(1, xs.length);
  const e = summarize(e2e);
  const s = summarize(server);
  const k = summarize(client);
  console.log(`${n} PCs, ${label}, ${changes} changes${missed ? `, missed=${missed}` : ''}:`);
  console.log(`  ${formatMs('end-to-end, update sent -> visible decrypted on each PC', e2e)}`);
  console.log(`  ${formatMs('server, update answered -> each PC pull answered', server)}`);
  console.log(`  ${formatMs('client CPU per PC per change, decrypt + verify + apply', client)}`);
  console.log(`  ${formatMs('  the same sections in wall time', clientWall)}`);
  console.log(
    `  client CPU sum over ${n} PCs per change: mean=${ms(mean(sums))} max=${ms(Math.max(...sums))} (wall mean=${ms(mean(wallSums))}); process CPU per change, stack and all PCs: ${ms(processPerChange)}, ${(processPerChange / n).toFixed(1)} ms per PC`,
  );
  console.log(
    `  ratios: server p99 / end-to-end p99 = ${(s.p99 / e.p99).toFixed(2)}; client CPU sum / process CPU = ${(mean(sums) / processPerChange).toFixed(2)}; client CPU sum / end-to-end max = ${(mean(sums) / e.max).toFixed(2)}; client CPU p50 / end-to-end p50 = ${(k.p50 / e.p50).toFixed(3)}`,
  );
  console.log(`  ${formatMs("writer's update round trip", writes)}; setup ${(setup / 1000).toFixed(1)} s`);
  await inBatches(probes.length, 50, (i) => probes[i]!.stop());
}
