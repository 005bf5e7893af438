import { useState } from 'preact/hooks';
import { call, errorMessage } from '../api';
import { AuthLayout, AuthNotice, FormError } from '../components/AuthLayout';
import { PasswordField } from '../components/Field';
import { useStore } from '../state/store';

export function Unlock({
  email,
  displayName,
  notice,
}: {
  email: string;
  displayName: string;
  notice?: string | undefined;
}) {
  const { dispatch } = useStore();
  const [master, setMaster] = useState('');
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState<string | null>(null);

  async function submit(e: Event) {
    e.preventDefault();
    setBusy(true);
    setError(null);
    try {
      const session = await call('session.unlock', { masterPassword: master });
      setMaster('');
      dispatch({ type: 'session', session });
    } catch (err) {
      setMaster('');
      setError(errorMessage(err));
    } finally {
      setBusy(false);
    }
  }

  return (
    <AuthLayout title="Keyroom is locked" subtitle={<>Welcome back, {displayName || email}.</>}>
      <AuthNotice message={notice} />
      <form onSubmit={submit} class="stack">
        <PasswordField
          label="Master password"
          value={master}
          onInput={setMaster}
          autoFocus
          autoComplete="current-password"
          required
        />
        <FormError message={error} />
        <button type="submit" class="btn btn-primary btn-block" disabled={busy || master.length === 0}>
          {busy ? 'Unlocking…' : 'Unlock'}
        </button>
        <button
          type="button"
          class="btn btn-ghost btn-block"
          onClick={() =>
            void call('session.signOut', {}).then((s) => dispatch({ type: 'session', session: s }))
          }
        >
          Sign in as someone else
        </button>
      </form>
    </AuthLayout>
  );
}
