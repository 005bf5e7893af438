// The trash for admins: entries deleted in the vaults this PC reads, as the server still holds them. Restore puts
// one back through the signed restore; Purge (after a confirmation) removes it for good, keeping its history and
// its audit trail on the server.
import { useEffect, useState } from 'preact/hooks';
import type { TrashEntry } from '../../shared/upkeep';
import { call, errorMessage } from '../api';
import { ConfirmDialog } from '../components/Modal';
import { dateTime } from '../state/format';
import { useStore, useToast } from '../state/store';

export function AdminTrash() {
  const { state, dispatch } = useStore();
  const toast = useToast();
  const [items, setItems] = useState<TrashEntry[] | null>(null);
  const [purging, setPurging] = useState<TrashEntry | null>(null);
  const [busy, setBusy] = useState(false);
  const load = () =>
    call('trash.list', {}).then(
      (r) => setItems(r.items),
      (err) => toast('error', errorMessage(err)),
    );
  useEffect(() => {
    void load();
  }, [state.revision]);

  const vaultName = (id: string) => state.vaults.find((v) => v.id === id)?.name ?? '';

  const restore = async (t: TrashEntry) => {
    setBusy(true);
    try {
      await call('trash.restore', { id: t.entry.id, baseVersion: t.entry.version });
      toast('success', `“${t.entry.title}” is back in ${vaultName(t.entry.vaultId) || 'its vault'}.`);
      dispatch({ type: 'entriesChanged' });
      await load();
    } catch (err) {
      toast('error', errorMessage(err));
    } finally {
      setBusy(false);
    }
  };

  const purge = async (t: TrashEntry) => {
    setBusy(true);
    try {
      await call('trash.purge', { id: t.entry.id });
      toast('success', `“${t.entry.title}” was removed for good.`);
      setPurging(null);
      dispatch({ type: 'entriesChanged' });
      await load();
    } catch (err) {
      toast('error', errorMessage(err));
    } finally {
      setBusy(false);
    }
  };

  return (
    <main class="page" aria-labelledby="trash-title" aria-busy={items === null}>
      <header class="page-header">
        <h1 id="trash-title">Trash</h1>
        <p class="muted">
          Deleted entries stay here until you restore them or remove them for good. Their history and the
          audit log stay either way.
        </p>
      </header>
      {items && items.length === 0 && <p class="muted">The trash is empty.</p>}
      {items && items.length > 0 && (
        <table class="table card" aria-label="Deleted entries">
          <thead>
            <tr>
              <th scope="col">Entry</th>
              <th scope="col">Vault</th>
              <th scope="col">Deleted</th>
              <th scope="col">
                <span class="sr-only">Actions</span>
              </th>
            </tr>
          </thead>
          <tbody>
            {items.map((t) => (
              <tr key={t.entry.id}>
                <td>
                  <div>{t.entry.title || 'An entry this PC cannot open'}</div>
                  <div class="muted small">{t.entry.username}</div>
                </td>
                <td>{vaultName(t.entry.vaultId)}</td>
                <td>
                  {dateTime(t.deletedAt)}
                  {t.deletedBy && <div class="muted small">by {t.deletedBy}</div>}
                </td>
                <td class="row-actions">
                  <button
                    type="button"
                    class="btn btn-small"
                    disabled={busy || t.entry.damaged}
                    aria-label={`Restore ${t.entry.title}`}
                    onClick={() => void restore(t)}
                  >
                    Restore
                  </button>{' '}
                  <button
                    type="button"
                    class="btn btn-small btn-danger-ghost"
                    disabled={busy}
                    aria-label={`Purge ${t.entry.title}`}
                    onClick={() => setPurging(t)}
                  >
                    Purge
                  </button>
                </td>
              </tr>
            ))}
          </tbody>
        </table>
      )}
      {purging && (
        <ConfirmDialog
          title="Remove for good?"
          message={
            <p>
              “{purging.entry.title}” will be removed for good: nobody can restore it afterwards. Its earlier
              versions and the audit log keep their record of it.
            </p>
          }
          confirmLabel="Remove for good"
          danger
          busy={busy}
          onConfirm={() => void purge(purging)}
          onCancel={() => setPurging(null)}
        />
      )}
    </main>
  );
}
