// The proxy sign-in prompt's page (shown by proxy-login-window.ts): the form, its one script allowed by hash, and
// the proxy's realm shown as text. The page tells the main process only "submit" or "cancel", by its title.
import { createHash } from 'node:crypto';
import type { ProxyPrompt } from './proxy-login';

export const SUBMIT = 'keyroom-proxy-login:submit';
export const CANCEL = 'keyroom-proxy-login:cancel';

/** The realm is the proxy's own text: shown as text, never as markup. */
function escapeHtml(s: string): string {
  return s.replace(/[&<>"']/g, (c) => `&#${c.charCodeAt(0)};`);
}

const SCRIPT = `document.getElementById('f').addEventListener('submit',(e)=>{e.preventDefault();document.title='${SUBMIT}';});
document.getElementById('c').addEventListener('click',()=>{document.title='${CANCEL}';});
document.addEventListener('keydown',(e)=>{if(e.key==='Escape')document.title='${CANCEL}';});
document.getElementById('u').focus();`;

/** The prompt page: no network, no other script than its own (CSP by hash), nothing but the form. */
export function promptPage(prompt: ProxyPrompt): string {
  const hash = createHash('sha256').update(SCRIPT).digest('base64');
  const realm = prompt.realm.slice(0, 200);
  return `<!doctype html><html><head><meta charset="utf-8">
<meta http-equiv="Content-Security-Policy" content="default-src 'none'; style-src 'unsafe-inline'; script-src 'sha256-${hash}'; form-action 'none'">
<title>Proxy sign-in</title>
<style>body{font:14px system-ui,sans-serif;margin:16px;background:#16181d;color:#e6e6e6}label{display:block;margin:8px 0 2px}
input{width:100%;box-sizing:border-box;padding:6px}p{margin:0 0 8px}.refused{color:#ff8a80}.row{margin-top:14px;text-align:right}
button{padding:6px 14px;margin-left:8px}</style></head><body>
<p>The proxy <b>${escapeHtml(prompt.proxy)}</b> asks for a sign-in${realm ? ` (“${escapeHtml(realm)}”)` : ''}.</p>
${prompt.refused ? '<p class="refused">The proxy did not accept that user name and password.</p>' : ''}
<form id="f" autocomplete="off"><label for="u">User name</label><input id="u" autocomplete="off" spellcheck="false">
<label for="p">Password</label><input id="p" type="password" autocomplete="off">
<div class="row"><button type="button" id="c">Cancel</button><button type="submit">Sign in</button></div></form>
<script>${SCRIPT}</script></body></html>`;
}
