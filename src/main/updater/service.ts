// Keeps the app up to date through electron-updater: checks at start and every 4 hours, downloads in the
// background and offers "restart to update". The office policy forces two things (update-policy.ts):
// - a minimum version: the renderer blocks on the update screen, the update downloads at once with its progress
//   and any failure reported there (with "retry" and "download manually"), and the app restarts into it;
// - a critical release: nothing blocks, the update downloads at once and installs without asking as soon as it
//   is downloaded.
// It also answers what the office's feed serves, so the admin's app refuses a minimum (or a critical release)
// the feed cannot deliver (handlers/feed-guard.ts).

import type { UpdateStatus } from '../../shared/domain';
import { compareSemver, isSemver } from '../../shared/semver';
import type { TimerPort } from '../clipboard-guard';
import type { EmitEvent } from '../events';
import type { Updater } from '../handlers/os';
import { decideUpdate, type UpdatePolicyInput } from '../update-policy';
import { describeFeedError } from './feed';
import type { FeedOptions, UpdateInfoLike, UpdaterPort } from './port';

export const CHECK_EVERY_MS = 4 * 60 * 60 * 1000;
/** While an update is forced but not downloaded yet, a failed check or download is retried this often. */
export const FORCED_RETRY_MS = 60 * 1000;

const NOTES_MAX = 10_000;

export interface UpdateServiceOptions {
  updater: UpdaterPort;
  /** The running app version (app.getVersion()). */
  running: string;
  emit: EmitEvent;
  timers: TimerPort;
  now?: () => Date;
  /** Where a failed check or download is reported (the main-process log); messages carry no secrets. */
  onError?: (message: string) => void;
  /** The office's feed (office config, else the one electron-builder.json publishes to). */
  feed?: FeedOptions;
  /** The page a person downloads the installer from by hand, and how to open it (the OS browser). */
  manualDownload?: { url: string; open: (url: string) => Promise<void> };
}

export interface UpdatePolicy extends UpdatePolicyInput {
  releaseNotes: string;
}

function notesOf(info: UpdateInfoLike): string {
  const notes = info.releaseNotes;
  const text = typeof notes === 'string' ? notes : (notes ?? []).map((n) => n.note ?? '').join('\n\n');
  return text.slice(0, NOTES_MAX);
}

const atLeast = (version: string | undefined, target: string) =>
  version !== undefined && compareSemver(version, target) >= 0;

type Forced = { kind: 'required' | 'critical'; version: string; notes: string };

export class UpdateService implements Updater {
  readonly #o: Required<Omit<UpdateServiceOptions, 'feed' | 'manualDownload'>> &
    Pick<UpdateServiceOptions, 'feed' | 'manualDownload'>;
  /** Newest version the feed offers above the running one. */
  #offered: { version: string; notes: string } | undefined;
  #downloaded: string | undefined;
  /** What the policy forces, when it forces something. */
  #forced: Forced | undefined;
  #percent: number | null = null;
  /** The last failure since the last good check, in words for the update screen. */
  #error: string | null = null;
  #timer: unknown;
  #checking: Promise<void> | undefined;
  #installing = false;

  constructor(options: UpdateServiceOptions) {
    if (!isSemver(options.running)) throw new Error('running version is not a semantic version');
    this.#o = { now: () => new Date(), onError: () => {}, ...options };
  }

  /** Subscribes to the updater, checks now and then on schedule. */
  start(): void {
    const u = this.#o.updater;
    u.autoDownload = true;
    u.autoInstallOnAppQuit = true;
    // A feed must never move the office back to an older, maybe vulnerable, version.
    u.allowDowngrade = false;
    if (this.#o.feed) u.setFeedURL(this.#o.feed);
    u.on('update-available', (info) => this.#onAvailable(info));
    u.on('download-progress', (p) => this.#onProgress(p.percent));
    u.on('update-downloaded', (info) => this.#onDownloaded(info));
    u.on('error', (e) => this.#fail(e));
    void this.check();
  }

  stop(): void {
    if (this.#timer !== undefined) this.#o.timers.clearTimeout(this.#timer);
    this.#timer = undefined;
  }

  /** Asks the feed for a newer version (downloads start by themselves), then schedules the next check. */
  check(): Promise<void> {
    this.#checking ??= this.#check().finally(() => {
      this.#checking = undefined;
      this.#schedule();
    });
    return this.#checking;
  }

  retry(): Promise<void> {
    return this.check();
  }

  async downloadManually(): Promise<void> {
    const manual = this.#o.manualDownload;
    if (!manual) throw new Error('no download page is configured for this office');
    await manual.open(manual.url);
  }

  /**
   * The newest version the office's feed serves, asked now. Throws, in words, when the feed cannot be read or
   * this is not an installed build (electron-updater is inactive there and knows no feed).
   */
  async feedLatest(): Promise<string> {
    let result: { updateInfo: UpdateInfoLike } | null;
    try {
      result = await this.#o.updater.checkForUpdates();
    } catch (e) {
      throw new Error(describeFeedError(e));
    }
    if (!result) throw new Error('this Keyroom is not an installed build, so it has no update feed to ask');
    const version = result.updateInfo.version;
    if (!isSemver(version)) throw new Error('the update feed names no valid version');
    return version;
  }

  /** Applies client_policy as the server sent it (at start, and on every policy change). */
  applyPolicy(policy: UpdatePolicy): void {
    const decision = decideUpdate(this.#o.running, policy);
    if (decision.kind !== 'required' && decision.kind !== 'critical') {
      this.#forced = undefined;
      return;
    }
    const same = this.#forced?.kind === decision.kind && this.#forced.version === decision.version;
    this.#forced = { ...decision, notes: policy.releaseNotes.slice(0, NOTES_MAX) };
    if (atLeast(this.#downloaded, decision.version)) {
      this.#install();
      return;
    }
    this.#emitRequired();
    if (!same) void this.check();
  }

  status(): UpdateStatus {
    const f = this.#forced;
    if (f?.kind === 'required') {
      return {
        kind: 'required',
        version: f.version,
        releaseNotes: f.notes,
        downloaded: atLeast(this.#downloaded, f.version),
        downloadPercent: this.#percent,
        error: this.#error,
      };
    }
    if (this.#offered) {
      const { version, notes } = this.#offered;
      return { kind: 'available', version, releaseNotes: notes, downloaded: this.#downloaded === version };
    }
    return { kind: 'none' };
  }

  async restartToUpdate(): Promise<void> {
    if (this.#downloaded === undefined) throw new Error('no update has been downloaded yet');
    this.#install();
  }

  async #check(): Promise<void> {
    try {
      await this.#o.updater.checkForUpdates();
      // The forced paths do not wait for the background download to be scheduled: they ask for it now.
      // electron-updater returns the running download when there is one.
      const f = this.#forced;
      if (f && !atLeast(this.#downloaded, f.version)) {
        if (!this.#offered || !atLeast(this.#offered.version, f.version)) {
          // A feed that lacks the version: say so on the screen and keep trying, never a silent "preparing".
          this.#setError(
            `The update feed does not serve Keyroom ${f.version} yet (it offers ${this.#offered?.version ?? 'nothing newer than this PC runs'}).`,
          );
          return;
        }
        await this.#o.updater.downloadUpdate();
      }
      this.#setError(null);
    } catch (e) {
      this.#fail(e);
    }
  }

  #fail(e: unknown): void {
    const message = describeFeedError(e);
    this.#o.onError(`update failed: ${message}`);
    this.#setError(message);
  }

  #setError(message: string | null): void {
    if (this.#error === message) return;
    this.#error = message;
    this.#emitRequired();
  }

  #schedule(): void {
    if (this.#installing) return;
    if (this.#timer !== undefined) this.#o.timers.clearTimeout(this.#timer);
    const forced = this.#forced !== undefined && !atLeast(this.#downloaded, this.#forced.version);
    this.#timer = this.#o.timers.setTimeout(
      () => {
        this.#timer = undefined;
        void this.check();
      },
      forced ? FORCED_RETRY_MS : CHECK_EVERY_MS,
    );
  }

  #onAvailable(info: UpdateInfoLike): void {
    if (!isSemver(info.version) || compareSemver(info.version, this.#o.running) <= 0) return;
    this.#offered = { version: info.version, notes: notesOf(info) };
    if (this.#forced?.kind !== 'required') {
      this.#o.emit('updateAvailable', {
        version: info.version,
        releaseNotes: this.#offered.notes,
        downloaded: false,
      });
    }
  }

  #onProgress(percent: number): void {
    this.#percent = Number.isFinite(percent) ? Math.min(100, Math.max(0, percent)) : null;
    this.#emitRequired();
  }

  #onDownloaded(info: UpdateInfoLike): void {
    if (!isSemver(info.version) || compareSemver(info.version, this.#o.running) <= 0) return;
    this.#downloaded = info.version;
    this.#offered = { version: info.version, notes: this.#offered?.notes ?? notesOf(info) };
    const f = this.#forced;
    if (f && atLeast(info.version, f.version)) {
      this.#percent = 100;
      this.#error = null;
      this.#emitRequired();
      // Critical: installs without asking; required: the screen was blocking anyway.
      this.#install();
      return;
    }
    if (f?.kind === 'required') return;
    this.#o.emit('updateAvailable', {
      version: info.version,
      releaseNotes: this.#offered.notes,
      downloaded: true,
    });
  }

  #emitRequired(): void {
    if (this.#forced?.kind !== 'required') return;
    this.#o.emit('updateRequired', {
      running: this.#o.running,
      required: this.#forced.version,
      downloadPercent: this.#percent,
      error: this.#error,
      at: this.#o.now().toISOString(),
    });
  }

  #install(): void {
    if (this.#installing) return;
    this.#installing = true;
    this.stop();
    // Silent on the forced paths and on "restart to update" alike: the user already chose (or the office did);
    // run the new version afterwards.
    this.#o.updater.quitAndInstall(true, true);
  }
}
