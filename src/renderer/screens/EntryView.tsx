import { useEffect, useState } from 'preact/hooks';
import type { EntryDetail } from '../../shared/domain';
import { copyField } from '../actions';
import { call, errorMessage } from '../api';
import { Icon } from '../components/Icon';
import { ConfirmDialog } from '../components/Modal';
import { TotpRing } from '../components/TotpRing';
import { isAdmin } from '../state/app-state';
import { dateTime, formatTotp, relativeTime, safeHttpUrl } from '../state/format';
import { useStore, useToast } from '../state/store';
import { HistoryDialog } from './HistoryDialog';

// Revealed passwords hide themselves again, like the clipboard clears itself.
const REVEAL_MS = 30_000;

function CopyButton({ label, onClick }: { label: string; onClick: () => void }) {
  return (
    <button type="button" class="btn-icon" aria-label={label} title={label} onClick={onClick}>
      <Icon name="copy" />
    </button>
  );
}

function PasswordRow({ entry }: { entry: EntryDetail }) {
  const { dispatch } = useStore();
  const toast = useToast();
  const [revealed, setRevealed] = useState<string | null>(null);
  useEffect(() => {
    if (revealed === null) return;
    const t = setTimeout(() => setRevealed(null), REVEAL_MS);
    return () => clearTimeout(t);
  }, [revealed]);
  useEffect(() => setRevealed(null), [entry.id, entry.version]);

  async function toggle() {
    if (revealed !== null) return setRevealed(null);
    try {
      setRevealed((await call('vault.reveal', { id: entry.id })).password);
    } catch (err) {
      toast('error', errorMessage(err));
    }
  }

  return (
    <div class="detail-field">
      <div class="detail-label">Password</div>
      <div class="detail-value">
        <span class={`mono password-value${revealed === null ? ' masked' : ''}`}>
          {revealed ?? '••••••••••••'}
        </span>
        <div class="detail-actions">
          <button
            type="button"
            class="btn-icon"
            onClick={toggle}
            aria-label={revealed === null ? 'Reveal password' : 'Hide password'}
            aria-pressed={revealed !== null}
          >
            <Icon name={revealed === null ? 'eye' : 'eyeOff'} />
          </button>
          <CopyButton
            label="Copy password (Ctrl+C)"
            onClick={() => void copyField(entry.id, 'password', dispatch)}
          />
        </div>
      </div>
    </div>
  );
}

function TotpRow({ id }: { id: string }) {
  const { dispatch } = useStore();
  const [totp, setTotp] = useState<{ code: string; period: number; remaining: number } | null>(null);
  const [failed, setFailed] = useState(false);
  useEffect(() => {
    let cancelled = false;
    let timer: ReturnType<typeof setTimeout> | undefined;
    async function load() {
      try {
        const r = await call('vault.totp', { id });
        if (cancelled) return;
        setTotp({ code: r.code, period: r.period, remaining: r.remainingSeconds });
        tick(r.remainingSeconds);
      } catch {
        if (!cancelled) setFailed(true);
      }
    }
    function tick(remaining: number) {
      timer = setTimeout(() => {
        if (remaining <= 1) return void load();
        setTotp((t) => (t ? { ...t, remaining: remaining - 1 } : t));
        tick(remaining - 1);
      }, 1000);
    }
    void load();
    return () => {
      cancelled = true;
      clearTimeout(timer);
    };
  }, [id]);
  return (
    <div class="detail-field">
      <div class="detail-label">One-time code</div>
      <div class="detail-value">
        {failed ? (
          <span class="muted">The code could not be generated.</span>
        ) : totp === null ? (
          <span class="muted">…</span>
        ) : (
          <>
            <span class="mono totp-code" aria-live="off">
              {formatTotp(totp.code)}
            </span>
            <TotpRing remaining={totp.remaining} period={totp.period} />
            <div class="detail-actions">
              <CopyButton label="Copy code" onClick={() => void copyField(id, 'totp', dispatch)} />
            </div>
          </>
        )}
      </div>
    </div>
  );
}

export function EntryView({ id }: { id: string }) {
  const { state, dispatch } = useStore();
  const toast = useToast();
  const [entry, setEntry] = useState<EntryDetail | null>(null);
  const [error, setError] = useState<string | null>(null);
  const [confirmDelete, setConfirmDelete] = useState(false);
  const [history, setHistory] = useState(false);
  const admin = isAdmin(state);

  useEffect(() => {
    let cancelled = false;
    setError(null);
    call('vault.get', { id }).then(
      (e) => !cancelled && setEntry(e),
      (err) => !cancelled && setError(errorMessage(err)),
    );
    return () => {
      cancelled = true;
    };
  }, [id, state.revision]);

  if (error) {
    return (
      <div class="detail-empty">
        <Icon name="alert" size={28} />
        <p>{error}</p>
      </div>
    );
  }
  if (!entry || entry.id !== id) return <div class="detail-empty" aria-busy="true" />;

  const link = entry.url ? safeHttpUrl(entry.url) : null;
  async function setDeleted(deleted: boolean) {
    if (!entry) return;
    try {
      await call(deleted ? 'vault.delete' : 'vault.restore', { id: entry.id, baseVersion: entry.version });
      toast('success', deleted ? `“${entry.title}” deleted.` : `“${entry.title}” restored.`);
      dispatch({ type: 'entriesChanged' });
    } catch (err) {
      toast('error', errorMessage(err));
    } finally {
      setConfirmDelete(false);
    }
  }

  return (
    <article class="detail" aria-labelledby="entry-title">
      <header class="detail-header">
        <div>
          <h2 id="entry-title">{entry.title}</h2>
          <div class="detail-meta">
            <span class="chip">{entry.category}</span>
            {entry.deletedAt && <span class="chip chip-danger">Deleted</span>}
          </div>
        </div>
        <div class="detail-header-actions">
          {entry.canEdit && !entry.deletedAt && (
            <button
              type="button"
              class="btn"
              onClick={() => dispatch({ type: 'edit', editing: { mode: 'edit', id: entry.id } })}
            >
              <Icon name="edit" /> Edit
            </button>
          )}
          {admin && (
            <button
              type="button"
              class="btn-icon"
              aria-label="History"
              title="History"
              onClick={() => setHistory(true)}
            >
              <Icon name="history" />
            </button>
          )}
          {entry.canEdit &&
            (entry.deletedAt ? (
              <button type="button" class="btn" onClick={() => void setDeleted(false)}>
                <Icon name="restore" /> Restore
              </button>
            ) : (
              <button
                type="button"
                class="btn-icon danger"
                aria-label="Delete"
                title="Delete"
                onClick={() => setConfirmDelete(true)}
              >
                <Icon name="trash" />
              </button>
            ))}
        </div>
      </header>

      {entry.damaged ? (
        <div class="banner banner-danger" role="alert">
          <Icon name="alert" />
          <span>This entry could not be opened safely. Ask your administrator to check it.</span>
        </div>
      ) : (
        <section class="detail-fields">
          {entry.username && (
            <div class="detail-field">
              <div class="detail-label">Username</div>
              <div class="detail-value">
                <span class="selectable">{entry.username}</span>
                <div class="detail-actions">
                  <CopyButton
                    label="Copy username (Ctrl+B)"
                    onClick={() => void copyField(entry.id, 'username', dispatch)}
                  />
                </div>
              </div>
            </div>
          )}
          {entry.hasPassword && <PasswordRow entry={entry} />}
          {entry.hasTotp && <TotpRow id={entry.id} />}
          {entry.url && (
            <div class="detail-field">
              <div class="detail-label">Website</div>
              <div class="detail-value">
                <span class="selectable">{link ?? entry.url}</span>
              </div>
            </div>
          )}
          {entry.customFields.map((f) => (
            <div class="detail-field" key={f.label}>
              <div class="detail-label">{f.label}</div>
              <div class="detail-value">
                <span class="selectable">{f.value}</span>
              </div>
            </div>
          ))}
          {entry.notes && (
            <div class="detail-field">
              <div class="detail-label">Notes</div>
              <div class="detail-notes selectable">{entry.notes}</div>
            </div>
          )}
        </section>
      )}

      <footer class="detail-footer">
        <span title={dateTime(entry.updatedAt)}>
          Updated {relativeTime(entry.updatedAt, new Date())} by {entry.updatedBy}
        </span>
        <span title={dateTime(entry.createdAt)}>Created by {entry.createdBy}</span>
      </footer>

      {confirmDelete && (
        <ConfirmDialog
          title="Delete entry?"
          message={
            <p>
              “{entry.title}” disappears for everyone. An administrator can restore it from <em>Deleted</em>.
            </p>
          }
          confirmLabel="Delete"
          danger
          onConfirm={() => void setDeleted(true)}
          onCancel={() => setConfirmDelete(false)}
        />
      )}
      {history && (
        <HistoryDialog
          id={entry.id}
          title={entry.title}
          currentVersion={entry.version}
          onClose={() => setHistory(false)}
        />
      )}
    </article>
  );
}
