import { call } from '../api';
import { AuthLayout } from '../components/AuthLayout';
import { useStore } from '../state/store';

export function Disabled({ email }: { email: string }) {
  const { dispatch } = useStore();
  return (
    <AuthLayout
      title="Account disabled"
      subtitle={
        <>
          The account <strong>{email}</strong> has been disabled by your administrator. Nothing is stored on
          this PC any more. If you think this is a mistake, talk to your administrator.
        </>
      }
    >
      <button
        type="button"
        class="btn btn-block"
        onClick={() =>
          void call('session.signOut', {}).then((s) => dispatch({ type: 'session', session: s }))
        }
      >
        Back to sign-in
      </button>
    </AuthLayout>
  );
}
