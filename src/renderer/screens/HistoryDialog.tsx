import { useEffect, useState } from 'preact/hooks';
import type { HistoryVersion } from '../../shared/domain';
import { call, errorMessage } from '../api';
import { Modal } from '../components/Modal';
import { dateTime } from '../state/format';
import { useStore, useToast } from '../state/store';

// A revealed old password hides itself again, like the current one.
const REVEAL_MS = 30_000;

// Admins only: every earlier version of an entry, newest first, with what changed at a glance; an old password
// can be shown or copied (audited like any reveal) and made the current one again (an ordinary update).
export function HistoryDialog({
  id,
  title,
  currentVersion,
  onClose,
}: {
  id: string;
  title: string;
  currentVersion: number;
  onClose: () => void;
}) {
  const { dispatch } = useStore();
  const toast = useToast();
  const [versions, setVersions] = useState<HistoryVersion[] | null>(null);
  const [error, setError] = useState<string | null>(null);
  const [shown, setShown] = useState<{ version: number; password: string } | null>(null);
  const [busy, setBusy] = useState(false);
  useEffect(() => {
    call('vault.history', { id }).then(
      (r) => setVersions([...r.versions].sort((a, b) => b.version - a.version)),
      (err) => setError(errorMessage(err)),
    );
  }, [id]);
  useEffect(() => {
    if (!shown) return;
    const t = setTimeout(() => setShown(null), REVEAL_MS);
    return () => clearTimeout(t);
  }, [shown]);

  async function act(run: () => Promise<void>) {
    setBusy(true);
    setError(null);
    try {
      await run();
    } catch (err) {
      setError(errorMessage(err));
    } finally {
      setBusy(false);
    }
  }
  const reveal = (version: number) =>
    act(async () => {
      if (shown?.version === version) return setShown(null);
      const { password } = await call('vault.historyReveal', { id, version });
      setShown({ version, password });
    });
  const copy = (version: number) =>
    act(async () => {
      const { clearsInSeconds } = await call('vault.historyCopy', { id, version });
      toast(
        'success',
        `Password of version ${version} copied. The clipboard clears in ${clearsInSeconds} s.`,
      );
    });
  const restore = (version: number) =>
    act(async () => {
      await call('vault.historyRestore', { id, baseVersion: currentVersion, version });
      toast('success', `The password of version ${version} is the current password again.`);
      dispatch({ type: 'entriesChanged' });
      onClose();
    });

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
              <th scope="col">Password</th>
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
                <td class="history-password">
                  {!v.damaged && (
                    <>
                      {shown?.version === v.version && (
                        <input
                          class="input mono history-shown"
                          readOnly
                          aria-label={`Password of version ${v.version}`}
                          value={shown.password}
                        />
                      )}
                      <button
                        type="button"
                        class="btn btn-small"
                        disabled={busy}
                        onClick={() => void reveal(v.version)}
                      >
                        {shown?.version === v.version ? 'Hide' : 'Show'}
                      </button>
                      <button
                        type="button"
                        class="btn btn-small"
                        disabled={busy}
                        onClick={() => void copy(v.version)}
                      >
                        Copy
                      </button>
                      {v.version !== currentVersion && (
                        <button
                          type="button"
                          class="btn btn-small"
                          disabled={busy}
                          onClick={() => void restore(v.version)}
                        >
                          Restore
                        </button>
                      )}
                    </>
                  )}
                </td>
              </tr>
            ))}
          </tbody>
        </table>
      )}
    </Modal>
  );
}
