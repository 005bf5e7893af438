import { useEffect, useState } from 'preact/hooks';
import type { Device } from '../../shared/domain';
import { compareSemver, isSemver } from '../../shared/semver';
import { call, errorMessage } from '../api';
import { ConfirmDialog } from '../components/Modal';
import { dateTime, relativeTime } from '../state/format';
import { useToast } from '../state/store';

const isOutdated = (version: string, latest: string | null): boolean =>
  latest !== null && isSemver(version) && isSemver(latest) && compareSemver(version, latest) < 0;

function statusOf(d: Device): string {
  if (d.revokedAt) return `Signed out ${dateTime(d.revokedAt)}`;
  return d.online ? 'Online' : `Last seen ${relativeTime(d.lastSeen, new Date())}`;
}

// Who runs Keyroom where, which version, and who is online right now (from Realtime presence); a lost or
// handed-on PC is signed out from here for good (its owner signs in again with the master password).
export function AdminDevices() {
  const toast = useToast();
  const [devices, setDevices] = useState<Device[] | null>(null);
  const [latest, setLatest] = useState<string | null>(null);
  const [pending, setPending] = useState<Device | null>(null);
  const [busy, setBusy] = useState(false);
  // The PC this is: marked, and not offered for sign-out (the core refuses it; Sign out here is the way).
  const [thisPc, setThisPc] = useState<string | null>(null);
  const load = () =>
    call('admin.devices', {}).then(
      (r) => setDevices(r.devices),
      (err) => toast('error', errorMessage(err)),
    );
  useEffect(() => {
    void load();
    call('devices.list', {}).then(
      (r) => setThisPc(r.devices.find((d) => d.current)?.id ?? null),
      () => {},
    );
    call('admin.policy', {}).then(
      (p) => setLatest(p.latestVersion),
      () => {},
    );
    const t = setInterval(load, 15_000);
    return () => clearInterval(t);
  }, []);

  async function revoke(device: Device) {
    setBusy(true);
    try {
      await call('admin.revokeDevice', { id: device.id });
      toast('success', `${device.userName}’s PC ${device.name} is signed out.`);
      setPending(null);
      await load();
    } catch (err) {
      toast('error', errorMessage(err));
    } finally {
      setBusy(false);
    }
  }

  const sorted = [...(devices ?? [])].sort(
    (a, b) =>
      Number(a.revokedAt !== null) - Number(b.revokedAt !== null) ||
      Number(b.online) - Number(a.online) ||
      a.userName.localeCompare(b.userName),
  );
  const inUse = sorted.filter((d) => d.revokedAt === null);
  const online = inUse.filter((d) => d.online).length;
  return (
    <main class="page" aria-labelledby="devices-title">
      <header class="page-header">
        <h1 id="devices-title">Office PCs</h1>
        <p class="muted">
          {online} of {inUse.length} PCs online now.
        </p>
      </header>
      <table class="table card">
        <thead>
          <tr>
            <th scope="col">Person</th>
            <th scope="col">PC</th>
            <th scope="col">Version</th>
            <th scope="col">Status</th>
            <th scope="col">
              <span class="sr-only">Actions</span>
            </th>
          </tr>
        </thead>
        <tbody>
          {sorted.map((d) => (
            <tr key={d.id}>
              <td>
                <div>{d.userName}</div>
                <div class="muted small">{d.userEmail}</div>
              </td>
              <td>
                {d.name} <span class="muted small">({d.platform})</span>
                {d.id === thisPc && (
                  <>
                    {' '}
                    <span class="chip">This PC</span>
                  </>
                )}
              </td>
              <td>
                <span class={isOutdated(d.appVersion, latest) ? 'chip chip-warning' : 'chip'}>
                  {d.appVersion}
                </span>
              </td>
              <td>
                {d.revokedAt ? (
                  <span class="chip chip-danger">{statusOf(d)}</span>
                ) : (
                  <span class={`presence${d.online ? ' online' : ''}`}>{statusOf(d)}</span>
                )}
              </td>
              <td>
                {d.revokedAt === null && d.id !== thisPc && (
                  <button
                    type="button"
                    class="btn btn-small btn-danger-ghost"
                    aria-label={`Sign out ${d.userName}’s PC ${d.name}`}
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
      {pending && (
        <ConfirmDialog
          title={`Sign out ${pending.userName}’s PC?`}
          message={
            <>
              <p>
                {pending.userName}’s PC {pending.name} is signed out at once and erases its copy of the
                passwords the next time it is on. {pending.userName} can sign in there again with their email
                and master password.
              </p>
              <p>
                If the PC was lost or stolen, ask {pending.userName} to change their master password too:
                whoever knows it can sign in again on any PC.
              </p>
            </>
          }
          confirmLabel="Sign out that PC"
          danger
          busy={busy}
          onConfirm={() => void revoke(pending)}
          onCancel={() => setPending(null)}
        />
      )}
    </main>
  );
}
