import { useState } from 'preact/hooks';
import { call, errorMessage } from '../api';
import { AuthLayout, FormError } from '../components/AuthLayout';
import { Field, PasswordField } from '../components/Field';
import { useStore } from '../state/store';

export function SignIn() {
  const { dispatch } = useStore();
  const [email, setEmail] = useState('');
  const [password, setPassword] = useState('');
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState<string | null>(null);

  async function submit(e: Event) {
    e.preventDefault();
    setBusy(true);
    setError(null);
    try {
      const session = await call('session.signIn', { email: email.trim(), password });
      setPassword('');
      dispatch({ type: 'session', session });
    } catch (err) {
      setError(errorMessage(err));
    } finally {
      setBusy(false);
    }
  }

  return (
    <AuthLayout
      title="Sign in"
      subtitle="Use your work email. The first time, use the one-time password from your invitation sheet."
    >
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
          label="Master password or one-time password"
          value={password}
          onInput={setPassword}
          autoComplete="current-password"
          required
        />
        <FormError message={error} />
        <button type="submit" class="btn btn-primary btn-block" disabled={busy || !email || !password}>
          {busy ? 'Signing in…' : 'Sign in'}
        </button>
      </form>
    </AuthLayout>
  );
}
