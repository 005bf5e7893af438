import { useState } from 'preact/hooks';
import { call, errorMessage } from '../api';
import { AuthLayout, FormError } from '../components/AuthLayout';
import { Fingerprint } from '../components/Fingerprint';
import { useStore } from '../state/store';

// Keys are uploaded; an admin compares this fingerprint with the one in their admin screen and confirms.
export function Pending({ email, fingerprint }: { email: string; fingerprint: string }) {
  const { dispatch } = useStore();
  const [error, setError] = useState<string | null>(null);
  const [busy, setBusy] = useState(false);

  async function refresh() {
    setBusy(true);
    setError(null);
    try {
      dispatch({ type: 'session', session: await call('session.state', {}) });
    } catch (err) {
      setError(errorMessage(err));
    } finally {
      setBusy(false);
    }
  }

  return (
    <AuthLayout
      title="Waiting for your administrator"
      subtitle={
        <>
          Your keys for <strong>{email}</strong> are ready. Read this fingerprint to your administrator (in
          person or by phone). Once they confirm it, Keyroom opens by itself.
        </>
      }
    >
      <Fingerprint label="Your fingerprint" value={fingerprint} />
      <FormError message={error} />
      <div class="row-actions">
        <button type="button" class="btn" onClick={refresh} disabled={busy}>
          Check again
        </button>
        <button
          type="button"
          class="btn btn-ghost"
          onClick={() =>
            void call('session.signOut', {}).then((s) => dispatch({ type: 'session', session: s }))
          }
        >
          Sign out
        </button>
      </div>
    </AuthLayout>
  );
}
