// Import passwords from a file another program exported. The main process opens the OS file dialog and reads
// the file; this screen only ever sees the preview (counts, problems by line, duplicates, a sample without
// secrets), then the progress and the summary.
import { useEffect, useId, useRef, useState } from 'preact/hooks';
import type { CallResponse } from '../../shared/contract';
import { call, errorMessage, on } from '../api';
import { Icon } from '../components/Icon';
import { useStore, useToast } from '../state/store';

type Preview = NonNullable<CallResponse<'import.choose'>>;
type Summary = CallResponse<'import.run'>;

type Step =
  | { kind: 'choose' }
  | { kind: 'unseal'; preview: Preview }
  | { kind: 'preview'; preview: Preview }
  | { kind: 'running'; preview: Preview; done: number; total: number }
  | { kind: 'done'; preview: Preview; summary: Summary; total: number };

const plural = (n: number, one: string, many = `${one}s`) => `${n} ${n === 1 ? one : many}`;
// Long lists come capped from the main process; say so rather than pretend the table is complete.
const listed = (shown: number, total: number) => (shown < total ? ` (the first ${shown} shown)` : '');

function Progress({ done, total }: { done: number; total: number }) {
  const percent = total === 0 ? 100 : Math.round((done / total) * 100);
  return (
    <div>
      <div
        class="progress"
        role="progressbar"
        aria-label="Import progress"
        aria-valuemin={0}
        aria-valuemax={100}
        aria-valuenow={percent}
        aria-valuetext={`${percent} %`}
      >
        <div class="progress-bar" style={{ width: `${percent}%` }} />
      </div>
      <p class="muted small" aria-live="polite">
        {done} of {total} entries ({percent} %)
      </p>
    </div>
  );
}

function PreviewTables({ preview }: { preview: Preview }) {
  return (
    <>
      {preview.problemLines > 0 && (
        <table class="table card" aria-label="Rows that cannot be imported">
          <caption class="table-caption">
            {plural(preview.problemLines, 'line')} with problems
            {listed(preview.problems.length, preview.problemLines)}: these rows will be skipped. Fix them in
            the file and import it again to bring them in.
          </caption>
          <thead>
            <tr>
              <th scope="col">Line</th>
              <th scope="col">Field</th>
              <th scope="col">Problem</th>
            </tr>
          </thead>
          <tbody>
            {preview.problems.map((p) => (
              <tr key={`${p.line}-${p.field ?? ''}`}>
                <td>{p.line}</td>
                <td>{p.field ?? 'whole line'}</td>
                <td>{p.message}</td>
              </tr>
            ))}
          </tbody>
        </table>
      )}
      {preview.duplicateCount > 0 && (
        <table class="table card" aria-label="Duplicates">
          <caption class="table-caption">
            {plural(preview.duplicateCount, 'duplicate')}
            {listed(preview.duplicates.length, preview.duplicateCount)}: same title, username and address as
            an entry that is already there.
          </caption>
          <thead>
            <tr>
              <th scope="col">Line</th>
              <th scope="col">Title</th>
              <th scope="col">Username</th>
              <th scope="col">Already in</th>
            </tr>
          </thead>
          <tbody>
            {preview.duplicates.map((d) => (
              <tr key={d.line}>
                <td>{d.line}</td>
                <td>{d.title}</td>
                <td>{d.username}</td>
                <td>{d.of === 'vault' ? 'the vault' : `line ${d.of} of this file`}</td>
              </tr>
            ))}
          </tbody>
        </table>
      )}
      {preview.sample.length > 0 && (
        <table class="table card" aria-label="Entries to import">
          <caption class="table-caption">
            {preview.sample.length < preview.ready
              ? `The first ${preview.sample.length} of ${preview.ready} entries to import`
              : 'Entries to import'}
          </caption>
          <thead>
            <tr>
              <th scope="col">Line</th>
              <th scope="col">Title</th>
              <th scope="col">Username</th>
              <th scope="col">Address</th>
              <th scope="col">Category</th>
            </tr>
          </thead>
          <tbody>
            {preview.sample.map((s) => (
              <tr key={s.line}>
                <td>{s.line}</td>
                <td>{s.title}</td>
                <td>{s.username}</td>
                <td class="muted">{s.url}</td>
                <td>{s.category}</td>
              </tr>
            ))}
          </tbody>
        </table>
      )}
    </>
  );
}

// A passphrase-protected Keyroom export: the passphrase opens it in the main process, then the usual preview.
function Unseal(props: {
  preview: Preview;
  busy: boolean;
  onOpen: (passphrase: string) => void;
  onCancel: () => void;
}) {
  const [passphrase, setPassphrase] = useState('');
  const field = useId();
  return (
    <form
      class="card stack"
      aria-label="Open the protected file"
      onSubmit={(e) => {
        e.preventDefault();
        props.onOpen(passphrase);
      }}
    >
      <p>
        <strong>{props.preview.fileName}</strong> is a Keyroom export protected with a passphrase.
      </p>
      <div class="field">
        <label for={field}>Passphrase of the export</label>
        <input
          id={field}
          type="password"
          class="input"
          autoComplete="off"
          value={passphrase}
          onInput={(e) => setPassphrase(e.currentTarget.value)}
        />
      </div>
      <div class="row-actions">
        <button type="button" class="btn btn-ghost" onClick={props.onCancel}>
          Cancel
        </button>
        <button type="submit" class="btn btn-primary" disabled={props.busy || passphrase === ''}>
          {props.busy ? 'Opening…' : 'Open'}
        </button>
      </div>
    </form>
  );
}

export function ImportScreen() {
  const { state, dispatch } = useStore();
  const toast = useToast();
  const vaultSelect = useId();
  const duplicatesBox = useId();
  const [vaultId, setVaultId] = useState<string>(state.vaults[0]?.id ?? '');
  const [step, setStep] = useState<Step>({ kind: 'choose' });
  const [withDuplicates, setWithDuplicates] = useState(false);
  const [busy, setBusy] = useState(false);
  const heading = useRef<HTMLHeadingElement>(null);
  const vaultName = (id: string) => state.vaults.find((v) => v.id === id)?.name ?? 'the vault';

  useEffect(() => {
    if (!vaultId && state.vaults[0]) setVaultId(state.vaults[0].id);
  }, [state.vaults]);
  // Each step's heading takes the focus, so keyboard and screen-reader users land on what changed.
  useEffect(() => heading.current?.focus(), [step.kind]);

  const current = step.kind === 'running' ? step.preview.importId : null;
  useEffect(() => {
    if (!current) return;
    return on('importProgress', ({ importId, done, total }) => {
      if (importId !== current) return;
      setStep((s) => (s.kind === 'running' ? { ...s, done, total } : s));
    });
  }, [current]);

  async function choose() {
    setBusy(true);
    try {
      const preview = await call('import.choose', { vaultId });
      if (preview) {
        setWithDuplicates(false);
        setStep(preview.sealed ? { kind: 'unseal', preview } : { kind: 'preview', preview });
      }
    } catch (err) {
      toast('error', errorMessage(err));
    } finally {
      setBusy(false);
    }
  }

  async function unseal(preview: Preview, passphrase: string) {
    setBusy(true);
    try {
      const opened = await call('import.unseal', { importId: preview.importId, passphrase });
      setStep({ kind: 'preview', preview: opened });
    } catch (err) {
      toast('error', errorMessage(err));
    } finally {
      setBusy(false);
    }
  }

  async function run(preview: Preview) {
    const total = preview.ready + (withDuplicates ? preview.duplicateCount : 0);
    setStep({ kind: 'running', preview, done: 0, total });
    try {
      const summary = await call('import.run', {
        importId: preview.importId,
        includeDuplicates: withDuplicates,
      });
      setStep({ kind: 'done', preview, summary, total });
      dispatch({ type: 'entriesChanged' });
    } catch (err) {
      toast('error', errorMessage(err));
      setStep({ kind: 'choose' });
    }
  }

  function cancel(preview: Preview) {
    void call('import.cancel', { importId: preview.importId }).catch(() => {});
    setStep({ kind: 'choose' });
  }

  return (
    <main class="page" aria-labelledby="import-title">
      <header class="page-header">
        <h1 id="import-title" tabIndex={-1} ref={heading}>
          Import passwords
        </h1>
        <p class="muted">
          From a CSV file (or Bitwarden's JSON) exported by Bitwarden, 1Password, LastPass, KeePass,
          KeePassXC, Chrome, Edge, Firefox or a spreadsheet with a header row (title, username, password, url,
          notes, totp, folder).
        </p>
      </header>

      {step.kind === 'choose' && (
        <section class="card stack" aria-label="Choose a file">
          {state.vaults.length > 1 ? (
            <div class="field">
              <label for={vaultSelect}>Import into</label>
              <select
                id={vaultSelect}
                class="input"
                value={vaultId}
                onChange={(e) => setVaultId(e.currentTarget.value)}
              >
                {state.vaults.map((v) => (
                  <option key={v.id} value={v.id}>
                    {v.name}
                  </option>
                ))}
              </select>
            </div>
          ) : (
            <p>
              Entries go into <strong>{vaultName(vaultId)}</strong>.
            </p>
          )}
          <p class="muted small">
            Nothing is imported until you have seen what the file holds. Delete the exported file afterwards:
            it holds your passwords unencrypted.
          </p>
          <div class="row-actions">
            <button
              type="button"
              class="btn btn-primary"
              disabled={busy || !vaultId}
              onClick={() => void choose()}
            >
              <Icon name="folder" size={16} />
              {busy ? 'Reading…' : 'Choose file…'}
            </button>
          </div>
        </section>
      )}

      {step.kind === 'unseal' && (
        <Unseal
          preview={step.preview}
          busy={busy}
          onOpen={(passphrase) => void unseal(step.preview, passphrase)}
          onCancel={() => cancel(step.preview)}
        />
      )}

      {step.kind === 'preview' && (
        <>
          <section class="card stack" aria-label="Import summary">
            <p>
              <strong>{step.preview.fileName}</strong>, exported from {step.preview.formatName}:{' '}
              {plural(step.preview.rows, 'row')}. <strong>{step.preview.ready}</strong> ready to import into{' '}
              <strong>{vaultName(step.preview.vaultId)}</strong>,{' '}
              {plural(step.preview.duplicateCount, 'duplicate')}, {plural(step.preview.problemLines, 'line')}{' '}
              with problems.
            </p>
            {step.preview.duplicateCount > 0 && (
              <label class="toggle-row" for={duplicatesBox}>
                <span class="toggle-label">Import the duplicates too</span>
                <input
                  id={duplicatesBox}
                  type="checkbox"
                  class="switch"
                  checked={withDuplicates}
                  onChange={(e) => setWithDuplicates(e.currentTarget.checked)}
                />
              </label>
            )}
            <div class="row-actions">
              <button type="button" class="btn btn-ghost" onClick={() => cancel(step.preview)}>
                Cancel
              </button>
              <button
                type="button"
                class="btn btn-primary"
                disabled={step.preview.ready + (withDuplicates ? step.preview.duplicateCount : 0) === 0}
                onClick={() => void run(step.preview)}
              >
                Import{' '}
                {plural(
                  step.preview.ready + (withDuplicates ? step.preview.duplicateCount : 0),
                  'entry',
                  'entries',
                )}
              </button>
            </div>
          </section>
          <PreviewTables preview={step.preview} />
        </>
      )}

      {step.kind === 'running' && (
        <section class="card stack" aria-label="Importing" aria-busy="true">
          <h2>Importing into {vaultName(step.preview.vaultId)}…</h2>
          <Progress done={step.done} total={step.total} />
        </section>
      )}

      {step.kind === 'done' && (
        <section class="card stack" aria-label="Import finished">
          <h2>
            <Icon name="check" /> Import finished
          </h2>
          <Progress done={step.summary.imported + step.summary.queued} total={step.total} />
          <ul>
            <li>{plural(step.summary.imported, 'entry', 'entries')} imported.</li>
            {step.summary.queued > 0 && (
              <li>
                {plural(step.summary.queued, 'entry', 'entries')} saved on this PC, sent when the office
                server is back.
              </li>
            )}
            {step.summary.skippedDuplicates > 0 && (
              <li>{plural(step.summary.skippedDuplicates, 'duplicate')} skipped.</li>
            )}
            {step.summary.skippedProblems > 0 && (
              <li>{plural(step.summary.skippedProblems, 'line')} with problems skipped.</li>
            )}
            {step.summary.failed > 0 && (
              <li class="field-error">
                {plural(step.summary.failed, 'entry', 'entries')} refused by the server.
              </li>
            )}
          </ul>
          <div class="row-actions">
            <button type="button" class="btn btn-ghost" onClick={() => setStep({ kind: 'choose' })}>
              Import another file
            </button>
            <button
              type="button"
              class="btn btn-primary"
              onClick={() =>
                dispatch({
                  type: 'navigate',
                  view: {
                    kind: 'vault',
                    vaultId: state.vaults.length > 1 ? step.preview.vaultId : null,
                    category: null,
                    trash: false,
                  },
                })
              }
            >
              Show entries
            </button>
          </div>
        </section>
      )}
    </main>
  );
}
