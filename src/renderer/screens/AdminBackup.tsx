// Admin → Backup: the whole office into one encrypted file, and a restore from such a file. The main process asks
// where to save and which file to open, builds and reads the file and keeps the restore plan: this screen sends the
// passphrase with the call and sees counts only (how many entries, how many already there), never an entry.
import { useEffect, useRef, useState } from 'preact/hooks';
import type { BackupProgressView, RestorePreviewView } from '../../shared/backup';
import type { CallResponse } from '../../shared/contract';
import { call, errorMessage, on } from '../api';
import { Icon } from '../components/Icon';
import { ConfirmDialog } from '../components/Modal';
import { PassphraseTwice } from '../components/PassphraseTwice';
import { dateTime } from '../state/format';
import { AutoBackupSection } from './AutoBackupSection';

const plural = (n: number, one: string, many = `${one}s`) => `${n} ${n === 1 ? one : many}`;

const entries = (n: number) => plural(n, 'entry', 'entries');

function savedText(r: CallResponse<'backup.create'>): string {
  if (!r.saved) return 'Not saved: no file was chosen.';
  const what = `${plural(r.vaults, 'vault')}, ${entries(r.entries)}, ${plural(r.historyVersions, 'earlier version')}`;
  const left =
    r.skippedDamaged + r.damagedVersions > 0
      ? ` ${entries(r.skippedDamaged)} and ${plural(r.damagedVersions, 'earlier version')} could not be opened on this PC and are not in it.`
      : '';
  return `Saved to ${r.fileName}: ${what}.${left}`;
}

function previewText(p: RestorePreviewView): string {
  const damaged =
    p.skippedDamaged > 0
      ? ` ${entries(p.skippedDamaged)} could not be opened when the backup was made and are not in it.`
      : '';
  if (p.toAdd === 0)
    return `Nothing to restore: all ${entries(p.entries)} of ${p.fileName} are already there.${damaged}`;
  const vaults = p.newVaults > 0 ? `, ${plural(p.newVaults, 'new vault')}` : '';
  return `${entries(p.toAdd)} to add, ${p.duplicates} already there${vaults}.${damaged}`;
}

function restoredText(s: CallResponse<'backup.restore'>): string {
  const queued =
    s.queued > 0 ? ` ${entries(s.queued)} wait on this PC and go out when the server answers.` : '';
  const failed =
    s.failed > 0
      ? ` ${entries(s.failed)} did not reach the server: restore the same file again to add them.`
      : '';
  return `Restored ${entries(s.added)} (${s.skippedDuplicates} already there, ${plural(s.vaultsCreated, 'vault')} created).${queued}${failed}`;
}

const PHASES: Record<BackupProgressView['phase'], string> = {
  reading: 'Reading the vaults',
  history: 'Reading earlier versions',
  encrypting: 'Encrypting the file',
  decrypting: 'Opening the backup',
  restoring: 'Restoring entries',
};

/** The latest progress event while `active`; null before the first one. */
function useBackupProgress(active: boolean): BackupProgressView | null {
  const [progress, setProgress] = useState<BackupProgressView | null>(null);
  useEffect(() => {
    setProgress(null);
    if (!active) return;
    return on('backupProgress', setProgress);
  }, [active]);
  return progress;
}

function Progress({ label, progress }: { label: string; progress: BackupProgressView | null }) {
  const percent = !progress || progress.total === 0 ? 0 : Math.round((progress.done / progress.total) * 100);
  return (
    <div>
      <div
        class="progress"
        role="progressbar"
        aria-label={label}
        aria-valuemin={0}
        aria-valuemax={100}
        aria-valuenow={percent}
        aria-valuetext={`${percent} %`}
      >
        <div class="progress-bar" style={{ width: `${percent}%` }} />
      </div>
      <p class="muted small" aria-live="polite">
        {progress ? `${PHASES[progress.phase]}: ${progress.done} of ${progress.total}` : 'Starting…'}
      </p>
    </div>
  );
}

function Problem({ message }: { message: string }) {
  return (
    <p class="form-error" role="alert">
      <Icon name="alert" size={16} />
      <span>{message}</span>
    </p>
  );
}

function BackUp() {
  const [passphrase, setPassphrase] = useState('');
  const [again, setAgain] = useState('');
  const [busy, setBusy] = useState(false);
  const [result, setResult] = useState<CallResponse<'backup.create'> | null>(null);
  const [error, setError] = useState<string | null>(null);
  const progress = useBackupProgress(busy);

  const run = async () => {
    setBusy(true);
    setError(null);
    setResult(null);
    try {
      const r = await call('backup.create', { passphrase });
      setResult(r);
      if (r.saved) {
        setPassphrase('');
        setAgain('');
      }
    } catch (err) {
      setError(errorMessage(err));
    } finally {
      setBusy(false);
    }
  };

  return (
    <section class="card stack" aria-labelledby="backup-now-title">
      <h2 id="backup-now-title">Back up now</h2>
      <p class="muted">
        Every vault you hold, with every entry, its fields, one-time codes and earlier versions, in one file
        encrypted under a passphrase you choose. Keep the file away from this PC (a USB drive in a safe, a
        second site).
      </p>
      <form
        class="stack"
        aria-label="Back up now"
        onSubmit={(e) => {
          e.preventDefault();
          void run();
        }}
      >
        <PassphraseTwice
          id="backup-passphrase"
          passphrase={passphrase}
          again={again}
          busy={busy}
          onPassphrase={setPassphrase}
          onAgain={setAgain}
          hint="At least 16 characters, e.g. four or five unrelated words. Without it the backup cannot be opened: write it down and keep it apart from the file."
        />
        <div>
          <button
            type="submit"
            class="btn btn-primary"
            disabled={busy || passphrase.length === 0 || again !== passphrase}
          >
            Back up now
          </button>
        </div>
      </form>
      {busy && <Progress label="Backup progress" progress={progress} />}
      {error && <Problem message={error} />}
      {result && (
        <p class="callout" role="status">
          {savedText(result)}
        </p>
      )}
    </section>
  );
}

type Step =
  | { kind: 'choose' }
  | { kind: 'preview'; preview: RestorePreviewView; confirming: boolean }
  | { kind: 'running'; preview: RestorePreviewView }
  | { kind: 'done'; summary: CallResponse<'backup.restore'> };

function PreviewTable({ preview }: { preview: RestorePreviewView }) {
  return (
    <table class="table" aria-label="Backup contents">
      <caption class="table-caption">
        Backup of {preview.source}, made {dateTime(preview.createdAt)}
      </caption>
      <thead>
        <tr>
          <th scope="col">Vault</th>
          <th scope="col">Entries</th>
          <th scope="col">Already there</th>
          <th scope="col">To add</th>
          <th scope="col">Earlier versions</th>
        </tr>
      </thead>
      <tbody>
        {preview.vaults.map((v, i) => (
          <tr key={i}>
            <td>
              {v.name}
              {!v.exists && <span class="muted small"> (new vault)</span>}
            </td>
            <td>{v.entries}</td>
            <td>{v.duplicates}</td>
            <td>{v.toAdd}</td>
            <td>{v.historyVersions}</td>
          </tr>
        ))}
      </tbody>
    </table>
  );
}

function Restore() {
  const [step, setStep] = useState<Step>({ kind: 'choose' });
  const [passphrase, setPassphrase] = useState('');
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState<string | null>(null);
  const progress = useBackupProgress(busy);
  const heading = useRef<HTMLHeadingElement>(null);
  // Each step's heading takes the focus, so keyboard and screen-reader users land on what changed.
  useEffect(() => {
    if (step.kind !== 'choose') heading.current?.focus();
  }, [step.kind]);

  const open = async () => {
    setBusy(true);
    setError(null);
    try {
      const preview = await call('backup.open', { passphrase });
      if (preview) {
        setPassphrase('');
        setStep({ kind: 'preview', preview, confirming: false });
      }
    } catch (err) {
      setError(errorMessage(err));
    } finally {
      setBusy(false);
    }
  };

  const restore = async (preview: RestorePreviewView) => {
    setBusy(true);
    setError(null);
    setStep({ kind: 'running', preview });
    try {
      setStep({ kind: 'done', summary: await call('backup.restore', { restoreId: preview.restoreId }) });
    } catch (err) {
      setError(errorMessage(err));
      setStep({ kind: 'choose' });
    } finally {
      setBusy(false);
    }
  };

  const close = (preview: RestorePreviewView) => {
    void call('backup.cancel', { restoreId: preview.restoreId }).catch(() => {});
    setStep({ kind: 'choose' });
  };

  return (
    <section class="card stack" aria-labelledby="restore-title">
      <h2 id="restore-title" ref={heading} tabIndex={-1}>
        Restore from a backup
      </h2>
      {step.kind === 'choose' && (
        <form
          class="stack"
          aria-label="Restore from a backup"
          onSubmit={(e) => {
            e.preventDefault();
            void open();
          }}
        >
          <p class="muted">
            Into this office, as after a lost server, or into a new one. You see what the file holds and what
            is already here before anything is written; entries already here are not added again.
          </p>
          <div class="field">
            <label for="restore-passphrase">Passphrase of the backup</label>
            <input
              id="restore-passphrase"
              type="password"
              class="input"
              autoComplete="off"
              value={passphrase}
              disabled={busy}
              onInput={(e) => setPassphrase(e.currentTarget.value)}
            />
          </div>
          <div>
            <button type="submit" class="btn" disabled={busy || passphrase.length === 0}>
              Choose backup file…
            </button>
          </div>
          {busy && <Progress label="Opening progress" progress={progress} />}
        </form>
      )}
      {step.kind === 'preview' && (
        <>
          <PreviewTable preview={step.preview} />
          <p role="status">{previewText(step.preview)}</p>
          <div class="row-actions">
            {step.preview.toAdd > 0 && (
              <button
                type="button"
                class="btn btn-primary"
                onClick={() => setStep({ ...step, confirming: true })}
              >
                Restore {entries(step.preview.toAdd)}…
              </button>
            )}
            <button type="button" class="btn" onClick={() => close(step.preview)}>
              {step.preview.toAdd === 0 ? 'Done' : 'Cancel'}
            </button>
          </div>
          {step.confirming && (
            <ConfirmDialog
              title="Restore into this office?"
              message={
                <p>
                  {entries(step.preview.toAdd)} are added, encrypted under this office’s vault keys
                  {step.preview.newVaults > 0 ? `, in ${plural(step.preview.newVaults, 'new vault')}` : ''}.
                  Nothing here is changed or removed. The restore is recorded in the audit log.
                </p>
              }
              confirmLabel="Restore"
              busy={busy}
              onConfirm={() => void restore(step.preview)}
              onCancel={() => setStep({ ...step, confirming: false })}
            />
          )}
        </>
      )}
      {step.kind === 'running' && <Progress label="Restore progress" progress={progress} />}
      {step.kind === 'done' && (
        <>
          <p class="callout" role="status">
            {restoredText(step.summary)}
          </p>
          <div>
            <button type="button" class="btn" onClick={() => setStep({ kind: 'choose' })}>
              Done
            </button>
          </div>
        </>
      )}
      {error && <Problem message={error} />}
    </section>
  );
}

export function AdminBackup() {
  return (
    <main class="page" aria-labelledby="backup-title">
      <header class="page-header">
        <h1 id="backup-title">Backup</h1>
        <p class="muted">
          A restore, not a hope: open a backup here now and then to see that it holds what you expect.
        </p>
      </header>
      <BackUp />
      <AutoBackupSection />
      <Restore />
    </main>
  );
}
