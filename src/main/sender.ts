// IPC sender checks: only our own UI, in the window's main frame, may call the main process. An iframe or a
// page that somehow got navigated elsewhere is refused before any handler runs.

export const APP_SCHEME = 'app';
export const APP_HOST = 'keyroom';
export const APP_ORIGIN = `${APP_SCHEME}://${APP_HOST}`;

export interface FrameLike {
  readonly url: string;
}

export interface IpcEventLike {
  readonly senderFrame: FrameLike | null;
  readonly sender: { readonly mainFrame: FrameLike };
}

// Compares scheme and host instead of URL.origin: WHATWG URL gives custom schemes an opaque "null" origin.
export function isAppUrl(raw: string): boolean {
  let url: URL;
  try {
    url = new URL(raw);
  } catch {
    return false;
  }
  return (
    url.protocol === `${APP_SCHEME}:` && url.host === APP_HOST && url.username === '' && url.password === ''
  );
}

export function isTrustedSender(event: IpcEventLike): boolean {
  const frame = event.senderFrame;
  if (frame === null) return false; // the frame navigated away or was destroyed while the call was in flight
  if (frame !== event.sender.mainFrame) return false;
  return isAppUrl(frame.url);
}
