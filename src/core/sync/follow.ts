// What keeps an open session in step with the server after it started: the sockets, the catch-up pull and
// the outbox at start, the account watchdog on the poll beat, the member and office pokes (status, grants,
// people, policy), and the sync status the host shows.
import { peopleChanges } from '../admin/people-changes';
import { CoreError } from '../backend/errors';
import type { ProfileRow } from '../backend/rows';
import { listColleagues } from '../session/colleagues';
import type { CoreContext } from '../session/context';
import { deviceRevoked, disabled, lock, requireOpen, saveSnapshot } from '../session/lifecycle';
import { CHANGED_ELSEWHERE } from '../session/new-pc';
import type { Open, SyncStatus } from '../session/types';
import { forceUpdate } from '../session/update-required';
import { isBelow } from '../session/version';
import { sameWrapping } from '../session/wrapping';
import { colleagueKeys } from '../vault/keyring';
import type { ConnectionState } from './engine';
import { ownClaims, type PresenceClaim } from './presence';

export async function startSync(ctx: CoreContext, open: Open): Promise<void> {
  // Before anything is pulled or sent: a PC signed out while it was away learns it here, and erases its copy. No
  // sync, no outbox and no presence until the registration went through (retried on the confirmation beat).
  for (;;) {
    try {
      await ctx.backend.registerDevice(
        { ...ctx.opts.device, app_version: ctx.opts.appVersion },
        ctx.freshDevice,
      );
      ctx.freshDevice = false;
      break;
    } catch (err) {
      // Ended after this start has settled: closing the session waits for it.
      if (err instanceof CoreError && err.code === 'device_revoked')
        return void setImmediate(() => void deviceRevoked(ctx).catch(() => {}));
      if (ctx.open !== open || !(await ctx.pause(Math.min(ctx.opts.pollMs ?? 30_000, 5_000)))) return;
    }
  }
  if (ctx.open !== open) return;
  await uploadPinnedBundle(ctx, open).catch(() => {});
  await open.devices.start().catch(() => {});
  await open.engine.start(open.keyring.vaultIds()).catch(() => {});
  await open.vault.flushOutbox().catch(() => {});
  if (ctx.open === open) {
    startWatchdog(ctx);
    await saveSnapshot(ctx).catch(() => {});
  }
}

/** A bundle enrolled before the pin gets it (re-wrapped at unlock, same KDF): a new PC can verify from then on. */
async function uploadPinnedBundle(ctx: CoreContext, open: Open): Promise<void> {
  const bundle = ctx.pinnedBundle;
  if (!bundle || ctx.open !== open) return;
  ctx.pinnedBundle = null;
  await ctx.backend.updateOwnProfile({ kdf: open.account.kdf, wrapped_keys: bundle });
  const account = { ...open.account, wrappedKeys: bundle };
  open.account = account;
  ctx.account = account;
  await ctx.accounts.save(account);
}

// Without a live socket, pokes (including "disabled") do not arrive: check the account on the poll beat.
function startWatchdog(ctx: CoreContext): void {
  ctx.watchdog = setInterval(() => {
    if (ctx.open && !ctx.open.engine.connection.live) void checkStatus(ctx).catch(() => {});
  }, ctx.opts.pollMs ?? 30_000);
  ctx.watchdog.unref?.();
}

export async function checkStatus(ctx: CoreContext): Promise<void> {
  let profile: ProfileRow | null;
  try {
    profile = await ctx.backend.ownProfile();
  } catch (err) {
    if (err instanceof CoreError && (err.code === 'disabled' || err.code === 'not_signed_in')) profile = null;
    else throw err;
  }
  if (!profile && (await ownDeviceRevoked(ctx))) return deviceRevoked(ctx);
  if (!profile || profile.status === 'disabled') return disabled(ctx);
  if (ctx.open && sameWrapping(profile, ctx.open.account) !== true) {
    await ctx.local.dropServerDocs();
    return void (await lock(ctx, CHANGED_ELSEWHERE));
  }
  // A role change voided the key certificate: locked, the next unlock waits for the admin's confirmation.
  if (profile.status === 'enrolled') {
    if (ctx.open) await ctx.local.saveServerDocs({ ...ctx.serverDocsOf(ctx.open), profile });
    return void (await lock(ctx));
  }
  if (ctx.open) {
    ctx.open.profile = profile;
    await ctx.local.saveServerDocs(ctx.serverDocsOf(ctx.open));
    // Still active: rejoin the vault channels the engine left on a `disabled` poke (no-op otherwise).
    await ctx.open.engine.setVaults(ctx.open.keyring.vaultIds());
  }
}

/** Whether this PC's session was shut out by a revocation (asked when the server shows nothing of the account). */
async function ownDeviceRevoked(ctx: CoreContext): Promise<boolean> {
  return (await ctx.backend.deviceStatus(ctx.opts.device.id).catch(() => 'unknown')) === 'revoked';
}

export async function onMemberEvent(
  ctx: CoreContext,
  e: 'disabled' | 'grants' | 'profile' | 'devices',
): Promise<void> {
  const open = ctx.open;
  if (!open) return;
  if (e === 'disabled') return checkStatus(ctx);
  if (e === 'profile') return checkStatus(ctx);
  if (e === 'devices') {
    const seen = await open.devices.follow().catch(() => 'unknown' as const);
    if (seen === 'revoked' && ctx.open === open) await deviceRevoked(ctx);
    // Refused (a revoked session sees nothing): the status check settles what happened.
    else if (seen === 'unknown' && ctx.open === open) await checkStatus(ctx);
    return;
  }
  await reloadGrants(ctx);
}

/** New or rotated grants: open what verifies, then follow the vault set. Bursts fold into one more pass. */
export function reloadGrants(ctx: CoreContext): Promise<void> {
  if (ctx.grantsReload) {
    ctx.grantsAgain = true;
    return ctx.grantsReload;
  }
  ctx.grantsReload = (async () => {
    try {
      do {
        ctx.grantsAgain = false;
        await reloadGrantsOnce(ctx);
      } while (ctx.grantsAgain && ctx.open);
    } finally {
      ctx.grantsReload = null;
    }
  })();
  return ctx.grantsReload;
}

async function reloadGrantsOnce(ctx: CoreContext): Promise<void> {
  const open = ctx.open;
  if (!open) return;
  const colleagues = await listColleagues(ctx);
  open.colleagues = new Map(colleagues.map((c) => [c.id, c]));
  open.grants = open.keyring.openGrants(await ctx.backend.ownGrants(), colleagueKeys(colleagues)).opened;
  open.vaultRows = await ctx.backend.vaults();
  open.vaultNames = new Map(open.vaultRows.map((v) => [v.id, v.name]));
  await ctx.local.saveServerDocs(ctx.serverDocsOf(open));
  await open.engine.setVaults(open.keyring.vaultIds());
  const byVault = new Map<string, number[]>();
  for (const d of open.replica.damagedEntries()) {
    const seq = ctx.local.damaged.get(d.id)?.seq;
    if (seq !== undefined) byVault.set(d.vaultId, [...(byVault.get(d.vaultId) ?? []), seq]);
  }
  await Promise.all([...byVault].map(([v, seqs]) => open.engine.retry(v, seqs).catch(() => {})));
}

export async function onOfficeEvent(ctx: CoreContext, e: 'policy' | 'profile'): Promise<void> {
  const open = ctx.open;
  if (!open) return;
  if (e === 'profile') {
    const colleagues = await listColleagues(ctx);
    const before = open.colleagues;
    open.colleagues = new Map(colleagues.map((c) => [c.id, c]));
    const changes = peopleChanges(before, open.colleagues);
    if (changes.length > 0) ctx.events.emit('peopleChanged', { changes });
    return ctx.local.saveServerDocs(ctx.serverDocsOf(open));
  }
  const policy = await ctx.backend.policy();
  if (ctx.open === open) {
    ctx.currentPolicy = policy;
    await ctx.local.saveServerDocs(ctx.serverDocsOf(open));
  }
  if (policy && isBelow(ctx.opts.appVersion, policy.min_version)) {
    await forceUpdate(ctx, policy.min_version ?? '');
  } else if (policy) {
    ctx.autoLockMs = policy.auto_lock_minutes * 60_000;
  }
}

export function onConnection(ctx: CoreContext, c: ConnectionState): void {
  // Queued writes go out as soon as the server answers again (a pull just succeeded).
  if (c.online && !c.syncing && ctx.local.outbox.length > 0)
    void ctx.open?.vault.flushOutbox().catch(() => {});
  emitSync(ctx, c);
}

export function emitSync(ctx: CoreContext, c: ConnectionState): void {
  ctx.events.emit('syncState', syncStatusOf(ctx, c));
}

function syncStatusOf(ctx: CoreContext, c: ConnectionState): SyncStatus {
  const open = ctx.open;
  // Before the server confirmed an unlock from the cache, the engine has not run: its state says nothing.
  const waiting = open !== null && !open.confirmed;
  const connection =
    open === null
      ? 'connecting'
      : (waiting && !open.reachable) || !c.online
        ? 'offline'
        : c.lastSyncedAt === null && !c.live
          ? 'connecting'
          : waiting || c.syncing
            ? 'syncing'
            : 'online';
  return {
    connection,
    live: c.live,
    liveBlocked: c.liveBlocked,
    lastSyncedAt: c.lastSyncedAt,
    pendingChanges: ctx.local.outbox.length,
  };
}

export function syncStatus(ctx: CoreContext): SyncStatus {
  const c = ctx.open?.engine.connection ?? {
    online: false,
    syncing: false,
    live: false,
    liveBlocked: false,
    lastSyncedAt: null,
  };
  return syncStatusOf(ctx, c);
}

/** Who says they are online now, and from which PC: a hint (sync/presence.ts), own claims only. */
export function presence(ctx: CoreContext): PresenceClaim[] {
  return ownClaims(requireOpen(ctx).engine.presenceState());
}
