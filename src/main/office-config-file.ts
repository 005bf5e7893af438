// Where the installed app finds its office: SUPABASE_URL + SUPABASE_PUBLISHABLE_KEY (what npm start passes),
// else the user's own config.json in the app's data folder, else keyroom-office.json in the installation folder
// (the installer copies it there from beside Keyroom-Setup-<version>.exe: build/installer.nsh). The first that
// exists wins; one that exists but is wrong stops the start with what is wrong, never falling through to another
// office.
import { readFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import {
  OFFICE_CONFIG_EXAMPLE,
  type OfficeConfig,
  officeConfigFromEnv,
  parseOfficeConfig,
} from '../shared/office-config';

export const OFFICE_FILE = 'keyroom-office.json';

export function officeConfigPaths(userData: string, execPath: string): string[] {
  return [join(userData, 'config.json'), join(dirname(execPath), OFFICE_FILE)];
}

export function readOfficeConfig(env: NodeJS.ProcessEnv, paths: readonly string[]): OfficeConfig {
  const fromEnv = officeConfigFromEnv(env);
  if (fromEnv) return fromEnv;
  for (const path of paths) {
    let text: string;
    try {
      text = readFileSync(path, 'utf8');
    } catch {
      continue;
    }
    return parseOfficeConfig(text, path);
  }
  throw new Error(
    `Keyroom is not configured. Put ${OFFICE_CONFIG_EXAMPLE} in ${paths.join(' or ')} (docs/deploy.md).`,
  );
}
