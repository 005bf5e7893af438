import type { InvitationSheet as Sheet } from '../../shared/domain';
import { Fingerprint } from '../components/Fingerprint';
import { Icon } from '../components/Icon';
import { Modal } from '../components/Modal';
import { dateTime } from '../state/format';

// The printable sheet handed to a new colleague: one-time password and the office fingerprint to check at first
// run. Shown once; print styles hide everything else on the page.
export function InvitationSheet({ sheet, onClose }: { sheet: Sheet; onClose: () => void }) {
  return (
    <Modal title="Invitation sheet" onClose={onClose} wide className="print-sheet">
      <div class="sheet">
        <div class="sheet-brand">
          <Icon name="key" size={24} /> Keyroom — your invitation
        </div>
        <p>
          Hello {sheet.displayName}, an account has been created for you. Install Keyroom, choose “I have an
          invitation”, and type:
        </p>
        <dl class="sheet-fields">
          <dt>Email</dt>
          <dd class="mono">{sheet.email}</dd>
          <dt>One-time password</dt>
          <dd class="mono sheet-otp">{sheet.oneTimePassword}</dd>
          <dt>Server</dt>
          <dd class="mono">{sheet.serverUrl}</dd>
        </dl>
        <Fingerprint
          label="Office fingerprint — Keyroom asks you to type it at first start"
          value={sheet.officeFingerprint}
        />
        <p class="small">
          You will then choose your own master password. Read the fingerprint Keyroom then shows you to your
          administrator, who confirms your account. From then on you sign in on any PC with your email and
          master password. Keep this sheet private and destroy it afterwards.
        </p>
        <p class="muted small">Issued {dateTime(sheet.issuedAt)}</p>
      </div>
      <div class="modal-actions no-print">
        <p class="muted small">
          The one-time password is not shown again. Print the sheet or hand it over now.
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
