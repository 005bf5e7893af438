import { useEffect, useState } from 'preact/hooks';
import type { Device } from '../../shared/domain';
import { compareSemver, isSemver } from '../../shared/semver';
import { call, errorMessage } from '../api';
import { relativeTime } from '../state/format';
import { useToast } from '../state/store';

const isOutdated = (version: string, latest: string | null): boolean =>
  latest !== null && isSemver(version) && isSemver(latest) && compareSemver(version, latest) < 0;

// Who runs Keyroom where, which version, and who is online right now (from Realtime presence).
export function AdminDevices() {
  const toast = useToast();
  const [devices, setDevices] = useState<Device[] | null>(null);
  const [latest, setLatest] = useState<string | null>(null);
  useEffect(() => {
    const load = () =>
      call('admin.devices', {}).then(
        (r) => setDevices(r.devices),
        (err) => toast('error', errorMessage(err)),
      );
    void load();
    call('admin.policy', {}).then(
      (p) => setLatest(p.latestVersion),
      () => {},
    );
    const t = setInterval(load, 15_000);
    return () => clearInterval(t);
  }, []);
  const sorted = [...(devices ?? [])].sort(
    (a, b) => Number(b.online) - Number(a.online) || a.userName.localeCompare(b.userName),
  );
  const online = sorted.filter((d) => d.online).length;
  return (
    <main class="page" aria-labelledby="devices-title">
      <header class="page-header">
        <h1 id="devices-title">Office PCs</h1>
        <p class="muted">
          {online} of {sorted.length} PCs online now.
        </p>
      </header>
      <table class="table card">
        <thead>
          <tr>
            <th scope="col">Person</th>
            <th scope="col">PC</th>
            <th scope="col">Version</th>
            <th scope="col">Status</th>
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
              </td>
              <td>
                <span class={isOutdated(d.appVersion, latest) ? 'chip chip-warning' : 'chip'}>
                  {d.appVersion}
                </span>
              </td>
              <td>
                <span class={`presence${d.online ? ' online' : ''}`}>
                  {d.online ? 'Online' : `Last seen ${relativeTime(d.lastSeen, new Date())}`}
                </span>
              </td>
            </tr>
          ))}
        </tbody>
      </table>
    </main>
  );
}
