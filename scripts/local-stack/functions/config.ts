// Per-function settings from supabase/config.toml, as `supabase functions serve` reads them. Only the
// `[functions.<name>]` tables matter here, and of those only `verify_jwt` (default true, like the CLI),
// so this reads table headers and boolean keys and ignores the rest of the file.
import { readFile } from 'node:fs/promises';

export interface FunctionSettings {
  verifyJwt: boolean;
}

const HEADER = /^\[\s*functions\s*\.\s*(?:"([^"]+)"|([A-Za-z0-9_-]+))\s*\]\s*(?:#.*)?$/;
const ANY_HEADER = /^\[/;
const VERIFY_JWT = /^verify_jwt\s*=\s*(true|false)\s*(?:#.*)?$/;

export function parseFunctionSettings(toml: string): Map<string, FunctionSettings> {
  const settings = new Map<string, FunctionSettings>();
  let current: string | undefined;
  for (const raw of toml.split(/\r?\n/)) {
    const line = raw.trim();
    const header = HEADER.exec(line);
    if (header) {
      current = header[1] ?? header[2];
      continue;
    }
    if (ANY_HEADER.test(line)) {
      current = undefined;
      continue;
    }
    const verify = VERIFY_JWT.exec(line);
    if (current && verify) settings.set(current, { verifyJwt: verify[1] === 'true' });
  }
  return settings;
}

export async function loadFunctionSettings(configPath: string): Promise<Map<string, FunctionSettings>> {
  try {
    return parseFunctionSettings(await readFile(configPath, 'utf8'));
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code === 'ENOENT') return new Map();
    throw err;
  }
}

export function settingsFor(all: Map<string, FunctionSettings>, name: string): FunctionSettings {
  return all.get(name) ?? { verifyJwt: true };
}
