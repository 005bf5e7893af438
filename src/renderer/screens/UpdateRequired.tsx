import { useEffect, useState } from 'preact/hooks';
import { call, on } from '../api';
import { AuthLayout } from '../components/AuthLayout';

// Blocking screen: this version is below the office minimum (or the latest release is critical).
export function UpdateRequired({ running, required }: { running: string; required: string }) {
  const [percent, setPercent] = useState<number | null>(null);
  const [downloaded, setDownloaded] = useState(false);
  useEffect(() => {
    const offs = [
      on('updateRequired', (u) => setPercent(u.downloadPercent)),
      on('updateAvailable', (u) => setDownloaded(u.downloaded)),
    ];
    return () => {
      for (const off of offs) off();
    };
  }, []);
  const ready = downloaded || percent === 100;
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
      <p class="muted center">
        {ready
          ? 'Ready to install.'
          : percent === null
            ? 'Preparing download…'
            : `Downloading… ${Math.round(percent)} %`}
      </p>
      <button
        type="button"
        class="btn btn-primary btn-block"
        disabled={!ready}
        onClick={() => void call('app.restartToUpdate', {})}
      >
        Restart and update
      </button>
    </AuthLayout>
  );
}
