// What the office scenario's steps hand on to each other: the parts of scenarios.ts run in order against one
// office, and each step reads (and sometimes replaces) the PCs and ids the steps before it left here.
import { CoreError } from '../backend/errors';
import type { Cable, Office, Pc } from './office';

export interface OfficeRun {
  office: Office;
  /** The first admin, the office root. */
  admin: Pc;
  admin2: Pc;
  emp: Pc;
  /** The PC behind the cable, which the offline steps unplug and restart. */
  roamer: Pc;
  cable: Cable;
  vaultId: string;
  wifiId: string;
  bankId: string;
}

export async function refusal(p: Promise<unknown>): Promise<CoreError> {
  const err = await p.then(
    () => null,
    (e: unknown) => e,
  );
  if (!(err instanceof CoreError)) throw new Error(`expected a CoreError, got ${String(err)}`);
  return err;
}
