import { useEffect, useState } from 'preact/hooks';
import type { HistoryVersion } from '../../shared/domain';
import { call, errorMessage } from '../api';
import { Modal } from '../components/Modal';
import { dateTime } from '../state/format';

// Admins only: every earlier version of an entry, newest first, with what changed at a glance.
export function HistoryDialog({ id, title, onClose }: { id: string; title: string; onClose: () => void }) {
  const [versions, setVersions] = useState<HistoryVersion[] | null>(null);
  const [error, setError] = useState<string | null>(null);
  useEffect(() => {
    call('vault.history', { id }).then(
      (r) => setVersions([...r.versions].sort((a, b) => b.version - a.version)),
      (err) => setError(errorMessage(err)),
    );
  }, [id]);
  return (
    <Modal title={`History of “${title}”`} onClose={onClose} wide>
      {error && <p class="field-error">{error}</p>}
      {versions === null && !error && <p class="muted">Loading…</p>}
      {versions?.length === 0 && <p class="muted">No earlier versions.</p>}
      {versions && versions.length > 0 && (
        <table class="table">
          <thead>
            <tr>
              <th scope="col">Version</th>
              <th scope="col">When</th>
              <th scope="col">Who</th>
              <th scope="col">Title</th>
              <th scope="col">Username</th>
              <th scope="col">Change</th>
            </tr>
          </thead>
          <tbody>
            {versions.map((v) => (
              <tr key={v.version}>
                <td>{v.version}</td>
                <td>{dateTime(v.changedAt)}</td>
                <td>{v.changedBy}</td>
                <td>{v.damaged ? <span class="chip chip-danger">damaged</span> : v.title}</td>
                <td>{v.username}</td>
                <td>
                  {v.deleted && <span class="chip chip-danger">deleted</span>}
                  {v.passwordChanged && <span class="chip">password changed</span>}
                </td>
              </tr>
            ))}
          </tbody>
        </table>
      )}
    </Modal>
  );
}
