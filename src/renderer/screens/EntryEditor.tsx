import { useEffect, useId, useState } from 'preact/hooks';
import type { EntryDetail, EntryInput } from '../../shared/domain';
import { KeyroomError } from '../../shared/errors';
import { call, errorMessage } from '../api';
import { FormError } from '../components/AuthLayout';
import { Field, PasswordField } from '../components/Field';
import { Generator } from '../components/Generator';
import { Icon } from '../components/Icon';
import { StrengthMeter } from '../components/StrengthMeter';
import { categoryCounts } from '../state/app-state';
import { useStore, useToast } from '../state/store';
import { normalizeWebsite } from '../state/website';

const SUGGESTED_CATEGORIES = ['Login', 'Wi-Fi', 'Server', 'Email', 'Finance', 'Software licence', 'Note'];

// Add and edit. On edit the password and TOTP secret start empty: the form never holds the stored secret, and
// leaving them empty keeps it (sent as null).
export function EntryEditor({ id }: { id: string | null }) {
  const { state, dispatch } = useStore();
  const toast = useToast();
  const [original, setOriginal] = useState<EntryDetail | null>(null);
  const [title, setTitle] = useState('');
  const [username, setUsername] = useState('');
  const [password, setPassword] = useState('');
  const [url, setUrl] = useState('');
  const [urlError, setUrlError] = useState<string | null>(null);
  const [category, setCategory] = useState(
    // No category nobody chose: empty unless the list is filtered to one.
    state.view.kind === 'vault' && state.view.category ? state.view.category : '',
  );
  const [notes, setNotes] = useState('');
  const [totp, setTotp] = useState('');
  const [removeTotp, setRemoveTotp] = useState(false);
  const [vaultId, setVaultId] = useState(
    (state.view.kind === 'vault' ? state.view.vaultId : null) ?? state.vaults[0]?.id ?? '',
  );
  const [showGenerator, setShowGenerator] = useState(false);
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState<string | null>(null);
  const notesId = useId();
  const vaultSelectId = useId();

  useEffect(() => {
    if (id === null) return;
    call('vault.get', { id }).then(
      (e) => {
        setOriginal(e);
        setTitle(e.title);
        setUsername(e.username);
        setUrl(e.url);
        setCategory(e.category);
        setNotes(e.notes);
        setVaultId(e.vaultId);
      },
      (err) => setError(errorMessage(err)),
    );
  }, [id]);

  const close = () => dispatch({ type: 'edit', editing: null });

  async function save(e: Event) {
    e.preventDefault();
    const website = normalizeWebsite(url);
    if (!website.ok) {
      setUrlError(website.message);
      return;
    }
    setUrl(website.url);
    setBusy(true);
    setError(null);
    const entry: EntryInput = {
      title: title.trim(),
      username,
      password: id !== null && password === '' ? null : password,
      url: website.url,
      category: category.trim(),
      notes,
      totpSecret: removeTotp
        ? ''
        : totp.trim() === ''
          ? id === null
            ? ''
            : null
          : totp.replace(/\s+/g, '').toUpperCase(),
      customFields: original?.customFields ?? [],
    };
    try {
      const saved =
        id === null || original === null
          ? await call('vault.create', { vaultId, entry })
          : await call('vault.update', { id, baseVersion: original.version, entry });
      toast('success', id === null ? `“${saved.title}” added.` : `“${saved.title}” saved.`);
      dispatch({ type: 'entriesChanged' });
      dispatch({ type: 'edit', editing: null });
      dispatch({ type: 'select', id: saved.id });
    } catch (err) {
      if (err instanceof KeyroomError && err.code === 'conflict') {
        toast('warning', err.message);
        dispatch({ type: 'navigate', view: { kind: 'conflicts' } });
        return;
      }
      setError(errorMessage(err));
    } finally {
      setBusy(false);
    }
  }

  const categories = [
    ...new Set([...categoryCounts(state.entries).map(([c]) => c), ...SUGGESTED_CATEGORIES]),
  ];
  return (
    <form class="detail editor" onSubmit={save} aria-labelledby="editor-title">
      <header class="detail-header">
        <h2 id="editor-title">{id === null ? 'New entry' : `Edit “${original?.title ?? ''}”`}</h2>
        <div class="detail-header-actions">
          <button type="button" class="btn" onClick={close}>
            Cancel
          </button>
          <button
            type="submit"
            class="btn btn-primary"
            disabled={busy || title.trim() === '' || (id !== null && original === null)}
          >
            {busy ? 'Saving…' : 'Save'}
          </button>
        </div>
      </header>
      <div class="editor-fields">
        <Field label="Title" value={title} onInput={setTitle} autoFocus required maxLength={200} />
        {id === null && state.vaults.length > 1 && (
          <div class="field">
            <label for={vaultSelectId}>Vault</label>
            <select
              id={vaultSelectId}
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
        )}
        <Field label="Username" value={username} onInput={setUsername} maxLength={500} />
        <PasswordField
          label="Password"
          value={password}
          onInput={setPassword}
          autoComplete="new-password"
          placeholder={id === null ? '' : 'Leave empty to keep the current password'}
          maxLength={1000}
          hint={<StrengthMeter password={password} />}
          trailing={
            <button
              type="button"
              class="btn-icon"
              aria-label="Generate a password"
              title="Generate a password"
              aria-expanded={showGenerator}
              onClick={() => setShowGenerator(!showGenerator)}
            >
              <Icon name="dice" />
            </button>
          }
        />
        {showGenerator && (
          <Generator
            onUse={(pw) => {
              setPassword(pw);
              setShowGenerator(false);
            }}
          />
        )}
        <Field
          label="Website"
          value={url}
          onInput={(v) => {
            setUrl(v);
            setUrlError(null);
          }}
          placeholder="mail.example.com"
          error={urlError}
          maxLength={2048}
        />
        <Field label="Category" value={category} onInput={setCategory} maxLength={40} />
        <fieldset class="chips">
          <legend class="sr-only">Pick a category</legend>
          {categories.map((c) => (
            <button
              type="button"
              key={c}
              class={`chip chip-button${c === category ? ' active' : ''}`}
              onClick={() => setCategory(c)}
            >
              {c}
            </button>
          ))}
        </fieldset>
        <Field
          label="Two-factor secret (TOTP)"
          value={totp}
          onInput={(v) => {
            setTotp(v);
            setRemoveTotp(false);
          }}
          mono
          maxLength={256}
          placeholder={
            original?.hasTotp
              ? 'Leave empty to keep the current secret'
              : 'Base32 secret from the website, optional'
          }
        />
        {original?.hasTotp && (
          <label class="check">
            <input
              type="checkbox"
              checked={removeTotp}
              onChange={(e) => setRemoveTotp(e.currentTarget.checked)}
            />
            Remove the two-factor secret
          </label>
        )}
        <div class="field">
          <label for={notesId}>Notes</label>
          <textarea
            id={notesId}
            class="input"
            rows={5}
            value={notes}
            maxLength={10_000}
            onInput={(e) => setNotes(e.currentTarget.value)}
          />
        </div>
        <FormError message={error} />
      </div>
    </form>
  );
}
