// The slice of electron-updater's AppUpdater the update service drives. Injected, so the service runs under
// Node in tests (the Electron binary and a real update feed are not available here); electron.ts checks at
// compile time that the real autoUpdater fits it.

export interface UpdateInfoLike {
  version: string;
  releaseNotes?: string | ReadonlyArray<{ version: string; note: string | null }> | null;
}

export interface UpdaterPort {
  autoDownload: boolean;
  autoInstallOnAppQuit: boolean;
  allowDowngrade: boolean;
  setFeedURL(options: FeedOptions): void;
  /** What the feed serves now (null where the updater is inactive: a development build, not installed). */
  checkForUpdates(): Promise<{ updateInfo: UpdateInfoLike } | null>;
  downloadUpdate(): Promise<unknown>;
  quitAndInstall(isSilent?: boolean, isForceRunAfter?: boolean): void;
  on(event: 'update-available', listener: (info: UpdateInfoLike) => void): unknown;
  on(event: 'update-downloaded', listener: (info: UpdateInfoLike) => void): unknown;
  on(event: 'download-progress', listener: (progress: { percent: number }) => void): unknown;
  on(event: 'error', listener: (error: Error) => void): unknown;
}

/** A feed as electron-builder's `publish` setting names it (the two providers the office can use). */
export type FeedOptions =
  | { provider: 'generic'; url: string; channel?: string }
  | { provider: 'github'; owner: string; repo: string };
