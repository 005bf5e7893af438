// Settings → Your PCs: every PC this person signed in on, this one marked. Signing another out is for a lost
// or handed-on PC (or a sign-in that was not theirs): the server refuses it at once and it erases its copy.
import { useEffect, useState } from 'preact/hooks';
import type { OwnDevice } from '../../shared/domain';
import { call, errorMessage, on } from '../api';
import { dateTime, relativeTime } from '../state/format';
import { useToast } from '../state/store';
import { ConfirmDialog } from './Modal';

function status(d: OwnDevice, now: Date): string {
  if (d.revokedAt) return `Signed out ${dateTime(d.revokedAt)}`;
  if (d.current) return 'In use now';
  return `Last seen ${relativeTime(d.lastSeen, now)}`;
}

export function YourPcs() {
  const toast = useToast();
  const [devices, setDevices] = useState<OwnDevice[] | null>(null);
  const [error, setError] = useState<string | null>(null);
  const [pending, setPending] = useState<OwnDevice | null>(null);
  const [busy, setBusy] = useState(false);

  const load = () =>
    call('devices.list', {}).then(
      (r) => {
        setDevices(r.devices);
        setError(null);
      },
      (err) => setError(errorMessage(err)),
    );
  useEffect(() => {
    void load();
    return on('deviceAdded', () => void load());
  }, []);

  async function signOut(device: OwnDevice) {
    setBusy(true);
    try {
      await call('devices.signOut', { id: device.id });
      toast('success', `${device.name || 'That PC'} is signed out.`);
      setPending(null);
      await load();
    } catch (err) {
      toast('error', errorMessage(err));
    } finally {
      setBusy(false);
    }
  }

  const now = new Date();
  return (
    <section class="card stack" aria-labelledby="pcs-title">
      <h2 id="pcs-title">Your PCs</h2>
      <p class="muted small">
        Every PC you signed in on with your master password. Sign out one you no longer use or do not
        recognise.
      </p>
      {error && <p class="muted">{error}</p>}
      {devices && (
        <table class="table">
          <thead>
            <tr>
              <th scope="col">PC</th>
              <th scope="col">Status</th>
              <th scope="col">
                <span class="sr-only">Actions</span>
              </th>
            </tr>
          </thead>
          <tbody>
            {devices.map((d) => (
              <tr key={d.id}>
                <td>
                  {d.name || 'Unnamed PC'} <span class="muted small">({d.platform})</span>
                  {d.current && (
                    <>
                      {' '}
                      <span class="chip">This PC</span>
                    </>
                  )}
                </td>
                <td>
                  <span class={d.revokedAt ? 'chip chip-danger' : 'muted small'}>{status(d, now)}</span>
                </td>
                <td>
                  {!d.current && !d.revokedAt && (
                    <button
                      type="button"
                      class="btn btn-small btn-danger-ghost"
                      aria-label={`Sign out ${d.name || 'this PC'}`}
                      onClick={() => setPending(d)}
                    >
                      Sign out
                    </button>
                  )}
                </td>
              </tr>
            ))}
          </tbody>
        </table>
      )}
      {pending && (
        <ConfirmDialog
          title={`Sign out ${pending.name || 'this PC'}?`}
          message={
            <>
              <p>
                {pending.name || 'That PC'} is signed out at once and erases its copy of the passwords the
                next time it is on. You can sign in there again later with your email and master password.
              </p>
              <p>
                If the PC was lost or stolen, or you did not sign in there yourself, also change your master
                password (below): whoever knows it can sign in again anywhere.
              </p>
            </>
          }
          confirmLabel="Sign out that PC"
          danger
          busy={busy}
          onConfirm={() => void signOut(pending)}
          onCancel={() => setPending(null)}
        />
      )}
    </section>
  );
}
