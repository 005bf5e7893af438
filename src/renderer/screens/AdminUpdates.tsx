import { useEffect, useId, useState } from 'preact/hooks';
import type { ClientPolicy } from '../../shared/domain';
import { isSemver } from '../../shared/semver';
import { call, errorMessage } from '../api';
import { FormError } from '../components/AuthLayout';
import { Field, Toggle } from '../components/Field';
import { ConfirmDialog } from '../components/Modal';
import { dateTime } from '../state/format';
import { useStore, useToast } from '../state/store';

function PublishForm({ onSaved }: { onSaved: (p: ClientPolicy) => void }) {
  const toast = useToast();
  const [version, setVersion] = useState('');
  const [notes, setNotes] = useState('');
  const [critical, setCritical] = useState(false);
  const [confirming, setConfirming] = useState(false);
  const [error, setError] = useState<string | null>(null);
  const notesId = useId();
  async function publish() {
    setConfirming(false);
    setError(null);
    try {
      onSaved(await call('admin.publishRelease', { version, releaseNotes: notes, critical }));
      toast('success', `Version ${version} published.`);
      setVersion('');
      setNotes('');
      setCritical(false);
    } catch (err) {
      setError(errorMessage(err));
    }
  }
  return (
    <form
      class="card stack"
      aria-labelledby="publish-title"
      onSubmit={(e) => {
        e.preventDefault();
        setConfirming(true);
      }}
    >
      <h2 id="publish-title">Publish a release</h2>
      <Field
        label="Version"
        value={version}
        onInput={setVersion}
        mono
        placeholder="1.4.2"
        error={version && !isSemver(version) ? 'A version looks like 1.4.2.' : null}
      />
      <div class="field">
        <label for={notesId}>Release notes</label>
        <textarea
          id={notesId}
          class="input"
          rows={4}
          value={notes}
          onInput={(e) => setNotes(e.currentTarget.value)}
          maxLength={10_000}
        />
      </div>
      <Toggle
        label="Critical update"
        hint="Installs on every older PC without asking, as soon as it has downloaded; nobody is blocked meanwhile. Use it for security fixes. The office's update feed must already serve this version."
        checked={critical}
        onChange={setCritical}
      />
      <FormError message={error} />
      <div>
        <button type="submit" class="btn btn-primary" disabled={!isSemver(version)}>
          Publish
        </button>
      </div>
      {confirming && (
        <ConfirmDialog
          title={`Publish ${version}?`}
          message={
            <p>
              {critical
                ? 'Every PC running an older version installs it without asking once it has downloaded.'
                : 'PCs will offer the update to their users.'}
            </p>
          }
          confirmLabel="Publish"
          danger={critical}
          onConfirm={() => void publish()}
          onCancel={() => setConfirming(false)}
        />
      )}
    </form>
  );
}

export function AdminUpdates() {
  const { state } = useStore();
  const toast = useToast();
  const [policy, setPolicy] = useState<ClientPolicy | null>(null);
  const [minVersion, setMinVersion] = useState('');
  const [autoLock, setAutoLock] = useState('10');
  const [confirmMin, setConfirmMin] = useState(false);
  const autoLockId = useId();

  const apply = (p: ClientPolicy) => {
    setPolicy(p);
    setMinVersion(p.minVersion ?? '');
    setAutoLock(String(p.autoLockMinutes));
  };
  useEffect(() => {
    call('admin.policy', {}).then(apply, (err) => toast('error', errorMessage(err)));
  }, []);

  async function saveMin() {
    setConfirmMin(false);
    try {
      apply(
        await call('admin.setMinVersion', {
          minVersion: minVersion.trim() === '' ? null : minVersion.trim(),
        }),
      );
      toast('success', 'Minimum version saved.');
    } catch (err) {
      toast('error', errorMessage(err));
    }
  }
  async function savePolicy(patch: Partial<{ autoLockMinutes: number; allowStayUnlocked: boolean }>) {
    if (!policy) return;
    try {
      apply(
        await call('admin.setPolicy', {
          autoLockMinutes: patch.autoLockMinutes ?? policy.autoLockMinutes,
          allowStayUnlocked: patch.allowStayUnlocked ?? policy.allowStayUnlocked,
        }),
      );
      toast('success', 'Policy saved.');
    } catch (err) {
      toast('error', errorMessage(err));
    }
  }

  const minValid = minVersion.trim() === '' || isSemver(minVersion.trim());
  const lockMinutes = Number(autoLock);
  return (
    <main class="page" aria-labelledby="updates-title">
      <header class="page-header">
        <h1 id="updates-title">Updates and policy</h1>
        <p class="muted">
          This PC runs {state.info?.version}.{' '}
          {policy?.latestVersion && (
            <>
              Latest published: <strong>{policy.latestVersion}</strong>
              {policy.critical && <span class="chip chip-danger">critical</span>}.
            </>
          )}
          {policy?.updatedAt && <> Last change {dateTime(policy.updatedAt)}.</>}
        </p>
      </header>
      <PublishForm onSaved={apply} />
      <form
        class="card stack"
        aria-labelledby="min-title"
        onSubmit={(e) => {
          e.preventDefault();
          setConfirmMin(true);
        }}
      >
        <h2 id="min-title">Minimum version</h2>
        <p class="muted small">
          PCs below this version block on the update screen until they have updated. Keyroom saves it only
          when the office's update feed serves that version. Leave empty for no minimum.
        </p>
        <Field
          label="Minimum version"
          value={minVersion}
          onInput={setMinVersion}
          mono
          placeholder="1.4.0"
          error={minValid ? null : 'A version looks like 1.4.2.'}
        />
        <div>
          <button
            type="submit"
            class="btn"
            disabled={!minValid || (policy?.minVersion ?? '') === minVersion.trim()}
          >
            Save minimum version
          </button>
        </div>
      </form>
      {policy && (
        <section class="card stack" aria-labelledby="policy-title">
          <h2 id="policy-title">Locking</h2>
          <div class="field inline">
            <label for={autoLockId}>Lock after this many idle minutes</label>
            <input
              id={autoLockId}
              class="input narrow"
              type="number"
              min={1}
              max={1440}
              value={autoLock}
              onInput={(e) => setAutoLock(e.currentTarget.value)}
            />
            <button
              type="button"
              class="btn"
              disabled={
                !Number.isInteger(lockMinutes) ||
                lockMinutes < 1 ||
                lockMinutes > 1440 ||
                lockMinutes === policy.autoLockMinutes
              }
              onClick={() => void savePolicy({ autoLockMinutes: lockMinutes })}
            >
              Save
            </button>
          </div>
          <Toggle
            label="Allow “stay unlocked on this PC”"
            hint="People may then unlock with their Windows account instead of the master password."
            checked={policy.allowStayUnlocked}
            onChange={(v) => void savePolicy({ allowStayUnlocked: v })}
          />
        </section>
      )}
      {confirmMin && (
        <ConfirmDialog
          title="Set the minimum version?"
          message={
            <p>
              {minVersion.trim()
                ? `Every PC below ${minVersion.trim()} will be blocked until it updates.`
                : 'No PC will be forced to update.'}
            </p>
          }
          confirmLabel="Save"
          danger={minVersion.trim() !== ''}
          onConfirm={() => void saveMin()}
          onCancel={() => setConfirmMin(false)}
        />
      )}
    </main>
  );
}
