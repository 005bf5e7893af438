// The first-run demo office for `npm start` and `npm run preview` on the local stack: an admin and an
// employee, both enrolled and confirmed, and a few sample entries. Each account is enrolled on its own
// simulated PC (a profile directory), because a master password unlocks only on the PC that enrolled it; the
// preview opens those profiles. The master passwords are printed once and stored nowhere.
import { existsSync } from 'node:fs';
import { mkdir, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { generatePassphrase } from '../src/core/vault/generator';
import { createFirstAdmin } from './admin-init';
import { type CoreSession, coreSessions } from './preview/session';

export const DEMO_PROFILES = { admin: 'demo-admin', employee: 'demo-employee' } as const;

const ADMIN = { email: 'alex.admin@demo.keyroom.test', displayName: 'Alex Admin' };
const EMPLOYEE = { email: 'sam.employee@demo.keyroom.test', displayName: 'Sam Employee' };

const SAMPLES = [
  {
    title: 'Office Wi-Fi',
    username: 'KeyroomGuest',
    url: '',
    category: 'Network',
    notes: 'Guest network, 5 GHz.',
  },
  { title: 'Printer admin', username: 'admin', url: 'http://192.168.1.20', category: 'Devices', notes: '' },
  {
    title: 'Accounting portal',
    username: 'office@demo.keyroom.test',
    url: 'https://accounting.example',
    category: 'Finance',
    notes: 'Monthly invoices.',
  },
  {
    title: 'Domain registrar',
    username: 'it@demo.keyroom.test',
    url: 'https://registrar.example',
    category: 'IT',
    notes: '',
  },
] as const;

export interface DemoOfficeOptions {
  url: string;
  publishableKey: string;
  secretKey: string;
  profilesDir: string;
  version: string;
  log?: (line: string) => void;
}

export interface DemoOffice {
  admin: { email: string; masterPassword: string };
  employee: { email: string; masterPassword: string };
}

export type OpenProfile = (profile: string) => Promise<CoreSession>;

// Creates the office on two simulated PCs and leaves both open and unlocked (tests go on from there).
export async function openDemoOffice(
  options: DemoOfficeOptions,
  open: OpenProfile,
): Promise<{ office: DemoOffice; admin: CoreSession; employee: CoreSession }> {
  const first = await createFirstAdmin({
    url: options.url,
    secretKey: options.secretKey,
    ...ADMIN,
  });
  const adminPassword = generatePassphrase({ words: 5, separator: '-' });
  const employeePassword = generatePassphrase({ words: 5, separator: '-' });
  const admin = await open(DEMO_PROFILES.admin);
  const employee = await open(DEMO_PROFILES.employee);
  try {
    await admin.core.redeemInvitation(ADMIN.email, first.password);
    await admin.core.enroll(adminPassword, null);
    const [vault] = admin.core.vaults();
    if (!vault) throw new Error('the first admin has no vault after enrolling');
    for (const sample of SAMPLES) {
      await admin.core.vault.create(vault.id, {
        ...sample,
        password: generatePassphrase({ words: 4, separator: '.' }),
      });
    }
    const invitation = await admin.core.admin.invite(EMPLOYEE.email, EMPLOYEE.displayName, 'member');
    await employee.core.redeemInvitation(EMPLOYEE.email, invitation.oneTimePassword);
    const pending = await employee.core.enroll(employeePassword, invitation.officeFingerprint);
    if (pending.state !== 'pendingConfirmation')
      throw new Error(`the employee is ${pending.state} after enrolling`);
    // The admin compares the fingerprint the employee reads out; here both sides are in one process.
    await admin.core.admin.confirm(invitation.memberId, pending.fingerprint);
    // Ready means the employee's PC has pulled and decrypted the samples, not only that it is unlocked.
    await waitFor(
      () => employee.core.state.state === 'unlocked' && employee.core.vault.list().length >= SAMPLES.length,
      20_000,
    );
  } catch (error) {
    await admin.close();
    await employee.close();
    throw error;
  }
  return {
    office: {
      admin: { email: ADMIN.email, masterPassword: adminPassword },
      employee: { email: EMPLOYEE.email, masterPassword: employeePassword },
    },
    admin,
    employee,
  };
}

async function waitFor(done: () => boolean, ms: number): Promise<void> {
  const until = Date.now() + ms;
  while (!done()) {
    if (Date.now() > until) throw new Error('the employee was not confirmed in time');
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
}

// Creates the office and returns the credentials; the caller prints them.
export async function createDemoOffice(options: DemoOfficeOptions): Promise<DemoOffice> {
  const sessions = coreSessions({ ...options, pollMs: 1000 });
  const { office, admin, employee } = await openDemoOffice(options, (profile) => sessions(profile, () => {}));
  await admin.close();
  await employee.close();
  return office;
}

// Creates the demo office once per data directory, printing the credentials that one time.
export async function ensureDemoOffice(options: DemoOfficeOptions & { markerDir: string }): Promise<boolean> {
  const log = options.log ?? console.log;
  const marker = join(options.markerDir, 'demo-office.json');
  if (existsSync(marker)) return false;
  log('creating the demo office (first run) …');
  const office = await createDemoOffice(options);
  await mkdir(options.markerDir, { recursive: true });
  await writeFile(
    marker,
    `${JSON.stringify({ createdAt: new Date().toISOString(), admin: office.admin.email, employee: office.employee.email })}\n`,
  );
  log('');
  log('Demo office ready. These master passwords are shown only now: write them down.');
  log(`  admin     ${office.admin.email}   master password: ${office.admin.masterPassword}`);
  log(`  employee  ${office.employee.email}   master password: ${office.employee.masterPassword}`);
  log('');
  return true;
}
