// What the KeyroomCore facade speaks in (its options, session states, sync status and events), and the one
// record of an open session the session modules share. No logic here.
import type { OfficeAdmin, OfficePolicy } from '../admin/office';
import type { AdminOperations } from '../admin/operations';
import type { PersonChange } from '../admin/people-changes';
import type { RootChange, Succession } from '../admin/succession';
import type { CoreError } from '../backend/errors';
import type { Network } from '../backend/network/network';
import type { ColleagueRow, GrantRow, ProfileRow, VaultRow } from '../backend/rows';
import type { Change, SyncEngine } from '../sync/engine';
import type { CoreStorage } from '../sync/state';
import type { ChangedField } from '../vault/changed-fields';
import type { Keyring } from '../vault/keyring';
import type { VaultOperations } from '../vault/operations';
import type { Replica } from '../vault/replica';
import type { Account } from './account';
import type { DeviceAdded, OwnDevices } from './devices';
import type { SnapshotKey } from './snapshot';

export interface CoreOptions {
  url: string;
  /** The project's publishable key (`sb_publishable_…`), or its legacy anon key. */
  publishableKey: string;
  storage: CoreStorage;
  appVersion: string;
  device: { id: string; name: string; platform: string };
  /** Pull interval without a live socket (DESIGN.md: 30 s); tests shorten it. */
  pollMs?: number;
  /** Where REST, Auth, Functions and Realtime connect through; the proxy variables as curl reads them if absent. */
  network?: Network;
}

export type SessionState =
  /** `notice`: why the PC is signed out when it did not do so itself (signed out from another PC, revoked). */
  | { state: 'signedOut'; notice?: string }
  | { state: 'needsEnrollment'; email: string; officeFingerprint: string | null }
  | { state: 'pendingConfirmation'; email: string; fingerprint: string }
  /** `notice`: why it locked when that is news (the master password was changed on another PC). */
  | { state: 'locked'; email: string; notice?: string }
  | {
      state: 'unlocked';
      user: { id: string; email: string; displayName: string; role: 'admin' | 'member' };
      officeFingerprint: string;
    }
  | { state: 'disabled'; email: string }
  | { state: 'updateRequired'; running: string; required: string };

export interface SyncStatus {
  /** connecting: nothing known yet (locked, or unlocked before the first answer or channel join). */
  connection: 'connecting' | 'online' | 'offline' | 'syncing';
  /** All Realtime channels joined (pokes arrive; no polling). */
  live: boolean;
  /** Pulls work but the network refuses the socket: updates come by polling every 30 s. */
  liveBlocked: boolean;
  lastSyncedAt: string | null;
  pendingChanges: number;
}

export interface CoreEvents {
  sessionChanged: SessionState;
  /** `by` is the display name of who made the change, as the server reports it. */
  entriesChanged: { changes: (Change & { byName: string; fields: ChangedField[] })[] };
  conflictsChanged: { count: number };
  /** Queued writes the server refused for good, kept for the person to save elsewhere or discard. */
  refusedChanged: { count: number };
  syncState: SyncStatus;
  updateRequired: { running: string; required: string };
  /** The office policy was read (at unlock, at the server's confirmation, on a policy poke). */
  policyChanged: Omit<OfficePolicy, 'updatedAt'>;
  /** Someone's status or role changed (an invitee enrolled, a colleague was disabled): the office channel's poke. */
  peopleChanged: { changes: PersonChange[] };
  /** An entry failed to decrypt or verify; it is listed as damaged and the cache keeps its last good copy. */
  damaged: { entryId: string };
  /** The server offered an older version than this PC has seen; it was not applied. */
  rollback: { entryId: string; seen: number; offered: number };
  /** A hand-over of the office root role, verified against the pinned root key (admin/succession.ts). */
  officeRootChanged: RootChange;
  /** The server named a new office root the pinned key did not sign: ignored. */
  officeRootRefused: Record<string, never>;
  /** The server lists revocations no admin's key signed (crypto/revocation.ts): ignored. */
  revocationRefused: { count: number };
  /** Another PC of this person signed in for the first time. */
  deviceAdded: DeviceAdded;
}

export interface Open {
  account: Account;
  profile: ProfileRow;
  keyring: Keyring;
  replica: Replica;
  engine: SyncEngine;
  vault: VaultOperations;
  admin: AdminOperations;
  office: OfficeAdmin;
  succession: Succession;
  devices: OwnDevices;
  colleagues: Map<string, ColleagueRow>;
  vaultNames: Map<string, string>;
  /** Realtime joined, first pull and outbox flush done (or failed offline). */
  started: Promise<void>;
  /**
   * The server has signed this session in and confirmed the account, policy and grants. An unlock from the
   * cache starts unconfirmed; until then nothing is sent and the sync engine does not run.
   */
  confirmed: boolean;
  /** What the background sign-in needs, held only until the server confirms (or the session closes). */
  credentials: { authSecret: string } | null;
  confirming: Promise<void> | null;
  /** The last attempt to reach the server got an answer. */
  reachable: boolean;
  /** What the server refused at confirmation, and the session ending because of it. */
  ended: { refusal: CoreError; done: Promise<void> } | null;
  snapshotKey: SnapshotKey;
  /** The own grants that verified and the vault rows, at the last read from the server (or the cache). */
  grants: GrantRow[];
  vaultRows: VaultRow[];
}
