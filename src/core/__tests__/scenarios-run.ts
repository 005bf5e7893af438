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
