import { useState } from 'preact/hooks';
import type { Settings as SettingsT } from '../../shared/domain';
import { call, errorMessage } from '../api';
import { FormError } from '../components/AuthLayout';
import { PasswordField, Toggle } from '../components/Field';
import { Fingerprint } from '../components/Fingerprint';
import { NetworkCard } from '../components/NetworkCard';
import { StrengthMeter } from '../components/StrengthMeter';
import { YourPcs } from '../components/YourPcs';
import { useStore, useToast } from '../state/store';

function ChangeMasterPassword() {
  const toast = useToast();
  const [current, setCurrent] = useState('');
  const [next, setNext] = useState('');
  const [repeat, setRepeat] = useState('');
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState<string | null>(null);
  const ready = current !== '' && next.length >= 12 && next === repeat && !busy;
  async function submit(e: Event) {
    e.preventDefault();
    setBusy(true);
    setError(null);
    try {
      await call('session.changeMasterPassword', { current, next });
      setCurrent('');
      setNext('');
      setRepeat('');
      toast('success', 'Master password changed.');
    } catch (err) {
      setError(errorMessage(err));
    } finally {
      setBusy(false);
    }
  }
  return (
    <form class="card stack" onSubmit={submit} aria-labelledby="mp-title">
      <h2 id="mp-title">Master password</h2>
      <PasswordField
        label="Current master password"
        value={current}
        onInput={setCurrent}
        autoComplete="current-password"
      />
      <PasswordField
        label="New master password"
        value={next}
        onInput={setNext}
        autoComplete="new-password"
        hint={next ? <StrengthMeter password={next} /> : 'At least 12 characters.'}
      />
      <PasswordField
        label="Repeat new master password"
        value={repeat}
        onInput={setRepeat}
        autoComplete="new-password"
        error={repeat && repeat !== next ? 'The two passwords are different.' : null}
      />
      <FormError message={error} />
      <div>
        <button type="submit" class="btn btn-primary" disabled={!ready}>
          {busy ? 'Changing…' : 'Change master password'}
        </button>
      </div>
    </form>
  );
}

export function Settings() {
  const { state, dispatch } = useStore();
  const toast = useToast();
  const settings = state.settings;
  const policy = state.info?.policy ?? null;
  async function update(patch: Partial<SettingsT>) {
    try {
      dispatch({ type: 'settings', settings: await call('settings.set', patch) });
    } catch (err) {
      toast('error', errorMessage(err));
    }
  }
  return (
    <main class="page" aria-labelledby="settings-title">
      <header class="page-header">
        <h1 id="settings-title">Settings</h1>
      </header>
      {settings && (
        <section class="card stack" aria-labelledby="general-title">
          <h2 id="general-title">This PC</h2>
          <fieldset class="segmented">
            <legend>Theme</legend>
            {(['system', 'light', 'dark'] as const).map((t) => (
              <label key={t} class={settings.theme === t ? 'active' : ''}>
                <input
                  type="radio"
                  name="theme"
                  value={t}
                  checked={settings.theme === t}
                  onChange={() => void update({ theme: t })}
                />
                {t === 'system' ? 'Follow Windows' : t === 'light' ? 'Light' : 'Dark'}
              </label>
            ))}
          </fieldset>
          {state.info?.platform !== 'linux' && (
            <Toggle
              label="Start Keyroom when I sign in to Windows"
              checked={settings.startWithWindows}
              onChange={(v) => void update({ startWithWindows: v })}
            />
          )}
          <Toggle
            label="Notify me when colleagues change entries"
            checked={settings.notifications}
            onChange={(v) => void update({ notifications: v })}
          />
          <Toggle
            label="Stay unlocked on this PC"
            hint={
              policy === null
                ? 'Available once Keyroom has read your office policy.'
                : policy.allowStayUnlocked
                  ? 'From your next unlock, Keyroom opens with your Windows account when it starts, without the master password. Once locked (by you, or when you lock the PC) it asks for the password again.'
                  : 'Your office does not allow this.'
            }
            disabled={!policy?.allowStayUnlocked}
            checked={settings.stayUnlocked && (policy?.allowStayUnlocked ?? false)}
            onChange={(v) => void update({ stayUnlocked: v })}
          />
          {policy && (
            <p class="muted small">Keyroom locks after {policy.autoLockMinutes} minutes without activity.</p>
          )}
        </section>
      )}
      <ChangeMasterPassword />
      <YourPcs />
      <NetworkCard />
      <section class="card stack" aria-labelledby="about-title">
        <h2 id="about-title">About</h2>
        <p>
          Keyroom {state.info?.version} on {state.info?.platform}
        </p>
        {state.info?.officeFingerprint && (
          <Fingerprint label="Office fingerprint" value={state.info.officeFingerprint} />
        )}
      </section>
    </main>
  );
}
