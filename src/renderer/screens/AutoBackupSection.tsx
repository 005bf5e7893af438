// Admin → Backup's "Automatic daily backup": folder, passphrase (twice, checked by the core's rule in the main
// process), how many to keep, on/off, and how the last run went. The folder is chosen in the OS dialog and held
// by the main process; the passphrase goes to the OS keychain and never comes back.
import { useEffect, useState } from 'preact/hooks';
import type { AutoBackupView } from '../../shared/backup';
import { call, errorMessage } from '../api';
import { PassphraseTwice } from '../components/PassphraseTwice';
import { dateTime } from '../state/format';

function lastRunText(v: AutoBackupView): string {
  if (v.lastError) return `Last backup failed: ${v.lastError}`;
  return v.lastRunAt ? `Last backup: ${dateTime(v.lastRunAt)}` : 'No automatic backup yet.';
}

export function AutoBackupSection() {
  const [view, setView] = useState<AutoBackupView | null>(null);
  const [folder, setFolder] = useState<string | null>(null);
  const [keep, setKeep] = useState(7);
  const [passphrase, setPassphrase] = useState('');
  const [again, setAgain] = useState('');
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState<string | null>(null);

  useEffect(() => {
    void call('backup.auto.get', {})
      .then((v) => {
        setView(v);
        setFolder(v.folder);
        setKeep(v.keep);
      })
      .catch((err: unknown) => setError(errorMessage(err)));
  }, []);

  const act = async (fn: () => Promise<void>) => {
    setBusy(true);
    setError(null);
    try {
      await fn();
    } catch (err) {
      setError(errorMessage(err));
    } finally {
      setBusy(false);
    }
  };
  const choose = () =>
    act(async () => {
      const r = await call('backup.auto.chooseFolder', {});
      if (r.folder) setFolder(r.folder);
    });
  const enable = () =>
    act(async () => {
      setView(await call('backup.auto.enable', { keep, passphrase }));
      setPassphrase('');
      setAgain('');
    });
  const disable = () =>
    act(async () => {
      setView(await call('backup.auto.disable', {}));
    });

  return (
    <section class="card stack" aria-labelledby="auto-backup-title">
      <h2 id="auto-backup-title">Automatic daily backup</h2>
      <p class="muted">
        While you are signed in and unlocked on this PC, one backup a day goes into the folder you choose, and
        the newest ones are kept. The passphrase is kept in this PC's keychain; signing out removes it.
      </p>
      {view?.enabled && (
        <p class="callout" role="status">
          On, into {view.folder}, keeping {view.keep}. {lastRunText(view)}
        </p>
      )}
      <form
        class="stack"
        aria-label="Automatic daily backup"
        onSubmit={(e) => {
          e.preventDefault();
          void enable();
        }}
      >
        <div class="field">
          <span>Folder: {folder ?? 'none chosen'}</span>
          <div>
            <button type="button" class="btn" disabled={busy} onClick={() => void choose()}>
              Choose folder…
            </button>
          </div>
        </div>
        <PassphraseTwice
          id="auto-backup-passphrase"
          passphrase={passphrase}
          again={again}
          busy={busy}
          onPassphrase={setPassphrase}
          onAgain={setAgain}
        />
        <div class="field">
          <label for="auto-backup-keep">Backups to keep</label>
          <input
            id="auto-backup-keep"
            type="number"
            class="input"
            min={1}
            max={365}
            value={keep}
            disabled={busy}
            onInput={(e) =>
              setKeep(Math.min(365, Math.max(1, Math.trunc(Number(e.currentTarget.value) || 1))))
            }
          />
        </div>
        <div class="row">
          <button
            type="submit"
            class="btn btn-primary"
            disabled={busy || !folder || passphrase.length === 0 || again !== passphrase}
          >
            {view?.enabled ? 'Save and keep it on' : 'Turn on'}
          </button>
          {view?.enabled && (
            <button type="button" class="btn" disabled={busy} onClick={() => void disable()}>
              Turn off
            </button>
          )}
        </div>
      </form>
      {error && (
        <p class="form-error" role="alert">
          {error}
        </p>
      )}
    </section>
  );
}
