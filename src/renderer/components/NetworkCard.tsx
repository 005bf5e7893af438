import { useEffect, useState } from 'preact/hooks';
import type { ConnectionReport, NetworkRoute } from '../../shared/domain';
import { call, errorMessage } from '../api';

const STEP: Record<NonNullable<ConnectionReport['failed']>, string> = {
  dns: 'Name lookup (DNS)',
  proxy: 'Proxy',
  tls: 'Secure connection (TLS)',
  server: "The office's server",
};

function routeText(route: NetworkRoute | null): string {
  if (!route) return '…';
  return route.kind === 'direct' ? 'Direct (no proxy)' : `Through the proxy ${route.host}`;
}

// Settings → Network: the route this PC takes to the office, and a test that names what failed.
export function NetworkCard() {
  const [route, setRoute] = useState<NetworkRoute | null>(null);
  const [report, setReport] = useState<ConnectionReport | null>(null);
  const [error, setError] = useState<string | null>(null);
  const [busy, setBusy] = useState(false);
  useEffect(() => {
    call('network.route', {})
      .then(setRoute)
      .catch((err: unknown) => setError(errorMessage(err)));
  }, []);
  async function test() {
    setBusy(true);
    setError(null);
    setReport(null);
    try {
      const r = await call('network.test', {});
      setReport(r);
      setRoute(r.route);
    } catch (err) {
      setError(errorMessage(err));
    } finally {
      setBusy(false);
    }
  }
  return (
    <section class="card stack" aria-labelledby="network-title">
      <h2 id="network-title">Network</h2>
      <p>
        Connection to the office: <strong data-testid="network-route">{routeText(route)}</strong>
      </p>
      <div>
        <button type="button" class="btn" onClick={() => void test()} disabled={busy}>
          {busy ? 'Testing…' : 'Test connection'}
        </button>
      </div>
      <div role="status" aria-live="polite" data-testid="network-report">
        {report && (
          <p>
            {report.failed ? <strong>{STEP[report.failed]} failed: </strong> : <strong>Connected. </strong>}
            {report.message}
          </p>
        )}
        {error && <p>{error}</p>}
      </div>
    </section>
  );
}
