import { useEffect, useState } from 'preact/hooks';
import { isSemver } from '../../shared/semver';
import { call, errorMessage, on } from '../api';
import { AuthLayout, FormError } from '../components/AuthLayout';
import { Field, PasswordField } from '../components/Field';
import { useStore } from '../state/store';

// Blocking screen: this version is below the office's minimum version. It shows the download's progress, says
// in words why the update has not arrived (the feed failed, or does not serve the version yet) with "retry" and
// "download manually", and gives an admin the way out: lowering the minimum that blocks their own PC too.
export function UpdateRequired({ running, required }: { running: string; required: string }) {
  const [percent, setPercent] = useState<number | null>(null);
  const [error, setError] = useState<string | null>(null);
  const [downloaded, setDownloaded] = useState(false);
  const [retrying, setRetrying] = useState(false);
  const [lowering, setLowering] = useState(false);
  useEffect(() => {
    // What happened before this screen mounted (a failed first check) comes with app.info.
    void call('app.info', {}).then(({ update }) => {
      if (update.kind !== 'required') return;
      setPercent(update.downloadPercent);
      setError(update.error);
      setDownloaded(update.downloaded);
    });
    const offs = [
      on('updateRequired', (u) => {
        setPercent(u.downloadPercent);
        setError(u.error);
      }),
      on('updateAvailable', (u) => setDownloaded(u.downloaded)),
    ];
    return () => {
      for (const off of offs) off();
    };
  }, []);
  const ready = downloaded || percent === 100;
  async function retry() {
    setRetrying(true);
    try {
      await call('app.retryUpdate', {});
    } catch (err) {
      setError(errorMessage(err));
    } finally {
      setRetrying(false);
    }
  }
  return (
    <AuthLayout
      title="Update required"
      subtitle={
        <>
          Your office requires Keyroom {required} or newer. This PC runs {running}. The update downloads by
          itself; your passwords stay safe in the meantime.
        </>
      }
    >
      <div
        class="progress"
        role="progressbar"
        aria-valuemin={0}
        aria-valuemax={100}
        aria-valuenow={percent ?? undefined}
        aria-label="Download progress"
      >
        <div class="progress-bar" style={{ width: `${percent ?? 0}%` }} />
      </div>
      <p class="muted center" aria-live="polite">
        {ready
          ? 'Ready to install.'
          : error
            ? 'Waiting for the update.'
            : percent === null
              ? 'Looking for the update…'
              : `Downloading… ${Math.round(percent)} %`}
      </p>
      {error && !ready && (
        <div class="stack">
          <FormError message={error} />
          <div class="row-actions">
            <button type="button" class="btn" disabled={retrying} onClick={() => void retry()}>
              {retrying ? 'Trying again…' : 'Retry'}
            </button>
            <button
              type="button"
              class="btn btn-ghost"
              onClick={() => void call('app.downloadManually', {}).catch((e) => setError(errorMessage(e)))}
            >
              Download manually
            </button>
          </div>
        </div>
      )}
      <button
        type="button"
        class="btn btn-primary btn-block"
        disabled={!ready}
        onClick={() => void call('app.restartToUpdate', {})}
      >
        Restart and update
      </button>
      {lowering ? (
        <LowerMinimum running={running} onCancel={() => setLowering(false)} />
      ) : (
        <button type="button" class="btn btn-ghost btn-block" onClick={() => setLowering(true)}>
          Office admin? Change the minimum version
        </button>
      )}
    </AuthLayout>
  );
}

// An admin's way out: the master password signs in far enough to change the minimum (no vault opens).
function LowerMinimum({ running, onCancel }: { running: string; onCancel: () => void }) {
  const { dispatch } = useStore();
  const [master, setMaster] = useState('');
  const [minVersion, setMinVersion] = useState('');
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState<string | null>(null);
  const wanted = minVersion.trim();
  const valid = wanted === '' || isSemver(wanted);
  async function submit(e: Event) {
    e.preventDefault();
    setBusy(true);
    setError(null);
    try {
      const session = await call('update.lowerMinimum', {
        masterPassword: master,
        minVersion: wanted === '' ? null : wanted,
      });
      dispatch({ type: 'session', session });
    } catch (err) {
      setError(errorMessage(err));
    } finally {
      setMaster('');
      setBusy(false);
    }
  }
  return (
    <form class="stack card" aria-labelledby="lower-min-title" onSubmit={submit}>
      <h2 id="lower-min-title">Change the minimum version</h2>
      <Field
        label="New minimum version"
        value={minVersion}
        onInput={setMinVersion}
        mono
        placeholder={running}
        hint={`Leave empty for no minimum. ${running} or lower unblocks this PC.`}
        error={valid ? null : 'A version looks like 1.4.2.'}
      />
      <PasswordField
        label="Your master password"
        value={master}
        onInput={setMaster}
        autoComplete="current-password"
        required
      />
      <FormError message={error} />
      <div class="row-actions">
        <button type="submit" class="btn btn-primary" disabled={busy || !valid || master.length === 0}>
          {busy ? 'Saving…' : 'Save minimum version'}
        </button>
        <button type="button" class="btn btn-ghost" onClick={onCancel}>
          Cancel
        </button>
      </div>
    </form>
  );
}
