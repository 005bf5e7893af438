// Building an open session: the keyring, the replica restored from the cache and the unlock snapshot, the
// sync engine wired to the events, and the vault, admin, office and succession operations on a backend
// gated by the server's confirmation. From the server's documents (openSession) or the verified cache.
import { OfficeAdmin } from '../admin/office';
import { AdminOperations } from '../admin/operations';
import { Succession } from '../admin/succession';
import type { ProfileRow } from '../backend/rows';
import type { UserKeys } from '../crypto/keys';
import { SyncEngine } from '../sync/engine';
import {
  emitSync,
  onConnection,
  onMemberEvent,
  onOfficeEvent,
  presence,
  reloadGrants,
  startSync,
} from '../sync/follow';
import type { ServerDocs } from '../sync/state';
import { changedFields } from '../vault/changed-fields';
import type { Entry } from '../vault/entry-schema';
import { colleagueKeys, Keyring } from '../vault/keyring';
import { VaultOperations } from '../vault/operations';
import { Replica } from '../vault/replica';
import { listColleagues } from './colleagues';
import { confirm, gatedBackend } from './confirm';
import type { CoreContext } from './context';
import { OwnDevices } from './devices';
import { saveSnapshotSoon, touch } from './lifecycle';
import { openSnapshot, SnapshotKey } from './snapshot';
import type { Open } from './types';
import { refuseOldVersion } from './update-required';

/** Opens a session from the server's documents (first unlock on this PC, enrollment, confirmation). */
export async function openSession(ctx: CoreContext, keys: UserKeys, profile: ProfileRow): Promise<void> {
  const account = ctx.account!;
  const policy = await ctx.backend.policy();
  if (refuseOldVersion(ctx, keys, policy)) {
    await ctx.backend.signOut();
    return;
  }
  const keyring = new Keyring(account.userId, keys, ctx.pinnedRoot(account));
  const [colleagues, grants, vaults] = await Promise.all([
    listColleagues(ctx),
    ctx.backend.ownGrants(),
    ctx.backend.vaults(),
  ]);
  const { opened } = keyring.openGrants(grants, colleagueKeys(colleagues));
  const docs: ServerDocs = { profile, policy, colleagues, grants: opened, vaults };
  await ctx.local.saveServerDocs(docs);
  await startSession(ctx, keyring, docs, null);
}

/**
 * The vault is usable from here: the cached rows open (from the unlock snapshot where it covers them), the
 * session is unlocked. With `credentials` the server has not confirmed yet; that follows in the background.
 */
export async function startSession(
  ctx: CoreContext,
  keyring: Keyring,
  docs: ServerDocs,
  credentials: { authSecret: string } | null,
): Promise<void> {
  const account = ctx.account!;
  const { profile, policy, colleagues } = docs;
  if (!ctx.local.loaded) await ctx.local.load();
  const snapshotKey = new SnapshotKey(account.userId, keyring.user.x25519Secret);
  // A state proof's signer is looked up among the colleagues as this session last listed them.
  const listed = new Map(colleagues.map((c) => [c.id, c]));
  const replica = new Replica(keyring, (id) => {
    const rows = ctx.open?.keyring === keyring ? ctx.open.colleagues : listed;
    const row = rows.get(id) ?? [...rows.values()].find((c) => c.id.toLowerCase() === id.toLowerCase());
    return row ? colleagueKeys([row]).get(row.id.toLowerCase()) : undefined;
  });
  const failed = replica.restore(
    [...ctx.local.rows.values()],
    openSnapshot(snapshotKey, account.userId, await ctx.local.snapshot()),
  );
  for (const [id, d] of ctx.local.damaged) {
    const row = ctx.local.rows.get(id);
    replica.markBroken({
      id,
      vault_id: row?.vault_id ?? '',
      version: d.version,
      updated_at: row?.updated_at ?? '',
    });
  }
  // A cached row that no longer opens is fetched again: out of the cache, listed damaged until then.
  for (const row of failed) {
    ctx.local.rows.delete(row.id);
    ctx.local.damaged.set(row.id, { version: row.version, seq: row.seq });
  }
  const open: Open = {
    account,
    profile,
    keyring,
    replica,
    colleagues: new Map(colleagues.map((c) => [c.id, c])),
    vaultNames: new Map(docs.vaults.map((v) => [v.id, v.name])),
    engine: undefined as unknown as SyncEngine,
    vault: undefined as unknown as VaultOperations,
    devices: undefined as unknown as OwnDevices,
    admin: undefined as unknown as AdminOperations,
    office: undefined as unknown as OfficeAdmin,
    succession: undefined as unknown as Succession,
    started: Promise.resolve(),
    confirmed: credentials === null,
    credentials,
    confirming: null,
    // Optimistic until the first attempt says otherwise: no offline banner flashes on every unlock.
    reachable: true,
    ended: null,
    snapshotKey,
    grants: docs.grants,
    vaultRows: docs.vaults,
  };
  const isAdmin = () => open.profile.role === 'admin' && open.profile.status === 'active';
  // The decrypted entry before a pulled change, until `changed` reports it (which fields it touched).
  const before = new Map<string, Entry>();
  open.engine = new SyncEngine(
    ctx.backend,
    ctx.local,
    account.userId,
    {
      accept: (row, prev) => {
        const old = replica.get(row.id)?.entry;
        if (old) before.set(row.id, old);
        return replica.accept(row, prev);
      },
      changed: (changes) => {
        saveSnapshotSoon(ctx);
        ctx.events.emit('entriesChanged', {
          changes: changes.map((c) => {
            const fields = changedFields(before.get(c.id), replica.get(c.id)?.entry);
            before.delete(c.id);
            return { ...c, byName: ctx.nameOf(c.by), fields };
          }),
        });
      },
      rollback: (entryId, seen, offered) => ctx.events.emit('rollback', { entryId, seen, offered }),
      damaged: (row) => {
        // A row under a key version this PC does not hold yet is a rotation whose grant is on its way.
        if (row.key_version > (keyring.currentVersion(row.vault_id) ?? 0))
          void reloadGrants(ctx).catch(() => {});
        else ctx.events.emit('damaged', { entryId: row.id });
      },
      memberEvent: (e) => void onMemberEvent(ctx, e).catch(() => {}),
      officeEvent: (e) => void onOfficeEvent(ctx, e).catch(() => {}),
      presence: () => {},
      connection: (c) => onConnection(ctx, c),
    },
    {
      ...(ctx.opts.pollMs ? { pollMs: ctx.opts.pollMs } : {}),
      // Tracked under the own user id: colleagues count a claim only under its claimant's key
      // (sync/presence.ts). The app version travels in the devices row, which the database writes.
      presence: {
        key: account.userId,
        meta: { user_id: account.userId, device_id: ctx.opts.device.id },
      },
    },
  );
  const backend = gatedBackend(ctx, open);
  open.vault = new VaultOperations({
    backend,
    keyring,
    replica,
    local: ctx.local,
    engine: open.engine,
    isAdmin,
    nameOf: (id) => ctx.nameOf(id),
    conflictsChanged: () => ctx.events.emit('conflictsChanged', { count: ctx.local.conflicts.length }),
    outboxChanged: () => emitSync(ctx, open.engine.connection),
    refusedChanged: () => ctx.events.emit('refusedChanged', { count: ctx.local.refused.length }),
  });
  open.vault.showQueued();
  open.succession = new Succession({
    backend,
    keyring,
    isAdmin,
    account: () => open.account,
    saveAccount: async (a) => {
      open.account = a;
      if (ctx.open === open) ctx.account = a;
      await ctx.accounts.save(a);
    },
    nameOf: (id) => ctx.nameOf(id),
    announce: (change) => ctx.events.emit('officeRootChanged', change),
    refused: () => ctx.events.emit('officeRootRefused', {}),
  });
  const rootHolder = () => open.succession.holder();
  open.admin = new AdminOperations({
    backend,
    keyring,
    replica,
    isAdmin,
    rootHolder,
    revoked: ctx.local,
    colleagues: () => [...open.colleagues.values()],
  });
  open.devices = new OwnDevices({
    backend,
    userId: account.userId,
    deviceId: ctx.opts.device.id,
    announce: (added) => ctx.events.emit('deviceAdded', added),
  });
  open.office = new OfficeAdmin({
    backend,
    isAdmin,
    presence: () => presence(ctx),
    titleOf: (id) => replica.get(id)?.entry.title ?? null,
    deviceId: ctx.opts.device.id,
  });
  ctx.open = open;
  ctx.currentPolicy = policy;
  ctx.autoLockMs = (policy?.auto_lock_minutes ?? 10) * 60_000;
  touch(ctx);
  ctx.setSession(ctx.unlockedState(profile));
  // The vault is usable now. Confirmation by the server, sockets, the catch-up pull and the outbox follow.
  open.started = open.confirmed ? startSync(ctx, open) : confirm(ctx, open);
}
