import { useEffect } from 'preact/hooks';
import { PeopleWatch } from './components/PeopleWatch';
import { RefusedWrites } from './components/RefusedWrites';
import { Sidebar } from './components/Sidebar';
import { LiveBlockedBanner, OfflineBanner } from './components/SyncStatus';
import { Toasts } from './components/Toasts';
import { AdminAudit } from './screens/AdminAudit';
import { AdminBackup } from './screens/AdminBackup';
import { AdminDevices } from './screens/AdminDevices';
import { AdminExport } from './screens/AdminExport';
import { AdminHealth } from './screens/AdminHealth';
import { AdminTrash } from './screens/AdminTrash';
import { AdminUpdates } from './screens/AdminUpdates';
import { AdminUsers } from './screens/AdminUsers';
import { Conflicts } from './screens/Conflicts';
import { Disabled } from './screens/Disabled';
import { Enroll } from './screens/Enroll';
import { ImportScreen } from './screens/Import';
import { Pending } from './screens/Pending';
import { Settings } from './screens/Settings';
import { SignIn } from './screens/SignIn';
import { Unlock } from './screens/Unlock';
import { UpdateRequired } from './screens/UpdateRequired';
import { VaultScreen } from './screens/VaultScreen';
import { isAdmin } from './state/app-state';
import { StoreProvider, useStore } from './state/store';
import { useShortcuts } from './state/use-shortcuts';

function useTheme() {
  const { state } = useStore();
  const theme = state.settings?.theme ?? 'system';
  useEffect(() => {
    // No attribute means "follow the OS" (prefers-color-scheme in the stylesheet).
    if (theme === 'system') delete document.documentElement.dataset.theme;
    else document.documentElement.dataset.theme = theme;
  }, [theme]);
}

function Workspace() {
  const { state } = useStore();
  useShortcuts();
  const view = state.view;
  const admin = isAdmin(state);
  return (
    <div class="shell">
      <Sidebar />
      {admin && <PeopleWatch />}
      <div class="workspace">
        <OfflineBanner />
        <LiveBlockedBanner />
        <RefusedWrites />
        {view.kind === 'vault' && <VaultScreen />}
        {view.kind === 'conflicts' && <Conflicts />}
        {view.kind === 'settings' && <Settings />}
        {view.kind === 'import' && <ImportScreen />}
        {view.kind === 'admin' && admin && view.page === 'users' && <AdminUsers />}
        {view.kind === 'admin' && admin && view.page === 'audit' && <AdminAudit />}
        {view.kind === 'admin' && admin && view.page === 'devices' && <AdminDevices />}
        {view.kind === 'admin' && admin && view.page === 'updates' && <AdminUpdates />}
        {view.kind === 'admin' && admin && view.page === 'health' && <AdminHealth />}
        {view.kind === 'admin' && admin && view.page === 'trash' && <AdminTrash />}
        {view.kind === 'admin' && admin && view.page === 'export' && <AdminExport />}
        {view.kind === 'admin' && admin && view.page === 'backup' && <AdminBackup />}
      </div>
    </div>
  );
}

function Screen() {
  const { state } = useStore();
  useTheme();
  const s = state.session;
  if (s === null) return <main class="auth" aria-busy="true" />;
  switch (s.state) {
    case 'signedOut':
      return <SignIn notice={s.notice} />;
    case 'needsEnrollment':
      return <Enroll email={s.email} officeFingerprint={s.officeFingerprint} />;
    case 'pendingConfirmation':
      return <Pending email={s.email} fingerprint={s.fingerprint} />;
    case 'locked':
      return <Unlock email={s.email} displayName={s.displayName} notice={s.notice} />;
    case 'disabled':
      return <Disabled email={s.email} />;
    case 'updateRequired':
      return <UpdateRequired running={s.running} required={s.required} />;
    case 'unlocked':
      return <Workspace />;
  }
}

export function App() {
  return (
    <StoreProvider>
      <Screen />
      <Toasts />
    </StoreProvider>
  );
}
