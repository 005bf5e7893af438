// Proxy sign-in with Electron's login events simulated (no Electron binary here): what the person is asked, what
// Chromium gets back, and what is kept.
import { describe, expect, it } from 'vitest';
import { type ProxyChallenge, type ProxyCredentials, ProxyLogin, type ProxyPrompt } from './proxy-login';

const proxyChallenge: ProxyChallenge = {
  isProxy: true,
  scheme: 'basic',
  host: 'proxy.corp.example',
  port: 3128,
  realm: 'Corp proxy',
};
const ANSWER = { username: 'anna', password: 'S3cret-proxy!' };

function setup(answers: (ProxyCredentials | null)[]) {
  const asked: ProxyPrompt[] = [];
  const gaveUp: string[] = [];
  const login = new ProxyLogin({
    ask: async (p) => {
      asked.push(p);
      return answers.shift() ?? null;
    },
    onGiveUp: (m) => gaveUp.push(m),
  });
  /** One challenge; resolves with what Chromium's callback received. */
  const challenge = (info: ProxyChallenge = proxyChallenge) =>
    new Promise<unknown[]>((resolve) => {
      const handled = login.challenge(info, (...args) => resolve(args));
      if (!handled) resolve(['not handled']);
    });
  return { login, asked, gaveUp, challenge };
}

describe('answering a proxy’s sign-in challenge', () => {
  it('asks the person (proxy and realm shown) and gives Chromium the answer', async () => {
    const { asked, challenge } = setup([ANSWER]);
    expect(await challenge()).toEqual([ANSWER.username, ANSWER.password]);
    expect(asked).toEqual([{ proxy: 'proxy.corp.example:3128', realm: 'Corp proxy', refused: false }]);
  });

  it('a server’s own 401 (isProxy false) is not handled and prompts nobody', async () => {
    const { asked, challenge } = setup([ANSWER]);
    expect(await challenge({ ...proxyChallenge, isProxy: false })).toEqual(['not handled']);
    expect(asked).toEqual([]);
  });

  it('several requests challenged at once share one prompt', async () => {
    const { asked, challenge } = setup([ANSWER]);
    const all = await Promise.all([challenge(), challenge(), challenge()]);
    expect(all).toEqual(Array(3).fill([ANSWER.username, ANSWER.password]));
    expect(asked).toHaveLength(1);
  });

  it('after the proxy let requests through, a new challenge reuses the answer once without asking', async () => {
    const { login, asked, challenge } = setup([ANSWER]);
    await challenge();
    login.succeeded('proxy.corp.example', 3128);
    expect(await challenge()).toEqual([ANSWER.username, ANSWER.password]);
    expect(asked).toHaveLength(1);
  });

  it('a password typed for NTLM is never replayed as Basic: a challenge in another scheme asks again', async () => {
    const OTHER = { username: 'anna', password: 'basic-only' };
    const { login, asked, challenge } = setup([ANSWER, OTHER]);
    await challenge({ ...proxyChallenge, scheme: 'ntlm' });
    login.succeeded('proxy.corp.example', 3128);
    expect(await challenge()).toEqual([OTHER.username, OTHER.password]);
    expect(asked).toHaveLength(2);
  });

  it('refused answers are asked again at most twice, then it stops answering and says why', async () => {
    const wrong = { username: 'anna', password: 'typo' };
    const { login, asked, gaveUp, challenge } = setup([wrong, wrong, wrong, ANSWER]);
    for (let i = 0; i < 3; i++) expect(await challenge()).toEqual(['anna', 'typo']);
    expect(asked.map((a) => a.refused)).toEqual([false, true, true]);
    // The fourth challenge: no fourth prompt, Chromium gets no credentials.
    expect(await challenge()).toEqual([]);
    expect(asked).toHaveLength(3);
    expect(gaveUp).toHaveLength(1);
    expect(gaveUp[0]).toMatch(/did not accept .* offline/);
    expect(gaveUp[0]).not.toContain('typo');
    expect(login.stopped('proxy.corp.example', 3128)).toBe(true);
    // And it stays quiet for the rest of the run.
    expect(await challenge()).toEqual([]);
    expect(asked).toHaveLength(3);
    expect(login.basicCredentials('proxy.corp.example', 3128)).toBeNull();
  });

  it('Cancel answers Chromium without credentials and asks no more this run', async () => {
    const { asked, gaveUp, challenge } = setup([null, ANSWER]);
    expect(await challenge()).toEqual([]);
    expect(await challenge()).toEqual([]);
    expect(asked).toHaveLength(1);
    expect(gaveUp[0]).toMatch(/cancelled/);
  });

  it('a prompt that fails counts as Cancel, never as an answer', async () => {
    const login = new ProxyLogin({
      ask: async () => {
        throw new Error('window gone');
      },
      onGiveUp: () => {},
    });
    const got = await new Promise((r) => login.challenge(proxyChallenge, (...a) => r(a)));
    expect(got).toEqual([]);
  });

  it('keeps the answer in memory only: per proxy, Basic only for the socket’s tunnel, nothing on the object’s face', async () => {
    const { login, challenge } = setup([ANSWER, ANSWER]);
    await challenge();
    expect(login.basicCredentials('PROXY.corp.example', '3128')).toEqual(ANSWER);
    expect(login.basicCredentials('other.corp.example', 3128)).toBeNull();
    // What a log line or an error report would print of it holds no password.
    expect(JSON.stringify(login)).not.toContain(ANSWER.password);
    expect(String(login)).not.toContain(ANSWER.password);
    // An NTLM password cannot be replayed as Basic on the tunnel.
    await challenge({ ...proxyChallenge, host: 'ntlm.corp.example', scheme: 'ntlm' });
    expect(login.basicCredentials('ntlm.corp.example', 3128)).toBeNull();
  });
});
