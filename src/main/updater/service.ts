// Keeps the app up to date through electron-updater: checks at start and every 4 hours, downloads in the
// background and offers "restart to update". When the office policy requires a newer version (below
// client_policy.min_version, or a critical release), it takes the forced path: the renderer shows the blocking
// update screen, the update downloads at once with its progress reported, and the app restarts into it.

import type { UpdateStatus } from '../../shared/domain';
import { compareSemver, isSemver } from '../../shared/semver';
import type { TimerPort } from '../clipboard-guard';
import type { EmitEvent } from '../events';
import type { Updater } from '../handlers/os';
import { decideUpdate, type UpdatePolicyInput } from '../update-policy';
import type { FeedOptions, UpdateInfoLike, UpdaterPort } from './port';

export const CHECK_EVERY_MS = 4 * 60 * 60 * 1000;
/** While an update is required but not downloaded yet, a failed check or download is retried this often. */
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
  /** Overrides the feed electron-builder baked into the app (app-update.yml), e.g. from the office config. */
  feed?: FeedOptions;
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

export class UpdateService implements Updater {
  readonly #o: Required<Omit<UpdateServiceOptions, 'feed'>> & Pick<UpdateServiceOptions, 'feed'>;
  /** Newest version the feed offers above the running one. */
  #offered: { version: string; notes: string } | undefined;
  #downloaded: string | undefined;
  /** Version the policy requires, when it requires one. */
  #required: { version: string; notes: string } | undefined;
  #percent: number | null = null;
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
    u.on('error', (e) => this.#o.onError(`update failed: ${e.message}`));
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

  /** Applies client_policy as the server sent it (at start, and on every policy change). */
  applyPolicy(policy: UpdatePolicy): void {
    const decision = decideUpdate(this.#o.running, policy);
    if (decision.kind !== 'required') {
      this.#required = undefined;
      return;
    }
    this.#required = { version: decision.version, notes: policy.releaseNotes.slice(0, NOTES_MAX) };
    this.#emitRequired();
    if (atLeast(this.#downloaded, decision.version)) this.#install();
    else void this.check();
  }

  status(): UpdateStatus {
    if (this.#required) {
      const { version, notes } = this.#required;
      return {
        kind: 'required',
        version,
        releaseNotes: notes,
        downloaded: atLeast(this.#downloaded, version),
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
      // The forced path does not wait for the background download to be scheduled: it asks for it now.
      // electron-updater returns the running download when there is one.
      if (this.#required && !atLeast(this.#downloaded, this.#required.version) && this.#offered) {
        await this.#o.updater.downloadUpdate();
      }
    } catch (e) {
      this.#o.onError(`update check failed: ${e instanceof Error ? e.message : 'unknown error'}`);
    }
  }

  #schedule(): void {
    if (this.#installing) return;
    if (this.#timer !== undefined) this.#o.timers.clearTimeout(this.#timer);
    const forced = this.#required !== undefined && !atLeast(this.#downloaded, this.#required.version);
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
    if (!this.#required) {
      this.#o.emit('updateAvailable', {
        version: info.version,
        releaseNotes: this.#offered.notes,
        downloaded: false,
      });
    }
  }

  #onProgress(percent: number): void {
    this.#percent = Number.isFinite(percent) ? Math.min(100, Math.max(0, percent)) : null;
    if (this.#required) this.#emitRequired();
  }

  #onDownloaded(info: UpdateInfoLike): void {
    if (!isSemver(info.version) || compareSemver(info.version, this.#o.running) <= 0) return;
    this.#downloaded = info.version;
    this.#offered = { version: info.version, notes: this.#offered?.notes ?? notesOf(info) };
    if (this.#required) {
      if (atLeast(info.version, this.#required.version)) {
        this.#percent = 100;
        this.#emitRequired();
        this.#install();
      } else {
        // The feed does not carry the required version yet: stay on the update screen and keep trying.
        this.#o.onError(
          `the update feed offers ${info.version}, below the required ${this.#required.version}`,
        );
      }
      return;
    }
    this.#o.emit('updateAvailable', {
      version: info.version,
      releaseNotes: this.#offered.notes,
      downloaded: true,
    });
  }

  #emitRequired(): void {
    if (!this.#required) return;
    this.#o.emit('updateRequired', {
      running: this.#o.running,
      required: this.#required.version,
      downloadPercent: this.#percent,
      at: this.#o.now().toISOString(),
    });
  }

  #install(): void {
    if (this.#installing) return;
    this.#installing = true;
    this.stop();
    // Silent on the forced path and on "restart to update" alike: the user already chose (or the office did);
    // run the new version afterwards.
    this.#o.updater.quitAndInstall(true, true);
  }
}
