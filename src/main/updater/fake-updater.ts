// For tests and the browser preview: stands in for electron-updater's autoUpdater (the Electron binary and an
// update feed are not available here). It behaves like the real one in what the service relies on: a check announces a newer
// version on the feed, a download reports progress then "downloaded", a second download request while one runs
// returns the same download, and nothing is offered when the feed is not newer.
import { compareSemver } from '../../shared/semver';
import type { FeedOptions, UpdateInfoLike, UpdaterPort } from './port';

type Listener = (arg: never) => void;

export class FakeUpdater implements UpdaterPort {
  autoDownload = false;
  autoInstallOnAppQuit = false;
  allowDowngrade = true;
  feedVersion: string | null = null;
  feed: FeedOptions | undefined;
  failChecks = 0;
  /** False: a development build, where electron-updater answers null and never asks a feed. */
  active = true;
  checks = 0;
  downloads = 0;
  installs: Array<[boolean | undefined, boolean | undefined]> = [];
  readonly #listeners = new Map<string, Listener[]>();
  #download: Promise<void> | undefined;

  constructor(private readonly running: string) {}

  on(event: string, listener: Listener): this {
    this.#listeners.set(event, [...(this.#listeners.get(event) ?? []), listener]);
    return this;
  }

  #emit(event: string, arg: unknown): void {
    for (const l of this.#listeners.get(event) ?? []) (l as (a: unknown) => void)(arg);
  }

  setFeedURL(options: FeedOptions): void {
    this.feed = options;
  }

  async checkForUpdates(): Promise<{ updateInfo: UpdateInfoLike } | null> {
    if (!this.active) return null;
    this.checks++;
    if (this.failChecks > 0) {
      this.failChecks--;
      const error = new Error('net::ERR_INTERNET_DISCONNECTED');
      this.#emit('error', error);
      throw error;
    }
    // Like electron-updater 6: the feed's latest version is answered even when it is not newer.
    const version = this.feedVersion ?? this.running;
    const info: UpdateInfoLike = { version, releaseNotes: `Notes for ${version}` };
    if (compareSemver(version, this.running) <= 0) return { updateInfo: info };
    this.#emit('update-available', info);
    if (this.autoDownload) void this.downloadUpdate();
    return { updateInfo: info };
  }

  downloadUpdate(): Promise<unknown> {
    const version = this.feedVersion;
    if (version === null) return Promise.reject(new Error('Please check update first'));
    this.#download ??= (async () => {
      this.downloads++;
      for (const percent of [25, 75]) {
        await Promise.resolve();
        this.#emit('download-progress', { percent });
      }
      await Promise.resolve();
      this.#emit('update-downloaded', { version, releaseNotes: `Notes for ${version}` });
    })().finally(() => {
      this.#download = undefined;
    });
    return this.#download;
  }

  quitAndInstall(isSilent?: boolean, isForceRunAfter?: boolean): void {
    this.installs.push([isSilent, isForceRunAfter]);
  }
}
