// Password health for admins: per vault, how many passwords are weak, reused or old, and the entries to change
// (a click opens the entry). Worked out on this PC; the age limit is this PC's setting and can be set here.
import { useEffect, useState } from 'preact/hooks';
import type { HealthReport } from '../../shared/upkeep';
import { call, errorMessage } from '../api';
import { HealthFlags } from '../components/HealthFlags';
import { useStore, useToast } from '../state/store';

export function AdminHealth() {
  const { state, dispatch } = useStore();
  const toast = useToast();
  const [report, setReport] = useState<HealthReport | null>(null);
  const [days, setDays] = useState('');
  useEffect(() => {
    call('health.report', {}).then(
      (r) => {
        setReport(r);
        setDays(String(r.maxAgeDays));
      },
      (err) => toast('error', errorMessage(err)),
    );
  }, [state.revision, state.settings?.healthMaxAgeDays]);

  const saveDays = async (e: Event) => {
    e.preventDefault();
    const n = Number(days);
    if (!Number.isInteger(n) || n < 1 || n > 3650) {
      toast('error', 'Enter a number of days from 1 to 3650.');
      return;
    }
    try {
      dispatch({ type: 'settings', settings: await call('settings.set', { healthMaxAgeDays: n }) });
    } catch (err) {
      toast('error', errorMessage(err));
    }
  };

  const open = (vaultId: string, id: string) => {
    dispatch({ type: 'navigate', view: { kind: 'vault', vaultId, category: null, trash: false } });
    dispatch({ type: 'select', id });
  };

  const total = report?.entries.length ?? 0;
  return (
    <main class="page" aria-labelledby="health-title" aria-busy={report === null}>
      <header class="page-header">
        <h1 id="health-title">Password health</h1>
        <p class="muted">
          Worked out on this PC from the passwords you can read; nothing about them is sent anywhere.
        </p>
      </header>
      <form class="field inline" onSubmit={(e) => void saveDays(e)}>
        <label for="health-days">Old after (days)</label>
        <input
          id="health-days"
          type="number"
          min={1}
          max={3650}
          value={days}
          onInput={(e) => setDays(e.currentTarget.value)}
        />
        <button type="submit" class="btn btn-small">
          Apply
        </button>
      </form>
      {report && (
        <table class="table card" aria-label="Health per vault">
          <thead>
            <tr>
              <th scope="col">Vault</th>
              <th scope="col">Entries</th>
              <th scope="col">Weak</th>
              <th scope="col">Reused</th>
              <th scope="col">Old</th>
              <th scope="col">To change</th>
            </tr>
          </thead>
          <tbody>
            {report.vaults.map((v) => (
              <tr key={v.vaultId}>
                <td>{v.name}</td>
                <td>{v.entries}</td>
                <td>{v.weak}</td>
                <td>{v.reused}</td>
                <td>{v.old}</td>
                <td>{v.toChange}</td>
              </tr>
            ))}
          </tbody>
        </table>
      )}
      {report && (
        <section class="card" aria-labelledby="health-todo">
          <h2 id="health-todo">Entries to change ({total})</h2>
          {total === 0 ? (
            <p class="muted">No weak, reused or old passwords.</p>
          ) : (
            <ul class="health-list">
              {report.entries.map(({ entry, flags }) => (
                <li key={entry.id}>
                  <button type="button" class="btn-link" onClick={() => open(entry.vaultId, entry.id)}>
                    {entry.title}
                  </button>{' '}
                  <span class="muted small">
                    {entry.username} · {state.vaults.find((v) => v.id === entry.vaultId)?.name ?? ''}
                  </span>{' '}
                  <HealthFlags flags={flags} />
                </li>
              ))}
            </ul>
          )}
        </section>
      )}
    </main>
  );
}
