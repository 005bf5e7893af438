import { useEffect, useState } from 'preact/hooks';
import { relativeTime } from '../state/format';
import { useStore } from '../state/store';
import { Icon } from './Icon';

function useNow(ms: number): Date {
  const [now, setNow] = useState(() => new Date());
  useEffect(() => {
    const t = setInterval(() => setNow(new Date()), ms);
    return () => clearInterval(t);
  }, [ms]);
  return now;
}

// Always visible in the sidebar footer: online / syncing / offline (announced when it changes) and when we last
// synced.
export function SyncStatus() {
  const { state } = useStore();
  const now = useNow(10_000);
  const { connection, lastSyncedAt, pendingChanges, liveBlocked } = state.sync;
  const label = {
    connecting: 'Connecting…',
    online: 'Online',
    syncing: 'Syncing…',
    offline: 'Offline',
  }[connection];
  return (
    <div class={`sync-status sync-${connection}`}>
      <span class="sync-dot" aria-hidden="true" />
      <div>
        {/* Only the state is a live region: "Synced 20 s ago" ticking would be read out every ten seconds. */}
        <div class="sync-label" role="status">
          {label}
        </div>
        <div class="sync-detail">
          {connection === 'connecting' && lastSyncedAt === null
            ? 'Reaching the office server'
            : `Synced ${relativeTime(lastSyncedAt, now)}`}
          {connection !== 'offline' && connection !== 'connecting' && liveBlocked && ' · checking every 30 s'}
          {pendingChanges > 0 && ` · ${pendingChanges} waiting to send`}
        </div>
      </div>
    </div>
  );
}

// Said once, while it lasts: the office answers, the network refuses live updates, so the app polls.
export function LiveBlockedBanner() {
  const { state } = useStore();
  if (state.sync.connection === 'offline' || !state.sync.liveBlocked) return null;
  return (
    <div class="banner banner-warning" role="status">
      <Icon name="cloud" />
      <span>Live updates blocked by the network; checking every 30 s.</span>
    </div>
  );
}

export function OfflineBanner() {
  const { state } = useStore();
  if (state.sync.connection !== 'offline') return null;
  return (
    <div class="banner banner-warning" role="status">
      <Icon name="cloudOff" />
      <span>
        You are offline. You can still see and copy passwords; new entries are sent when the connection is
        back.
      </span>
    </div>
  );
}
