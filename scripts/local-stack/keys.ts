// The stack's JWT secret and its anon / service-role API keys: generated once per data directory and kept
// there (never hard-coded), or made fresh in memory for a throwaway stack.
import { randomBytes } from 'node:crypto';
import { existsSync } from 'node:fs';
import { chmod, mkdir, readFile, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { SignJWT } from 'jose';
import { z } from 'zod';

export interface StackKeys {
  jwtSecret: string;
  anonKey: string;
  serviceRoleKey: string;
}

const KeysFile = z.object({ jwtSecret: z.string().min(32), anonKey: z.string(), serviceRoleKey: z.string() });

export const JWT_ISSUER = 'keyroom-local-stack';

async function apiKey(secret: string, role: 'anon' | 'service_role'): Promise<string> {
  // Long-lived like Supabase's own anon/service keys (ten years).
  const now = Math.floor(Date.now() / 1000);
  return new SignJWT({ role })
    .setProtectedHeader({ alg: 'HS256', typ: 'JWT' })
    .setIssuer(JWT_ISSUER)
    .setIssuedAt(now)
    .setExpirationTime(now + 10 * 365 * 24 * 3600)
    .sign(new TextEncoder().encode(secret));
}

export async function generateKeys(): Promise<StackKeys> {
  const jwtSecret = randomBytes(48).toString('base64url');
  return {
    jwtSecret,
    anonKey: await apiKey(jwtSecret, 'anon'),
    serviceRoleKey: await apiKey(jwtSecret, 'service_role'),
  };
}

export async function loadOrCreateKeys(dataDir: string | undefined): Promise<StackKeys> {
  if (!dataDir) return generateKeys();
  const file = join(dataDir, 'keys.json');
  if (existsSync(file)) return KeysFile.parse(JSON.parse(await readFile(file, 'utf8')));
  const keys = await generateKeys();
  await mkdir(dataDir, { recursive: true });
  await writeFile(file, JSON.stringify(keys, null, 2), { mode: 0o600 });
  await chmod(file, 0o600);
  return keys;
}
