import { useState } from 'preact/hooks';
import { call, errorMessage } from '../api';
import { AuthLayout, FormError } from '../components/AuthLayout';
import { Field, PasswordField } from '../components/Field';
import { Icon } from '../components/Icon';
import { StrengthMeter } from '../components/StrengthMeter';
import { fingerprintsMatch, formatFingerprint, normalizeFingerprint } from '../state/format';
import { estimateStrength } from '../state/generator';
import { useStore } from '../state/store';

const MIN_MASTER_LENGTH = 12;

// First run: choose the master password and check the office fingerprint against the invitation sheet. The
// server's fingerprint is not shown before the person types theirs, so the check cannot be skipped by copying.
export function Enroll({ email, officeFingerprint }: { email: string; officeFingerprint: string | null }) {
  const { dispatch } = useStore();
  const [master, setMaster] = useState('');
  const [confirm, setConfirm] = useState('');
  const [fingerprint, setFingerprint] = useState('');
  // With no office key on the server, only the office's first admin may go on, and only by saying so.
  const [founding, setFounding] = useState(false);
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState<string | null>(null);

  const typed = normalizeFingerprint(fingerprint);
  const expectedLength = officeFingerprint ? normalizeFingerprint(officeFingerprint).length : 0;
  const complete = expectedLength > 0 && typed.length >= expectedLength;
  const matches = officeFingerprint !== null && fingerprintsMatch(fingerprint, officeFingerprint);
  const strength = estimateStrength(master);
  const problems = [
    master.length < MIN_MASTER_LENGTH ? `Use at least ${MIN_MASTER_LENGTH} characters.` : null,
    master.length >= MIN_MASTER_LENGTH && strength.score < 2 ? 'Choose a less predictable password.' : null,
  ].filter((p): p is string => p !== null);
  const mismatch = confirm.length > 0 && confirm !== master;
  const ready = problems.length === 0 && confirm === master && (matches || founding) && !busy;

  async function submit(e: Event) {
    e.preventDefault();
    if (!ready) return;
    setBusy(true);
    setError(null);
    try {
      const session = await call('session.enroll', {
        masterPassword: master,
        officeFingerprint: founding ? null : formatFingerprint(fingerprint),
      });
      dispatch({ type: 'session', session });
    } catch (err) {
      setError(errorMessage(err));
    } finally {
      setBusy(false);
    }
  }

  return (
    <AuthLayout
      wide
      title="Set up Keyroom on this PC"
      subtitle={
        <>
          Signed in as <strong>{email}</strong>. Choose your master password: it unlocks Keyroom and never
          leaves this PC. Nobody, not even your administrator, can recover it.
        </>
      }
    >
      <form onSubmit={submit} class="stack">
        <PasswordField
          label="Master password"
          value={master}
          onInput={setMaster}
          autoFocus
          autoComplete="new-password"
          hint={master ? <StrengthMeter password={master} /> : 'A sentence of four or more words works well.'}
          error={master.length > 0 ? (problems[0] ?? null) : null}
        />
        <PasswordField
          label="Repeat master password"
          value={confirm}
          onInput={setConfirm}
          autoComplete="new-password"
          error={mismatch ? 'The two passwords are different.' : null}
        />
        {officeFingerprint === null ? (
          <div class="callout">
            <Icon name="shield" />
            <div>
              <strong>This office has no keys yet.</strong> If you are its first administrator, Keyroom
              creates the office keys now and shows their fingerprint for the invitation sheets. If you
              received an invitation sheet, do not continue: tell your administrator.
              <label class="check">
                <input
                  type="checkbox"
                  checked={founding}
                  onChange={(e) => setFounding((e.currentTarget as HTMLInputElement).checked)}
                />{' '}
                I am the first administrator and I am setting up this office
              </label>
            </div>
          </div>
        ) : (
          <div class="callout">
            <Icon name="shield" />
            <div>
              <strong>Check the office fingerprint.</strong> Type the fingerprint printed on your invitation
              sheet. It proves this app talks to your office and not to an impostor.
            </div>
          </div>
        )}
        {officeFingerprint !== null && (
          <Field
            label="Office fingerprint from your invitation sheet"
            value={fingerprint}
            onInput={setFingerprint}
            mono
            placeholder="00000 00000 00000 00000 00000 00000"
            maxLength={120}
            hint={matches ? '✓ Matches the office key.' : 'Six groups of five digits; spaces do not matter.'}
            error={
              complete && !matches ? 'This does not match. Do not continue; tell your administrator.' : null
            }
          />
        )}
        <FormError message={error} />
        <button type="submit" class="btn btn-primary btn-block" disabled={!ready}>
          {busy ? 'Creating your keys…' : 'Create my keys'}
        </button>
      </form>
    </AuthLayout>
  );
}
