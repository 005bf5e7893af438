import { useEffect, useState } from 'preact/hooks';
import type { Member, Role, InvitationSheet as Sheet } from '../../shared/domain';
import { KeyroomError } from '../../shared/errors';
import { call, errorMessage } from '../api';
import { FormError } from '../components/AuthLayout';
import { Field } from '../components/Field';
import { Fingerprint } from '../components/Fingerprint';
import { Icon } from '../components/Icon';
import { ConfirmDialog, Modal } from '../components/Modal';
import { fingerprintsMatch, initials, relativeTime } from '../state/format';
import { useStore, useToast } from '../state/store';
import { InvitationSheet } from './InvitationSheet';
import { OfficeRootCard } from './OfficeRoot';
import { RotateVaultsDialog } from './RotateVaults';

type Pending =
  | { kind: 'disable' | 'enable' | 'reset'; member: Member }
  | { kind: 'role'; member: Member; role: Role }
  | null;

const STATUS_LABEL = {
  invited: 'Invited',
  enrolled: 'Waiting for confirmation',
  active: 'Active',
  disabled: 'Disabled',
};

function InviteDialog({ onDone, onClose }: { onDone: (sheet: Sheet) => void; onClose: () => void }) {
  const [email, setEmail] = useState('');
  const [name, setName] = useState('');
  const [role, setRole] = useState<Role>('member');
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState<string | null>(null);
  // A refusal about the email itself (an existing account) sits under that field until the email changes.
  const [emailError, setEmailError] = useState<string | null>(null);
  async function submit(e: Event) {
    e.preventDefault();
    setBusy(true);
    setError(null);
    try {
      onDone(await call('admin.invite', { email: email.trim(), displayName: name.trim(), role }));
    } catch (err) {
      if (err instanceof KeyroomError && err.code === 'account_exists') setEmailError(err.message);
      else setError(errorMessage(err));
    } finally {
      setBusy(false);
    }
  }
  return (
    <Modal title="Invite a colleague" onClose={onClose}>
      <form class="stack" onSubmit={submit}>
        <Field label="Name" value={name} onInput={setName} autoFocus required maxLength={200} />
        <Field
          label="Work email"
          type="email"
          value={email}
          onInput={(v) => {
            setEmail(v);
            setEmailError(null);
          }}
          error={emailError}
          required
        />
        <fieldset class="segmented">
          <legend>Role</legend>
          {(['member', 'admin'] as const).map((r) => (
            <label key={r} class={role === r ? 'active' : ''}>
              <input type="radio" name="role" value={r} checked={role === r} onChange={() => setRole(r)} />
              {r === 'member' ? 'Member — sees and adds' : 'Administrator — manages everything'}
            </label>
          ))}
        </fieldset>
        <FormError message={error} />
        <div class="modal-actions">
          <button type="button" class="btn" onClick={onClose}>
            Cancel
          </button>
          <button type="submit" class="btn btn-primary" disabled={busy || !email || !name.trim()}>
            {busy ? 'Creating…' : 'Create invitation'}
          </button>
        </div>
      </form>
    </Modal>
  );
}

// Confirming a member: the admin compares the fingerprint the member reads out with the one shown here, and
// types (at least) what they heard, so a click alone cannot confirm an impostor's key.
function ConfirmMemberDialog({
  member,
  onDone,
  onClose,
}: {
  member: Member;
  onDone: () => void;
  onClose: () => void;
}) {
  const [heard, setHeard] = useState('');
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState<string | null>(null);
  const expected = member.fingerprint ?? '';
  const matches = fingerprintsMatch(heard, expected);
  async function submit(e: Event) {
    e.preventDefault();
    setBusy(true);
    setError(null);
    try {
      await call('admin.confirm', { memberId: member.id, fingerprint: expected, role: member.role });
      onDone();
    } catch (err) {
      setError(errorMessage(err));
    } finally {
      setBusy(false);
    }
  }
  return (
    <Modal title={`Confirm ${member.displayName}`} onClose={onClose}>
      <form class="stack" onSubmit={submit}>
        <p>
          Ask {member.displayName} to read the fingerprint shown on their screen, in person or by phone. It
          must match this one exactly. You confirm them as{' '}
          <strong>
            {member.role === 'admin' ? 'an administrator (may grant vault access)' : 'an employee'}
          </strong>
          .
        </p>
        <Fingerprint label="Fingerprint of their keys" value={expected} />
        <Field
          label="Type the fingerprint they read to you"
          value={heard}
          onInput={setHeard}
          mono
          autoFocus
          hint={matches ? '✓ Matches.' : 'Spaces do not matter.'}
          error={
            heard.replace(/\s/g, '').length >= expected.replace(/\s/g, '').length && !matches
              ? 'This does not match. Do not confirm.'
              : null
          }
        />
        <FormError message={error} />
        <div class="modal-actions">
          <button type="button" class="btn" onClick={onClose}>
            Cancel
          </button>
          <button type="submit" class="btn btn-primary" disabled={!matches || busy}>
            Confirm {member.displayName}
          </button>
        </div>
      </form>
    </Modal>
  );
}

function describe(p: Exclude<Pending, null>): {
  title: string;
  text: string;
  label: string;
  danger: boolean;
} {
  const name = p.member.displayName || p.member.email;
  switch (p.kind) {
    case 'disable':
      return {
        title: `Disable ${name}?`,
        text: `${name} loses access immediately on every PC. Next, you rotate the vault keys they held and get the list of passwords they revealed or copied, to change.`,
        label: 'Disable',
        danger: true,
      };
    case 'enable':
      return {
        title: `Enable ${name}?`,
        text: `${name} keeps their keys but is confirmed again: they appear under Waiting for confirmation, and you compare the fingerprint their app shows. If their PC was wiped when they were disabled, reset the account instead.`,
        label: 'Enable',
        danger: false,
      };
    case 'reset':
      return {
        title: `Reset ${name}?`,
        text:
          p.member.status === 'disabled'
            ? `${name} stays disabled. Their keys are removed and you get a new one-time password, which works once you enable them; then they set up Keyroom again and you confirm their new fingerprint. Nothing in the vault is lost.`
            : `${name} must set up Keyroom again with a new one-time password, and you confirm their new fingerprint. Nothing in the vault is lost.`,
        label: 'Reset account',
        danger: true,
      };
    case 'role':
      return {
        title: p.role === 'admin' ? `Make ${name} an administrator?` : `Make ${name} a member?`,
        text:
          p.role === 'admin'
            ? `${name} will be able to edit and delete entries, manage people and see the audit log, once the office root confirms them again (their fingerprint, under Waiting for confirmation).`
            : `${name} will only see, copy and add entries, once you confirm them again (their fingerprint, under Waiting for confirmation). What they signed as an admin is taken over by you.`,
        label: 'Change role',
        danger: p.role === 'admin',
      };
  }
}

export function AdminUsers() {
  const { state } = useStore();
  const toast = useToast();
  const [members, setMembers] = useState<Member[] | null>(null);
  const [inviting, setInviting] = useState(false);
  const [sheet, setSheet] = useState<Sheet | null>(null);
  const [confirming, setConfirming] = useState<Member | null>(null);
  const [pending, setPending] = useState<Pending>(null);
  const [busy, setBusy] = useState(false);
  // Offboarding's next step, offered right after a disable and from a disabled person's row.
  const [rotating, setRotating] = useState<Member | null>(null);
  const me = state.session?.state === 'unlocked' ? state.session.user.id : null;

  const load = () =>
    call('admin.members', {}).then(
      (r) => setMembers(r.members),
      (err) => toast('error', errorMessage(err)),
    );
  useEffect(() => void load(), [state.revision, state.peopleRevision]);

  async function run(p: Exclude<Pending, null>) {
    let disabled = false;
    setBusy(true);
    try {
      const memberId = p.member.id;
      if (p.kind === 'reset') setSheet(await call('admin.reset', { memberId }));
      else if (p.kind === 'role') await call('admin.setRole', { memberId, role: p.role });
      else await call(p.kind === 'disable' ? 'admin.disable' : 'admin.enable', { memberId });
      toast('success', 'Done.');
      await load();
      disabled = p.kind === 'disable';
    } catch (err) {
      toast('error', errorMessage(err));
    } finally {
      setBusy(false);
      setPending(null);
    }
    if (disabled) setRotating(p.member);
  }

  const waiting = members?.filter((m) => m.status === 'enrolled') ?? [];
  const confirmDialog = pending ? describe(pending) : null;
  return (
    <main class="page" aria-labelledby="people-title">
      <header class="page-header row">
        <div>
          <h1 id="people-title">People</h1>
          <p class="muted">Invite colleagues, confirm their keys, and manage access.</p>
        </div>
        <button type="button" class="btn btn-primary" onClick={() => setInviting(true)}>
          <Icon name="plus" /> Invite
        </button>
      </header>

      <OfficeRootCard />

      {waiting.length > 0 && (
        <section class="card attention" aria-labelledby="waiting-title">
          <h2 id="waiting-title">Waiting for confirmation</h2>
          {waiting.map((m) => (
            <div key={m.id} class="waiting-row">
              <span class="avatar">{initials(m.displayName || m.email)}</span>
              <div class="grow">
                <div>{m.displayName}</div>
                <div class="muted small">
                  {m.email} · enrolled {relativeTime(m.enrolledAt, new Date())}
                </div>
              </div>
              <span class="mono small">{m.fingerprint}</span>
              <button type="button" class="btn btn-primary" onClick={() => setConfirming(m)}>
                Compare and confirm
              </button>
            </div>
          ))}
        </section>
      )}

      <table class="table card">
        <thead>
          <tr>
            <th scope="col">Name</th>
            <th scope="col">Role</th>
            <th scope="col">Status</th>
            <th scope="col" class="cell-fingerprint">
              Fingerprint
            </th>
            <th scope="col">
              <span class="sr-only">Actions</span>
            </th>
          </tr>
        </thead>
        <tbody>
          {members?.map((m) => (
            <tr key={m.id} class={m.status === 'disabled' ? 'dim' : ''}>
              <td>
                <div class="cell-person">
                  <span class="avatar">{initials(m.displayName || m.email)}</span>
                  <div>
                    <div>
                      {m.displayName}
                      {m.id === me && <span class="muted"> (you)</span>}
                      {m.isOfficeRoot && <span class="chip">office root</span>}
                    </div>
                    <div class="muted small">{m.email}</div>
                  </div>
                </div>
              </td>
              <td>{m.role === 'admin' ? 'Administrator' : 'Member'}</td>
              <td>
                <span class={`status status-${m.status}`}>{STATUS_LABEL[m.status]}</span>
              </td>
              <td class="mono small cell-fingerprint">{m.fingerprint ?? '—'}</td>
              <td class="cell-actions">
                {/* The office root is not reset, disabled or demoted: it is handed on with the recovery kit. */}
                {m.id !== me && !m.isOfficeRoot && (
                  <>
                    {m.status === 'active' && (
                      <button
                        type="button"
                        class="btn btn-small"
                        onClick={() =>
                          setPending({
                            kind: 'role',
                            member: m,
                            role: m.role === 'admin' ? 'member' : 'admin',
                          })
                        }
                      >
                        {m.role === 'admin' ? 'Make member' : 'Make admin'}
                      </button>
                    )}
                    {m.status !== 'invited' && (
                      <button
                        type="button"
                        class="btn btn-small"
                        onClick={() => setPending({ kind: 'reset', member: m })}
                      >
                        Reset
                      </button>
                    )}
                    {m.status === 'disabled' && (
                      <button type="button" class="btn btn-small" onClick={() => setRotating(m)}>
                        Rotate vault keys
                      </button>
                    )}
                    {m.status === 'disabled' ? (
                      <button
                        type="button"
                        class="btn btn-small"
                        onClick={() => setPending({ kind: 'enable', member: m })}
                      >
                        Enable
                      </button>
                    ) : (
                      <button
                        type="button"
                        class="btn btn-small btn-danger-ghost"
                        onClick={() => setPending({ kind: 'disable', member: m })}
                      >
                        Disable
                      </button>
                    )}
                  </>
                )}
              </td>
            </tr>
          ))}
        </tbody>
      </table>

      {inviting && (
        <InviteDialog
          onClose={() => setInviting(false)}
          onDone={(s) => {
            setInviting(false);
            setSheet(s);
            void load();
          }}
        />
      )}
      {rotating && <RotateVaultsDialog leaver={rotating} onClose={() => setRotating(null)} />}
      {sheet && <InvitationSheet sheet={sheet} onClose={() => setSheet(null)} />}
      {confirming && (
        <ConfirmMemberDialog
          member={confirming}
          onClose={() => setConfirming(null)}
          onDone={() => {
            toast('success', `${confirming.displayName} is confirmed and can now use Keyroom.`);
            setConfirming(null);
            void load();
          }}
        />
      )}
      {pending && confirmDialog && (
        <ConfirmDialog
          title={confirmDialog.title}
          message={<p>{confirmDialog.text}</p>}
          confirmLabel={confirmDialog.label}
          danger={confirmDialog.danger}
          busy={busy}
          onConfirm={() => void run(pending)}
          onCancel={() => setPending(null)}
        />
      )}
    </main>
  );
}
