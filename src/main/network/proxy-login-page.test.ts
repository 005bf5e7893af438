// The sign-in prompt's page: the proxy's realm is its own text and must not become markup or script there.
import { createHash } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { promptPage } from './proxy-login-page';

describe('the proxy sign-in page', () => {
  it('shows a hostile realm as text, allows only its own script, posts nowhere', () => {
    const page = promptPage({
      proxy: 'proxy.corp.example:3128',
      realm: '"><script>alert(1)</script><img src=x onerror=alert(2)>',
      refused: false,
    });
    expect(page).not.toContain('<script>alert');
    expect(page).not.toContain('<img');
    expect(page).toContain('&#60;script&#62;alert(1)');
    expect(page.match(/<script>/g)).toHaveLength(1);
    const script = /<script>([\s\S]*)<\/script>/.exec(page)?.[1] ?? '';
    const hash = createHash('sha256').update(script).digest('base64');
    expect(page).toContain(`script-src 'sha256-${hash}'`);
    expect(page).toContain("default-src 'none'");
    expect(page).toContain("form-action 'none'");
    expect(page).toContain('type="password"');
  });

  it('says when the previous answer was refused', () => {
    const p = { proxy: 'p:1', realm: '', refused: true };
    expect(promptPage(p)).toMatch(/did not accept/);
    expect(promptPage({ ...p, refused: false })).not.toMatch(/did not accept/);
  });
});
