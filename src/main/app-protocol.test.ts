import { mkdir, mkdtemp, rm, symlink, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { CONTENT_SECURITY_POLICY, createAppProtocolHandler } from './app-protocol';

let dir: string;
let serve: (request: Request) => Promise<Response>;

beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), 'keyroom-protocol-'));
  const root = join(dir, 'renderer');
  await mkdir(join(root, 'assets'), { recursive: true });
  await writeFile(join(root, 'index.html'), '<!doctype html><title>Keyroom</title>');
  await writeFile(join(root, 'app.js'), 'console.log(1)');
  await writeFile(join(root, 'assets', 'app.css'), 'body{}');
  await writeFile(join(root, 'notes.xyz'), 'unknown type');
  await writeFile(join(dir, 'secret.txt'), 'outside the renderer');
  await symlink(join(dir, 'secret.txt'), join(root, 'link.txt'));
  serve = createAppProtocolHandler(root);
});

afterAll(async () => {
  await rm(dir, { recursive: true, force: true });
});

describe('app:// protocol', () => {
  it('serves index.html at the root with the strict CSP and nosniff', async () => {
    const res = await serve(new Request('app://keyroom/'));
    expect(res.status).toBe(200);
    expect(res.headers.get('content-type')).toBe('text/html; charset=utf-8');
    expect(res.headers.get('content-security-policy')).toBe(CONTENT_SECURITY_POLICY);
    expect(res.headers.get('x-content-type-options')).toBe('nosniff');
    expect(await res.text()).toContain('<title>Keyroom</title>');
  });

  it('gives scripts and styles their MIME types', async () => {
    expect((await serve(new Request('app://keyroom/app.js'))).headers.get('content-type')).toMatch(
      /^text\/javascript/,
    );
    expect((await serve(new Request('app://keyroom/assets/app.css'))).headers.get('content-type')).toMatch(
      /^text\/css/,
    );
  });

  it('never leaves the renderer folder', async () => {
    for (const url of [
      'app://keyroom/../secret.txt',
      'app://keyroom/%2e%2e/secret.txt',
      'app://keyroom/assets/%2e%2e%2f%2e%2e%2fsecret.txt',
      'app://keyroom/..%5csecret.txt',
      'app://keyroom/link.txt',
      'app://keyroom/%00index.html',
      'app://keyroom/%E0%A4%A',
    ]) {
      const res = await serve(new Request(url));
      expect(res.status, url).toBe(404);
      expect(await res.text(), url).not.toContain('outside the renderer');
    }
  });

  it('refuses other hosts, unknown types, missing files and non-GET methods', async () => {
    expect((await serve(new Request('app://other/index.html'))).status).toBe(404);
    expect((await serve(new Request('app://keyroom/notes.xyz'))).status).toBe(404);
    expect((await serve(new Request('app://keyroom/missing.js'))).status).toBe(404);
    expect((await serve(new Request('app://keyroom/index.html', { method: 'POST', body: 'x' }))).status).toBe(
      405,
    );
  });

  it('the CSP allows no inline script, no eval, no remote content and no framing', () => {
    expect(CONTENT_SECURITY_POLICY).toContain("default-src 'none'");
    expect(CONTENT_SECURITY_POLICY).toContain("script-src 'self'");
    expect(CONTENT_SECURITY_POLICY).not.toMatch(/unsafe-inline|unsafe-eval|https?:|\*/);
    expect(CONTENT_SECURITY_POLICY).toContain("frame-ancestors 'none'");
  });
});
