// Serves the built renderer over http the way the app:// protocol serves it in Electron: the same handler, so the
// same path confinement, MIME map and Content-Security-Policy header. index.html gets one extra classic script,
// the bridge shim, which runs before the renderer's module script (module scripts are deferred).
import { fileURLToPath } from 'node:url';
import * as esbuild from 'esbuild';
import { createAppProtocolHandler } from '../../src/main/app-protocol';
import { APP_ORIGIN } from '../../src/main/sender';
import { SHIM_PATH } from './protocol';

export type StaticHandler = (method: string, path: string) => Promise<Response>;

export async function bundleShim(): Promise<string> {
  const result = await esbuild.build({
    entryPoints: [fileURLToPath(new URL('./shim.ts', import.meta.url))],
    bundle: true,
    write: false,
    format: 'iife',
    platform: 'browser',
    target: 'chrome120',
    minify: true,
    logLevel: 'silent',
  });
  const file = result.outputFiles[0];
  if (!file) throw new Error('the preview shim did not bundle');
  return file.text;
}

export function injectShim(html: string): string {
  const tag = `<script src=".${SHIM_PATH}"></script>`;
  const at = html.indexOf('<script');
  if (at < 0) throw new Error('index.html has no script tag to put the preview shim before');
  return `${html.slice(0, at)}${tag}\n    ${html.slice(at)}`;
}

export function createStaticHandler(rendererDir: string, shim: string): StaticHandler {
  const appProtocol = createAppProtocolHandler(rendererDir);
  return async (method, path) => {
    const pathname = new URL(path, 'http://preview').pathname;
    const response = await appProtocol(new Request(`${APP_ORIGIN}${pathname}`, { method }));
    if (pathname === SHIM_PATH && (method === 'GET' || method === 'HEAD')) {
      const headers = new Headers(response.headers);
      headers.set('Content-Type', 'text/javascript; charset=utf-8');
      return new Response(method === 'HEAD' ? null : shim, { status: 200, headers });
    }
    const isIndex = pathname === '/' || pathname === '/index.html';
    if (!isIndex || response.status !== 200 || method === 'HEAD') return response;
    return new Response(injectShim(await response.text()), { status: 200, headers: response.headers });
  };
}
