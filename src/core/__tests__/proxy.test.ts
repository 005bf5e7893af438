// An office behind a real HTTP proxy (Debian's tinyproxy on loopback), with the proxy variables set and
// NO_PROXY empty. The office server sits behind a gate that only lets in connections from 127.0.0.2, the
// address tinyproxy connects out from: a PC that went around the proxy would be refused and counted there.
import { afterAll, beforeAll, expect, it } from 'vitest';
import { Tinyproxy } from '../../../scripts/test/tinyproxy';
import { envNetwork } from '../backend/network/network';
import type { SyncStatus } from '../index';
import { Cable, Office, type Pc, SLOW, STARTUP, until, waitFor } from './office';

const PROXY_SOURCE = '127.0.0.2';
const POLL_MS = 2_000;

let proxy: Tinyproxy;
let gate: Cable;
let office: Office;
let admin: Pc;
let emp: Pc;
let vaultId: string;
const gatePort = () => new URL(gate.url).port;

beforeAll(async () => {
  proxy = await Tinyproxy.start({ bind: PROXY_SOURCE });
  const env = { HTTP_PROXY: proxy.url, HTTPS_PROXY: proxy.url, NO_PROXY: '' };
  office = await Office.start('pglite', { pollMs: POLL_MS, network: envNetwork(env) });
  gate = await Cable.to(office.stack.url, { onlyFrom: PROXY_SOURCE });
}, STARTUP);

afterAll(async () => {
  await office?.stop();
  await gate?.close();
  await proxy?.stop();
});

it(
  'through the proxy: two PCs see each other’s change live, tinyproxy logged the REST calls and both sockets’ CONNECT, nothing went direct',
  async () => {
    admin = await office.firstAdmin('boss@office.test', gate.url);
    emp = await office.colleague(admin, 'emp@office.test', 'member', gate.url);
    vaultId = admin.core.vaults()[0]!.id;
    await until(() => emp.core.syncStatus.live && admin.core.syncStatus.live, 30_000);

    const seen = waitFor(emp.core, 'entriesChanged', (e) => e.changes.some((c) => c.op === 'upsert'), 10_000);
    const wifi = await admin.core.vault.create(vaultId, { title: 'Wi-Fi', password: 'pw-1' });
    await seen;
    expect(emp.core.vault.get(wifi.id).title).toBe('Wi-Fi');
    const back = waitFor(admin.core, 'entriesChanged', (e) => e.changes.some((c) => c.by !== null), 10_000);
    const printer = await emp.core.vault.create(vaultId, { title: 'Printer', password: 'toner' });
    await back;
    expect(admin.core.vault.get(printer.id).title).toBe('Printer');

    const log = await proxy.log();
    const at = `http://127.0.0.1:${gatePort()}`;
    expect(log).toContain(`POST ${at}/auth/v1/token`);
    expect(log).toContain(`GET ${at}/rest/v1/entries`);
    expect(log).toContain(`POST ${at}/rest/v1/entries`);
    expect(log).toContain(`POST ${at}/functions/v1/admin-users`);
    expect(log.split(`CONNECT 127.0.0.1:${gatePort()} `).length - 1).toBeGreaterThanOrEqual(2);
    expect(gate.refused).toEqual([]);

    expect(await emp.core.route()).toEqual({ kind: 'proxy', host: `127.0.0.1:${proxy.port}` });
    expect(await emp.core.testConnection()).toMatchObject({ failed: null, live: 'ok' });
  },
  SLOW,
);

it(
  'the proxy stopped: the PC goes offline, keeps reading its cache, and never goes around the proxy',
  async () => {
    await proxy.stop();
    await emp.core.syncNow().catch(() => {});
    await until(() => emp.core.syncStatus.connection === 'offline', 15_000);
    const titles = emp.core.vault.list().map((e) => e.title);
    expect(titles).toEqual(expect.arrayContaining(['Wi-Fi', 'Printer']));
    const report = await emp.core.testConnection();
    expect(report.failed).toBe('proxy');
    expect(report.message).toMatch(/does not answer/);
    // A few poll beats and socket retries later, still nothing reached the server except through the proxy.
    await new Promise((r) => setTimeout(r, 2 * POLL_MS));
    expect(gate.refused).toEqual([]);
  },
  SLOW,
);

it(
  'WebSockets refused by the proxy: the PC stays online, says why, and updates arrive by polling',
  async () => {
    // Same address as before; CONNECT only to port 443, so the socket's tunnel to the office is refused.
    proxy = await Tinyproxy.start({ bind: PROXY_SOURCE, port: proxy.port, connectPorts: [443] });
    const states: SyncStatus[] = [];
    const off = emp.core.events.on('syncState', (s) => states.push(s));
    try {
      await until(
        () => emp.core.syncStatus.connection === 'online' && emp.core.syncStatus.liveBlocked,
        30_000,
      );
      const from = states.length;
      const arrived = waitFor(emp.core, 'entriesChanged', (e) => e.changes.length > 0, 4 * POLL_MS);
      const vpn = await admin.core.vault.create(vaultId, { title: 'VPN', password: 'tunnel' });
      await arrived;
      expect(emp.core.vault.get(vpn.id).title).toBe('VPN');
      // Polling, not offline, all along.
      expect(states.slice(from).map((s) => s.connection)).not.toContain('offline');
      expect(emp.core.syncStatus).toMatchObject({ connection: 'online', live: false, liveBlocked: true });
    } finally {
      off();
    }
    const report = await emp.core.testConnection();
    expect(report).toMatchObject({ failed: null, live: 'blocked' });
    expect(report.message).toMatch(/live updates are blocked by the network/);
    expect(await proxy.log()).toMatch(/Refused CONNECT method on port \d+/);
    expect(gate.refused).toEqual([]);
  },
  SLOW,
);
