// Entries typed on this PC that the server refused for good (the vault was removed, the access ended): a
// banner while there are any, and a dialog to copy from them, save them into another vault, or discard them.
// Nothing leaves this list without an explicit choice.
import { useEffect, useState } from 'preact/hooks';
import type { RefusedWrite } from '../../shared/domain';
import { copied } from '../actions';
import { call, errorMessage, on } from '../api';
import { dateTime } from '../state/format';
import { useStore, useToast } from '../state/store';
import { Icon } from './Icon';
import { ConfirmDialog, Modal } from './Modal';

function Item({ item, onDone }: { item: RefusedWrite; onDone: () => void }) {
  const { state, dispatch } = useStore();
  const toast = useToast();
  const targets = state.vaults.filter((v) => v.id !== item.vaultId);
  const [target, setTarget] = useState(targets[0]?.id ?? '');
  const [busy, setBusy] = useState(false);
  const [confirming, setConfirming] = useState(false);

  async function run(action: () => Promise<void>) {
    setBusy(true);
    try {
      await action();
    } catch (err) {
      toast('error', errorMessage(err));
    } finally {
      setBusy(false);
    }
  }

  const copy = (field: 'password' | 'username') =>
    run(async () => {
      const { clearsInSeconds } = await call('refused.copy', { id: item.id, field });
      copied(dispatch, field === 'username' ? 'Username' : 'Password', clearsInSeconds);
    });

  const save = () =>
    run(async () => {
      await call('refused.save', { id: item.id, vaultId: target });
      dispatch({ type: 'entriesChanged' });
      toast('success', `“${item.title}” saved.`);
      onDone();
    });

  const discard = () =>
    run(async () => {
      await call('refused.discard', { id: item.id });
      setConfirming(false);
      onDone();
    });

  const name = item.damaged ? 'An entry that can no longer be opened' : item.title || 'Untitled entry';
  return (
    <section class="card conflict" aria-label={`Could not be saved: ${name}`}>
      <h3>{name}</h3>
      <p class="muted small">
        {item.username && `${item.username} · `}
        {dateTime(item.refusedAt)}
      </p>
      <p>{item.reason}</p>
      <div class="row-actions">
        {item.hasPassword && !item.damaged && (
          <button type="button" class="btn" disabled={busy} onClick={() => void copy('password')}>
            <Icon name="copy" /> Copy password
          </button>
        )}
        {item.username && !item.damaged && (
          <button type="button" class="btn" disabled={busy} onClick={() => void copy('username')}>
            <Icon name="copy" /> Copy username
          </button>
        )}
      </div>
      {!item.damaged && targets.length > 0 && (
        <div class="row-actions">
          <label>
            Save to{' '}
            <select value={target} onChange={(e) => setTarget(e.currentTarget.value)} disabled={busy}>
              {targets.map((v) => (
                <option key={v.id} value={v.id}>
                  {v.name}
                </option>
              ))}
            </select>
          </label>
          <button
            type="button"
            class="btn btn-primary"
            disabled={busy || !target}
            onClick={() => void save()}
          >
            Save there
          </button>
        </div>
      )}
      <div class="row-actions">
        <button type="button" class="btn btn-danger" disabled={busy} onClick={() => setConfirming(true)}>
          <Icon name="trash" /> Discard
        </button>
      </div>
      {confirming && (
        <ConfirmDialog
          title="Discard this entry?"
          message={`“${name}” was never saved anywhere else. Once discarded it cannot be recovered.`}
          confirmLabel="Discard"
          danger
          busy={busy}
          onConfirm={() => void discard()}
          onCancel={() => setConfirming(false)}
        />
      )}
    </section>
  );
}

export function RefusedWrites() {
  const { state } = useStore();
  const toast = useToast();
  const [items, setItems] = useState<RefusedWrite[]>([]);
  const [open, setOpen] = useState(false);

  const load = () =>
    call('refused.list', {}).then(
      (r) => setItems(r.refused),
      (err) => toast('error', errorMessage(err)),
    );

  useEffect(() => {
    void load();
    return on('refusedChanged', () => void load());
  }, [state.revision]);

  if (items.length === 0) return null;
  const label =
    items.length === 1 ? '1 entry could not be saved' : `${items.length} entries could not be saved`;
  return (
    <>
      <div class="banner banner-warning" role="alert">
        <Icon name="alert" />
        <span>
          {label}: the server refused {items.length === 1 ? 'it' : 'them'}. They are kept on this PC until you
          save or discard them.
        </span>
        <button type="button" class="btn" onClick={() => setOpen(true)}>
          Review
        </button>
      </div>
      {open && (
        <Modal title={label} wide onClose={() => setOpen(false)}>
          {items.map((item) => (
            <Item key={item.id} item={item} onDone={() => void load()} />
          ))}
        </Modal>
      )}
    </>
  );
}
