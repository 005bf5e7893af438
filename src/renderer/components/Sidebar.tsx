import { call } from '../api';
import { type AdminPage, categoryCounts, isAdmin, type View } from '../state/app-state';
import { initials } from '../state/format';
import { useStore } from '../state/store';
import { ClipboardCountdown } from './ClipboardCountdown';
import { Icon, type IconName } from './Icon';
import { SyncStatus } from './SyncStatus';

function NavItem(props: {
  icon: IconName;
  label: string;
  active: boolean;
  count?: number;
  onClick: () => void;
  alert?: boolean;
  /** Says what the count counts, for screen readers and the tooltip. */
  hint?: string;
}) {
  return (
    <li>
      <button
        type="button"
        class={`nav-item${props.active ? ' active' : ''}`}
        aria-current={props.active ? 'page' : undefined}
        onClick={props.onClick}
      >
        <Icon name={props.icon} />
        <span class="nav-label">{props.label}</span>
        {props.count !== undefined && (
          <span
            class={`nav-count${props.alert ? ' alert' : ''}`}
            title={props.hint ? `${props.count} ${props.hint}` : undefined}
          >
            {props.count}
            {props.hint && <span class="sr-only"> {props.hint}</span>}
          </span>
        )}
      </button>
    </li>
  );
}

const ADMIN_PAGES: { page: AdminPage; label: string; icon: IconName }[] = [
  { page: 'users', label: 'People', icon: 'users' },
  { page: 'audit', label: 'Audit log', icon: 'list' },
  // "Office PCs", not "Devices": a category of entries is often called Devices too.
  { page: 'devices', label: 'Office PCs', icon: 'monitor' },
  { page: 'updates', label: 'Updates', icon: 'download' },
  { page: 'health', label: 'Password health', icon: 'shield' },
  { page: 'trash', label: 'Trash', icon: 'trash' },
  { page: 'export', label: 'Export', icon: 'folder' },
  { page: 'backup', label: 'Backup', icon: 'cloud' },
];

export function Sidebar() {
  const { state, dispatch } = useStore();
  const view = state.view;
  const go = (v: View) => dispatch({ type: 'navigate', view: v });
  const vaultView = (over: Partial<Extract<View, { kind: 'vault' }>>): View => ({
    kind: 'vault',
    vaultId: null,
    category: null,
    trash: false,
    ...over,
  });
  const isVault = (vaultId: string | null, category: string | null, trash = false) =>
    view.kind === 'vault' && view.vaultId === vaultId && view.category === category && view.trash === trash;
  const live = state.entries.filter((e) => e.deletedAt === null);
  const user = state.session?.state === 'unlocked' ? state.session.user : null;
  const admin = isAdmin(state);

  return (
    <nav class="sidebar" aria-label="Keyroom">
      <div class="brand">
        <Icon name="key" size={20} />
        <span>Keyroom</span>
      </div>
      <div class="sidebar-scroll">
        <ul class="nav-list">
          <NavItem
            icon="grid"
            label="All items"
            active={isVault(null, null)}
            count={live.length}
            onClick={() => go(vaultView({}))}
          />
          <NavItem
            icon="download"
            label="Import"
            active={view.kind === 'import'}
            onClick={() => go({ kind: 'import' })}
          />
          {state.conflictsCount > 0 && (
            <NavItem
              icon="merge"
              label="Conflicts"
              active={view.kind === 'conflicts'}
              count={state.conflictsCount}
              alert
              onClick={() => go({ kind: 'conflicts' })}
            />
          )}
        </ul>
        {state.vaults.length > 1 && (
          <>
            <h3 class="nav-heading">Vaults</h3>
            <ul class="nav-list">
              {state.vaults.map((v) => (
                <NavItem
                  key={v.id}
                  icon="folder"
                  label={v.name}
                  count={live.filter((e) => e.vaultId === v.id).length}
                  active={isVault(v.id, null)}
                  onClick={() => go(vaultView({ vaultId: v.id }))}
                />
              ))}
            </ul>
          </>
        )}
        <h3 class="nav-heading" id="nav-categories">
          Categories
        </h3>
        <ul class="nav-list" aria-labelledby="nav-categories">
          {categoryCounts(state.entries).map(([category, count]) => (
            <NavItem
              key={category}
              icon="tag"
              label={category}
              count={count}
              active={isVault(null, category)}
              onClick={() => go(vaultView({ category }))}
            />
          ))}
          {admin && (
            <NavItem
              icon="trash"
              label="Deleted"
              active={isVault(null, null, true)}
              onClick={() => go(vaultView({ trash: true }))}
            />
          )}
        </ul>
        {admin && (
          <>
            <h3 class="nav-heading nav-heading-admin" id="nav-admin">
              Administration
            </h3>
            <ul class="nav-list" aria-labelledby="nav-admin">
              {ADMIN_PAGES.map((p) => (
                <NavItem
                  key={p.page}
                  icon={p.icon}
                  label={p.label}
                  active={view.kind === 'admin' && view.page === p.page}
                  {...(p.page === 'users' && state.waitingForConfirmation > 0
                    ? { count: state.waitingForConfirmation, alert: true, hint: 'waiting for confirmation' }
                    : {})}
                  onClick={() => go({ kind: 'admin', page: p.page })}
                />
              ))}
            </ul>
          </>
        )}
      </div>
      <div class="sidebar-footer">
        <SyncStatus />
        <ClipboardCountdown />
        {state.update.kind === 'available' && (
          <button
            type="button"
            class="update-pill"
            onClick={() => void call('app.restartToUpdate', {})}
            disabled={!state.update.downloaded}
          >
            <Icon name="download" size={14} />
            {state.update.downloaded
              ? `Restart to update to ${state.update.version}`
              : `Downloading ${state.update.version}…`}
          </button>
        )}
        {user && (
          <div class="me">
            <span class="avatar" aria-hidden="true">
              {initials(user.displayName || user.email)}
            </span>
            <div class="me-text">
              <div class="me-name">{user.displayName || user.email}</div>
              <div class="me-role">{user.role === 'admin' ? 'Administrator' : 'Member'}</div>
            </div>
            <button
              type="button"
              class={`btn-icon${view.kind === 'settings' ? ' active' : ''}`}
              aria-label="Settings"
              title="Settings"
              onClick={() => go({ kind: 'settings' })}
            >
              <Icon name="settings" />
            </button>
            <button
              type="button"
              class="btn-icon"
              aria-label="Lock (Ctrl+L)"
              title="Lock (Ctrl+L)"
              onClick={() =>
                void call('session.lock', {}).then((s) => dispatch({ type: 'session', session: s }))
              }
            >
              <Icon name="lock" />
            </button>
          </div>
        )}
      </div>
    </nav>
  );
}
