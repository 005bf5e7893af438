import { useEffect, useState } from 'preact/hooks';
import type { OfficeRoot, RecoveryKitSheet } from '../../shared/domain';
import { call, errorMessage } from '../api';
import { FormError } from '../components/AuthLayout';
import { Field, PasswordField } from '../components/Field';
import { Fingerprint } from '../components/Fingerprint';
import { Icon } from '../components/Icon';
import { ConfirmDialog, Modal } from '../components/Modal';
import { dateTime } from '../state/format';
import { useStore, useToast } from '../state/store';

// The office root on the People page: who holds it; for its holder, the recovery kit to print once; for another
// admin, the take-over with the kit's code. The code exists on the printed sheet only: it is shown once, here.

function KitSheet({ kit, onClose }: { kit: RecoveryKitSheet; onClose: () => void }) {
  return (
    <Modal title="Office recovery kit" onClose={onClose} wide className="print-sheet">
      <div class="sheet">
        <div class="sheet-brand">
          <Icon name="shield" size={24} /> Keyroom — office recovery kit
        </div>
        <p>
          With this sheet an administrator can take over as office root if the current root leaves or loses
          access. Keep it locked away like the office's master key: whoever holds the code and the sealed kit
          can certify administrators.
        </p>
        <dl class="sheet-fields">
          <dt>Recovery code</dt>
          <dd class="mono sheet-otp" data-testid="recovery-code">
            {kit.code}
          </dd>
          <dt>Server</dt>
          <dd class="mono">{kit.serverUrl}</dd>
          <dt>Sealed kit (only if Keyroom asks for it)</dt>
          <dd class="mono small sheet-kit">{kit.sealedKit}</dd>
        </dl>
        <Fingerprint
          label="Office fingerprint — the office this kit belongs to"
          value={kit.officeFingerprint}
        />
        <p class="small">
          To take over: sign in to Keyroom as an administrator, open People, choose “Take over as office root”
          and type the recovery code. Every PC of the office is told who the new office root is.
        </p>
        <p class="muted small">Issued {dateTime(kit.issuedAt)}</p>
      </div>
      <div class="modal-actions no-print">
        <p class="muted small" role="alert">
          The recovery code is shown only this once and is not stored anywhere. Print the sheet now.
        </p>
        <button type="button" class="btn" onClick={onClose}>
          Done
        </button>
        <button type="button" class="btn btn-primary" onClick={() => window.print()}>
          <Icon name="printer" /> Print
        </button>
      </div>
    </Modal>
  );
}

function TakeOverDialog({ onDone, onClose }: { onDone: (root: OfficeRoot) => void; onClose: () => void }) {
  const [code, setCode] = useState('');
  const [password, setPassword] = useState('');
  const [sealedKit, setSealedKit] = useState('');
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState<string | null>(null);
  async function submit(e: Event) {
    e.preventDefault();
    setBusy(true);
    setError(null);
    try {
      const trimmed = sealedKit.trim();
      onDone(
        await call('admin.takeOverRoot', {
          code: code.trim(),
          masterPassword: password,
          ...(trimmed ? { sealedKit: trimmed } : {}),
        }),
      );
    } catch (err) {
      setError(errorMessage(err));
    } finally {
      setBusy(false);
    }
  }
  return (
    <Modal title="Take over as office root" onClose={onClose}>
      <form class="stack" onSubmit={submit}>
        <p>
          Type the recovery code from the office recovery kit. Keyroom opens the kit on this PC and keeps the
          office root’s key with your own keys, so it asks for your master password too. Every PC is told that
          you are the office root now, and the take-over is in the audit log.
        </p>
        <Field label="Recovery code" value={code} onInput={setCode} autoFocus required mono maxLength={100} />
        <PasswordField label="Your master password" value={password} onInput={setPassword} required />
        <details>
          <summary>The server has no kit?</summary>
          <Field label="Sealed kit, as printed on the sheet" value={sealedKit} onInput={setSealedKit} mono />
        </details>
        <FormError message={error} />
        <div class="modal-actions">
          <button type="button" class="btn" onClick={onClose}>
            Cancel
          </button>
          <button type="submit" class="btn btn-primary" disabled={busy || !code.trim() || !password}>
            {busy ? 'Opening the kit…' : 'Take over'}
          </button>
        </div>
      </form>
    </Modal>
  );
}

export function OfficeRootCard() {
  const { state } = useStore();
  const toast = useToast();
  const [root, setRoot] = useState<OfficeRoot | null>(null);
  const [asking, setAsking] = useState(false);
  const [kit, setKit] = useState<RecoveryKitSheet | null>(null);
  const [takingOver, setTakingOver] = useState(false);
  const [busy, setBusy] = useState(false);

  useEffect(() => {
    call('admin.officeRoot', {}).then(setRoot, (err) => toast('error', errorMessage(err)));
  }, [state.revision]);

  async function createKit() {
    setBusy(true);
    try {
      setKit(await call('admin.createRecoveryKit', {}));
    } catch (err) {
      toast('error', errorMessage(err));
    } finally {
      setBusy(false);
      setAsking(false);
    }
  }

  if (!root) return null;
  return (
    <section class="card" aria-labelledby="office-root-title">
      <h2 id="office-root-title">Office root</h2>
      <p>
        {root.isMe ? 'You hold' : `${root.holderName || 'Another admin'} holds`} the office root: the key that
        certifies administrators. It cannot be reset, disabled or demoted; it is handed on with the office
        recovery kit.
      </p>
      <div class="row">
        {root.isMe && root.canSignAsRoot && (
          <button type="button" class="btn" onClick={() => setAsking(true)}>
            <Icon name="printer" /> Print office recovery kit
          </button>
        )}
        {!root.isMe && (
          <button type="button" class="btn" onClick={() => setTakingOver(true)}>
            <Icon name="shield" /> Take over as office root
          </button>
        )}
      </div>
      {asking && (
        <ConfirmDialog
          title="Make an office recovery kit?"
          message={
            <p>
              The recovery code is shown once, for you to print. A kit printed earlier keeps working: it seals
              the same key, so keep every printed kit locked away or destroy it.
            </p>
          }
          confirmLabel="Show the kit"
          busy={busy}
          onConfirm={() => void createKit()}
          onCancel={() => setAsking(false)}
        />
      )}
      {kit && <KitSheet kit={kit} onClose={() => setKit(null)} />}
      {takingOver && (
        <TakeOverDialog
          onClose={() => setTakingOver(false)}
          onDone={(r) => {
            setTakingOver(false);
            setRoot(r);
            toast('success', 'You are now the office root.');
          }}
        />
      )}
    </section>
  );
}
