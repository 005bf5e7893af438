// Exporting one vault for leaving Keyroom (admins): Bitwarden CSV or JSON, the JSON optionally sealed under a
// passphrase. The confirmation names the risk; the main process asks where to save and writes the file, and the
// server records the export (vault.export) before the file is written.
import { useState } from 'preact/hooks';
import { call, errorMessage } from '../api';
import { ConfirmDialog } from '../components/Modal';
import { useStore, useToast } from '../state/store';

type Format = 'csv' | 'json';

export function AdminExport() {
  const { state } = useStore();
  const toast = useToast();
  const [vaultId, setVaultId] = useState(state.vaults[0]?.id ?? '');
  const [format, setFormat] = useState<Format>('csv');
  const [protect, setProtect] = useState(false);
  const [passphrase, setPassphrase] = useState('');
  const [confirming, setConfirming] = useState(false);
  const [busy, setBusy] = useState(false);
  const [result, setResult] = useState<string | null>(null);

  const vault = state.vaults.find((v) => v.id === vaultId);
  const sealed = format === 'json' && protect;
  const passphraseShort = sealed && passphrase.length < 12;

  const run = async () => {
    setBusy(true);
    try {
      const r = await call('export.save', {
        vaultId,
        format,
        ...(sealed ? { passphrase } : {}),
      });
      setConfirming(false);
      setPassphrase('');
      const left =
        r.skipped > 0 ? ` ${r.skipped} damaged entries that do not open on this PC are not in it.` : '';
      setResult(
        r.saved
          ? `${r.count} entries of ${vault?.name ?? 'the vault'} saved to ${r.fileName}.${left}`
          : 'Not saved: no file was chosen.',
      );
    } catch (err) {
      toast('error', errorMessage(err));
    } finally {
      setBusy(false);
    }
  };

  return (
    <main class="page" aria-labelledby="export-title">
      <header class="page-header">
        <h1 id="export-title">Export a vault</h1>
        <p class="muted">
          For leaving Keyroom: a file in Bitwarden’s format, which Bitwarden and most password managers
          import.
        </p>
      </header>
      <form
        class="card stack"
        aria-label="Export settings"
        onSubmit={(e) => {
          e.preventDefault();
          setResult(null);
          setConfirming(true);
        }}
      >
        <div class="field">
          <label for="export-vault">Vault</label>
          <select id="export-vault" value={vaultId} onChange={(e) => setVaultId(e.currentTarget.value)}>
            {state.vaults.map((v) => (
              <option key={v.id} value={v.id}>
                {v.name} ({v.entryCount})
              </option>
            ))}
          </select>
        </div>
        <fieldset class="field">
          <legend>Format</legend>
          <label>
            <input
              type="radio"
              name="export-format"
              checked={format === 'csv'}
              onChange={() => setFormat('csv')}
            />{' '}
            Bitwarden CSV
          </label>
          <label>
            <input
              type="radio"
              name="export-format"
              checked={format === 'json'}
              onChange={() => setFormat('json')}
            />{' '}
            Bitwarden JSON (keeps hidden fields hidden)
          </label>
        </fieldset>
        {format === 'json' && (
          <div class="field">
            <label>
              <input
                type="checkbox"
                checked={protect}
                onChange={(e) => setProtect(e.currentTarget.checked)}
              />{' '}
              Protect the file with a passphrase
            </label>
            {protect && (
              <>
                <label for="export-passphrase">Passphrase (at least 12 characters)</label>
                <input
                  id="export-passphrase"
                  type="password"
                  class="input"
                  autoComplete="new-password"
                  value={passphrase}
                  onInput={(e) => setPassphrase(e.currentTarget.value)}
                />
                <p class="field-hint">
                  Keyroom’s own protection (Argon2id and XChaCha20-Poly1305): only Keyroom opens such a file,
                  not Bitwarden. Export without it for Bitwarden.
                </p>
              </>
            )}
          </div>
        )}
        <div>
          <button type="submit" class="btn btn-primary" disabled={!vault || passphraseShort}>
            Export…
          </button>
        </div>
      </form>
      {result && (
        <p class="callout" role="status">
          {result}
        </p>
      )}
      {confirming && vault && (
        <ConfirmDialog
          title="Export every password of this vault?"
          message={
            <>
              <p>
                {sealed
                  ? `This file holds every password of “${vault.name}”, protected only by the passphrase you chose.`
                  : `This file holds every password of “${vault.name}” in plain text. Anyone who gets the file can read them all. Open it only in the password manager you move to, not in a spreadsheet: a title someone typed can run as a formula there.`}
              </p>
              <p>
                Keep it on an encrypted drive, import it, then delete it. The export is recorded in the audit
                log.
              </p>
            </>
          }
          confirmLabel="Export and save"
          danger
          busy={busy}
          onConfirm={() => void run()}
          onCancel={() => setConfirming(false)}
        />
      )}
    </main>
  );
}
