import { describe, expect, it } from 'vitest';
import type { EventName } from '../../shared/channels';
import type { EventPayload } from '../../shared/contract';
import { createEventEmitter } from '../events';
import { FakeUpdater } from './fake-updater';
import { CHECK_EVERY_MS, FORCED_RETRY_MS, type UpdatePolicy, UpdateService } from './service';

class ManualTimers {
  pending = new Map<number, { fn: () => void; ms: number }>();
  #next = 1;
  setTimeout(fn: () => void, ms: number): unknown {
    const id = this.#next++;
    this.pending.set(id, { fn, ms });
    return id;
  }
  clearTimeout(handle: unknown): void {
    this.pending.delete(handle as number);
  }
  delays(): number[] {
    return [...this.pending.values()].map((t) => t.ms);
  }
  /** Fires every pending timer once. */
  fire(): void {
    const due = [...this.pending.values()];
    this.pending.clear();
    for (const t of due) t.fn();
  }
}

const settle = () => new Promise((resolve) => setTimeout(resolve, 0));

function setup(running = '1.0.0') {
  const updater = new FakeUpdater(running);
  const timers = new ManualTimers();
  const events: Array<{ name: EventName; payload: unknown }> = [];
  // The real emitter validates every payload against the IPC contract before it would reach a window.
  const emit = createEventEmitter(() => [
    {
      isDestroyed: () => false,
      send: (channel: string, payload: unknown) =>
        events.push({ name: channel.replace(/^.*:/, '') as EventName, payload }),
    },
  ]);
  const errors: string[] = [];
  const service = new UpdateService({
    updater,
    running,
    emit,
    timers,
    now: () => new Date('2026-11-25T13:00:00Z'),
    onError: (m) => errors.push(m),
    feed: { provider: 'generic', url: 'https://updates.office.test/keyroom' },
  });
  return { updater, timers, events, errors, service };
}

const policy = (over: Partial<UpdatePolicy>): UpdatePolicy => ({
  minVersion: null,
  latestVersion: null,
  critical: false,
  releaseNotes: 'Security fix',
  ...over,
});

const payloads = <E extends EventName>(events: Array<{ name: EventName; payload: unknown }>, name: E) =>
  events.filter((e) => e.name === name).map((e) => e.payload as EventPayload<E>);

describe('UpdateService with a stand-in for electron-updater (Electron binary not available here)', () => {
  it('checks at start and every 4 h, downloads in the background and installs only on "restart to update"', async () => {
    const { updater, timers, events, service } = setup();
    service.start();
    expect(updater).toMatchObject({ autoDownload: true, autoInstallOnAppQuit: true, allowDowngrade: false });
    expect(updater.feed).toEqual({ provider: 'generic', url: 'https://updates.office.test/keyroom' });
    await settle();
    expect(updater.checks).toBe(1);
    expect(service.status()).toEqual({ kind: 'none' });
    expect(timers.delays()).toEqual([CHECK_EVERY_MS]);

    updater.feedVersion = '1.1.0';
    timers.fire();
    await settle();
    expect(updater.checks).toBe(2);
    expect(payloads(events, 'updateAvailable')).toEqual([
      { version: '1.1.0', releaseNotes: 'Notes for 1.1.0', downloaded: false },
      { version: '1.1.0', releaseNotes: 'Notes for 1.1.0', downloaded: true },
    ]);
    expect(service.status()).toEqual({
      kind: 'available',
      version: '1.1.0',
      releaseNotes: 'Notes for 1.1.0',
      downloaded: true,
    });
    expect(updater.installs).toEqual([]);
    expect(timers.delays()).toEqual([CHECK_EVERY_MS]);
    await service.restartToUpdate();
    expect(updater.installs).toEqual([[true, true]]);
    expect(timers.pending.size).toBe(0);
  });

  it('refuses "restart to update" before anything was downloaded', async () => {
    const { updater, service } = setup();
    service.start();
    await settle();
    await expect(service.restartToUpdate()).rejects.toThrow(/no update/);
    expect(updater.installs).toEqual([]);
  });

  it('forced path: blocks at once, downloads immediately with progress and restarts into the required version', async () => {
    const { updater, events, service } = setup();
    service.start();
    await settle();
    // The policy arrives; the forced path asks for the download itself rather than relying on auto-download.
    updater.autoDownload = false;
    updater.feedVersion = '1.2.0';
    service.applyPolicy(policy({ minVersion: '1.2.0', latestVersion: '1.2.0' }));
    expect(service.status()).toMatchObject({ kind: 'required', version: '1.2.0', downloaded: false });
    await settle();
    expect(updater.downloads).toBe(1);
    const required = payloads(events, 'updateRequired');
    expect(required.map((p) => p.downloadPercent)).toEqual([null, 25, 75, 100]);
    expect(required[0]).toEqual({
      running: '1.0.0',
      required: '1.2.0',
      downloadPercent: null,
      error: null,
      at: '2026-11-25T13:00:00.000Z',
    });
    expect(updater.installs).toEqual([[true, true]]);
    expect(payloads(events, 'updateAvailable')).toEqual([]);
  });

  it('critical: installs at once, without asking, when the release was already downloaded in the background', async () => {
    const { updater, events, service } = setup();
    updater.feedVersion = '1.2.0';
    service.start();
    await settle();
    expect(service.status()).toMatchObject({ kind: 'available', version: '1.2.0', downloaded: true });
    expect(updater.installs).toEqual([]);
    service.applyPolicy(policy({ latestVersion: '1.2.0', critical: true }));
    expect(updater.installs).toEqual([[true, true]]);
    service.applyPolicy(policy({ latestVersion: '1.2.0', critical: true }));
    expect(updater.installs).toHaveLength(1);
    // Critical never blocks: no update screen at any point.
    expect(payloads(events, 'updateRequired')).toEqual([]);
  });

  it('critical: downloads at once and installs without asking as soon as downloaded, never blocking', async () => {
    const { updater, events, service } = setup();
    service.start();
    await settle();
    updater.autoDownload = false;
    updater.feedVersion = '1.3.0';
    service.applyPolicy(policy({ latestVersion: '1.3.0', critical: true }));
    expect(service.status().kind).not.toBe('required');
    await settle();
    expect(updater.downloads).toBe(1);
    expect(updater.installs).toEqual([[true, true]]);
    expect(payloads(events, 'updateRequired')).toEqual([]);
  });

  it('required with a failing feed: the screen gets the error in words, "retry" asks again, then it installs', async () => {
    const { updater, timers, events, service } = setup();
    service.start();
    await settle();
    updater.failChecks = 1;
    updater.feedVersion = '1.2.0';
    service.applyPolicy(policy({ minVersion: '1.2.0' }));
    await settle();
    const failed = service.status();
    expect(failed).toMatchObject({ kind: 'required', downloaded: false, downloadPercent: null });
    expect(failed.kind === 'required' && failed.error).toBe(
      'The update feed could not be read (net::ERR_INTERNET_DISCONNECTED).',
    );
    expect(payloads(events, 'updateRequired').at(-1)?.error).toMatch(/could not be read/);
    expect(timers.delays()).toEqual([FORCED_RETRY_MS]);
    await service.retry();
    await settle();
    expect(updater.installs).toEqual([[true, true]]);
    const last = payloads(events, 'updateRequired').at(-1);
    expect(last).toMatchObject({ downloadPercent: 100, error: null });
  });

  it('"download manually" opens the office\'s download page', async () => {
    const opened: string[] = [];
    const updater = new FakeUpdater('1.0.0');
    const service = new UpdateService({
      updater,
      running: '1.0.0',
      emit: () => {},
      timers: new ManualTimers(),
      manualDownload: {
        url: 'https://github.com/office/keyroom/releases/latest',
        open: async (u) => void opened.push(u),
      },
    });
    await service.downloadManually();
    expect(opened).toEqual(['https://github.com/office/keyroom/releases/latest']);
    const none = new UpdateService({ updater, running: '1.0.0', emit: () => {}, timers: new ManualTimers() });
    await expect(none.downloadManually()).rejects.toThrow(/no download page/);
  });

  it('feedLatest answers what the feed serves, newer or not, and refuses in words when it cannot tell', async () => {
    const { updater, service } = setup('1.5.0');
    expect(await service.feedLatest()).toBe('1.5.0');
    updater.feedVersion = '1.7.0';
    expect(await service.feedLatest()).toBe('1.7.0');
    updater.failChecks = 1;
    await expect(service.feedLatest()).rejects.toThrow(
      'The update feed could not be read (net::ERR_INTERNET_DISCONNECTED).',
    );
    // A feed file naming no version (damaged, or not ours) confirms nothing.
    updater.feedVersion = 'latest';
    await expect(service.feedLatest()).rejects.toThrow(/update feed/);
    updater.active = false;
    await expect(service.feedLatest()).rejects.toThrow(/not an installed build/);
  });

  it('stays on the update screen, saying the feed lacks the version, and retries every minute', async () => {
    const { updater, timers, service } = setup();
    updater.feedVersion = '1.1.0';
    service.start();
    service.applyPolicy(policy({ minVersion: '1.2.0' }));
    await settle();
    expect(updater.installs).toEqual([]);
    expect(service.status()).toMatchObject({
      kind: 'required',
      version: '1.2.0',
      downloaded: false,
      error: 'The update feed does not serve Keyroom 1.2.0 yet (it offers 1.1.0).',
    });
    expect(timers.delays()).toEqual([FORCED_RETRY_MS]);

    updater.feedVersion = '1.2.0';
    timers.fire();
    await settle();
    expect(updater.installs).toEqual([[true, true]]);
  });

  it('reports a failed check and retries: in 4 h normally, in a minute when an update is required', async () => {
    const { updater, timers, errors, service } = setup();
    updater.failChecks = 2;
    service.start();
    await settle();
    expect(errors.length).toBeGreaterThan(0);
    expect(timers.delays()).toEqual([CHECK_EVERY_MS]);
    service.applyPolicy(policy({ minVersion: '2.0.0' }));
    await settle();
    expect(timers.delays()).toEqual([FORCED_RETRY_MS]);
    updater.feedVersion = '2.0.0';
    timers.fire();
    await settle();
    expect(updater.installs).toEqual([[true, true]]);
  });

  it('ignores a feed that offers the running or an older version, and drops "required" when the policy relaxes', async () => {
    const { updater, events, service } = setup('1.5.0');
    updater.feedVersion = '1.4.0';
    service.start();
    await settle();
    expect(service.status()).toEqual({ kind: 'none' });
    service.applyPolicy(policy({ minVersion: '1.6.0' }));
    expect(service.status()).toMatchObject({ kind: 'required', version: '1.6.0' });
    service.applyPolicy(policy({ minVersion: '1.0.0', latestVersion: '1.6.0' }));
    expect(service.status()).toEqual({ kind: 'none' });
    expect(payloads(events, 'updateAvailable')).toEqual([]);
    expect(updater.installs).toEqual([]);
  });
});
