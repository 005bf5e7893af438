// The proxy sign-in prompt: a small modal window over Keyroom's, with the proxy and its realm shown and a user
// name and password asked. Native dialogs have no text field, and a dialog in Keyroom's own renderer would put
// the proxy password through the app's IPC contract, its handlers and the main window's process. This window has
// no preload and no bridge at all, is sandboxed and isolated like the app's (window-hardening.ts), lives in an
// in-memory session (nothing written to disk), and its page only sets its title to "submit" or "cancel"; the
// main process then reads the two fields with executeJavaScript. The password goes from the field into
// ProxyLogin's memory and nowhere else: it is never in a URL, an IPC message of the app, or a log.
import { BrowserWindow } from 'electron';
import { z } from 'zod';
import { installWindowGuards, secureWebPreferences } from '../window-hardening';
import type { AskForProxySignIn, ProxyCredentials } from './proxy-login';
import { CANCEL, promptPage, SUBMIT } from './proxy-login-page';

const Fields = z.tuple([z.string().max(1024), z.string().max(1024)]);

/** Asks in a modal window over `parent` (the app's window, when open). */
export function windowAsk(parent: () => BrowserWindow | null): AskForProxySignIn {
  return (prompt) =>
    new Promise<ProxyCredentials | null>((resolve) => {
      const owner = parent();
      // biome-ignore format: electronegativity reads its exception on the flagged line itself
      const win = new BrowserWindow({ // eng-disable AUXCLICK_JS_CHECK CONTEXT_ISOLATION_JS_CHECK SANDBOX_JS_CHECK webPreferences come from secureWebPreferences and installWindowGuards denies new windows
        width: 380,
        height: prompt.refused ? 290 : 260,
        resizable: false,
        minimizable: false,
        maximizable: false,
        fullscreenable: false,
        ...(owner ? { parent: owner, modal: true } : {}),
        title: 'Proxy sign-in',
        autoHideMenuBar: true,
        backgroundColor: '#16181d',
        show: false,
        // No "persist:" prefix: an in-memory session, so nothing of this page reaches the disk.
        webPreferences: secureWebPreferences(undefined, 'keyroom-proxy-login'),
      });
      installWindowGuards(win.webContents, win.webContents.session);
      win.removeMenu();
      let done = false;
      const finish = (answer: ProxyCredentials | null) => {
        if (done) return;
        done = true;
        resolve(answer);
        if (!win.isDestroyed()) win.destroy();
      };
      win.on('page-title-updated', (event, title) => {
        event.preventDefault();
        if (title === CANCEL) finish(null);
        if (title !== SUBMIT) return;
        win.webContents
          .executeJavaScript(`[document.getElementById('u').value, document.getElementById('p').value]`)
          .then((value: unknown) => {
            const fields = Fields.safeParse(value);
            finish(
              fields.success && fields.data[0] !== ''
                ? { username: fields.data[0], password: fields.data[1] }
                : null,
            );
          })
          .catch(() => finish(null));
      });
      win.once('ready-to-show', () => win.show());
      win.on('closed', () => finish(null));
      void win
        .loadURL(`data:text/html;charset=utf-8,${encodeURIComponent(promptPage(prompt))}`)
        .catch(() => finish(null));
    });
}
