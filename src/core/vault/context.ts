// What the vault operations work with: the open session's backend, keys, replica, local state and sync engine,
// and the callbacks that tell the facade something changed.
import type { Backend } from '../backend/client';
import type { SyncEngine } from '../sync/engine';
import type { LocalState } from '../sync/state';
import type { Keyring } from './keyring';
import type { Replica } from './replica';

export interface VaultContext {
  backend: Backend;
  keyring: Keyring;
  replica: Replica;
  local: LocalState;
  engine: SyncEngine;
  isAdmin(): boolean;
  nameOf(userId: string | null): string;
  conflictsChanged(): void;
  outboxChanged(): void;
  refusedChanged(): void;
}
