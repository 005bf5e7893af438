// Sign-in: a known account signs in on any PC with email and master password; the one-time password from the
// invitation sheet is only for the first time, behind "I have an invitation".
import { useState } from 'preact/hooks';
import { call, errorMessage } from '../api';
import { AuthLayout, AuthNotice, FormError } from '../components/AuthLayout';
import { Field, PasswordField } from '../components/Field';
import { useStore } from '../state/store';

type Mode = 'password' | 'invitation';

const WORDS = {
  password: {
    subtitle: 'Use your work email and your master password, on this PC or any other.',
    secret: 'Master password',
    submit: 'Sign in',
    busy: 'Signing in…',
    switchTo: 'I have an invitation',
  },
  invitation: {
    subtitle:
      'First time? Use your work email and the one-time password from the invitation sheet your administrator gave you.',
    secret: 'One-time password',
    submit: 'Continue',
    busy: 'Checking…',
    switchTo: 'I already have a master password',
  },
} as const;

export function SignIn({ notice }: { notice?: string | undefined }) {
  const { dispatch } = useStore();
  const [mode, setMode] = useState<Mode>('password');
  const [email, setEmail] = useState('');
  const [secret, setSecret] = useState('');
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState<string | null>(null);
  const words = WORDS[mode];

  async function submit(e: Event) {
    e.preventDefault();
    setBusy(true);
    setError(null);
    try {
      const typed = email.trim();
      const session =
        mode === 'password'
          ? await call('session.signIn', { email: typed, masterPassword: secret })
          : await call('session.redeemInvitation', { email: typed, oneTimePassword: secret.trim() });
      setSecret('');
      dispatch({ type: 'session', session });
    } catch (err) {
      setSecret('');
      setError(errorMessage(err));
    } finally {
      setBusy(false);
    }
  }

  function switchMode() {
    // The typed secret belongs to the other kind of password: it is not carried over.
    setSecret('');
    setError(null);
    setMode(mode === 'password' ? 'invitation' : 'password');
  }

  return (
    <AuthLayout title={mode === 'password' ? 'Sign in' : 'Accept your invitation'} subtitle={words.subtitle}>
      <AuthNotice message={notice} />
      <form onSubmit={submit} class="stack">
        <Field
          label="Email"
          type="email"
          value={email}
          onInput={setEmail}
          autoFocus
          autoComplete="username"
          required
        />
        <PasswordField
          key={mode}
          label={words.secret}
          value={secret}
          onInput={setSecret}
          autoComplete={mode === 'password' ? 'current-password' : 'one-time-code'}
          required
        />
        <FormError message={error} />
        <button type="submit" class="btn btn-primary btn-block" disabled={busy || !email || !secret}>
          {busy ? words.busy : words.submit}
        </button>
        <button type="button" class="btn btn-ghost btn-block" onClick={switchMode} disabled={busy}>
          {words.switchTo}
        </button>
      </form>
    </AuthLayout>
  );
}
