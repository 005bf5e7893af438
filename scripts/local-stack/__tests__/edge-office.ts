// A small office on a fresh local stack for the edge-function suites: the first admin made by admin:init's
// createFirstAdmin and enrolled (so active and the office root), and helpers to sign people in, enroll them
// and call the functions as they would from the app.
import { randomBytes } from 'node:crypto';
import {
  createClient,
  FunctionsHttpError,
  type SupabaseClient,
  type SupabaseClientOptions,
} from '@supabase/supabase-js';
import { expect } from 'vitest';
import WebSocket from 'ws';
import { createFirstAdmin } from '../../admin-init';
import { type RunningStack, type StackOptions, startStack } from '../server';

type Transport = NonNullable<NonNullable<SupabaseClientOptions<'public'>['realtime']>['transport']>;

export interface Person {
  id: string;
  email: string;
  password: string;
  client: SupabaseClient;
}

export interface Office {
  stack: RunningStack;
  root: Person;
  /** Every line the stack (and the functions' workers) logged. */
  logs: string[];
}

/** A client as the app makes one: the publishable key by default, or a legacy anon key a project may keep. */
export function newClient(stack: RunningStack, key = stack.publishableKey): SupabaseClient {
  return createClient(stack.url, key, {
    auth: { persistSession: false, autoRefreshToken: false },
    realtime: { transport: WebSocket as unknown as Transport },
  });
}

export async function signIn(
  stack: RunningStack,
  email: string,
  password: string,
  key = stack.publishableKey,
): Promise<Person> {
  const client = newClient(stack, key);
  const { data, error } = await client.auth.signInWithPassword({ email, password });
  if (error) throw error;
  return { id: data.user.id, email, password, client };
}

const b64 = (n: number) => randomBytes(n).toString('base64url');

/** Uploads key material as the app does at enrollment (shapes only: the server never checks the crypto). */
export async function enroll(person: Person): Promise<{ x25519_public: string }> {
  const keys = {
    x25519_public: b64(32),
    ed25519_public: b64(32),
    kdf: { alg: 'argon2id', v: 19, m: 65536, t: 3, p: 1, salt: b64(16) },
    wrapped_keys: { v: 1, alg: 'xchacha20poly1305', nonce: b64(24), ct: b64(80) },
  };
  const { error } = await person.client.from('profiles').update(keys).eq('id', person.id);
  if (error) throw new Error(`enroll failed: ${error.message}`);
  return { x25519_public: keys.x25519_public };
}

export function certificate(signer: string) {
  return { signer, sig: b64(64), n: b64(16) };
}

/** A confirm request's grant for one vault (shapes only, like the keys: the server never opens it). */
export function sealedGrant(vaultId: string, memberPublic: string, keyVersion = 1) {
  return {
    vault_id: vaultId,
    key_version: keyVersion,
    sealed_key: b64(80),
    member_public: memberPublic,
    signature: b64(64),
  };
}

/** `dataDir` keeps the stack's keys (and PGlite) on disk, for a suite that must sign with the project's key. */
export async function startOffice(opts: Pick<StackOptions, 'dbUrl' | 'dataDir'> = {}): Promise<Office> {
  const logs: string[] = [];
  const stack = await startStack({
    port: 0,
    dbUrl: opts.dbUrl,
    dataDir: opts.dataDir,
    log: (line) => logs.push(line),
  });
  const email = 'root@office.test';
  const { password } = await createFirstAdmin({
    url: stack.url,
    secretKey: stack.secretKey,
    email,
    displayName: 'Root',
  });
  const root = await signIn(stack, email, password);
  await enroll(root);
  return { stack, root, logs };
}

export interface Outcome<T> {
  status: number;
  body: T;
}

/** supabase.functions.invoke, with the status and parsed body of a refusal as well as of a success. */
export async function call<T = Record<string, unknown>>(
  client: SupabaseClient,
  fn: string,
  body: Record<string, unknown>,
): Promise<Outcome<T>> {
  const { data, error, response } = await client.functions.invoke(fn, { body });
  if (!error) return { status: response?.status ?? 200, body: data as T };
  expect(error).toBeInstanceOf(FunctionsHttpError);
  const res = (error as FunctionsHttpError).context as Response;
  return { status: res.status, body: (await res.json()) as T };
}

export interface Refusal {
  error: { code: string; message: string };
}

/** Invites through admin-users and signs the invitee in with the one-time password. */
export async function invite(
  office: Office,
  email: string,
  role: 'admin' | 'member' = 'member',
  by: Person = office.root,
): Promise<Person> {
  const r = await call<{ one_time_password: string }>(by.client, 'admin-users', {
    action: 'invite',
    email,
    display_name: email.split('@')[0],
    role,
  });
  expect(r.status).toBe(201);
  return signIn(office.stack, email, r.body.one_time_password);
}

/** Invite, enroll and confirm: an active colleague. */
export async function colleague(
  office: Office,
  email: string,
  role: 'admin' | 'member' = 'member',
): Promise<Person> {
  const person = await invite(office, email, role);
  await enroll(person);
  const r = await call(office.root.client, 'admin-users', {
    action: 'confirm',
    user_id: person.id,
    key_certificate: certificate(office.root.id),
    grants: [],
  });
  expect(r.status).toBe(200);
  return person;
}

export async function auditRows(office: Office, target: string) {
  const r = await office.stack.db.query<{
    action: string;
    actor_id: string | null;
    actor_email: string | null;
  }>(
    'select action, actor_id::text, actor_email from public.audit_log where target_user_id = $1::uuid order by id',
    [target],
  );
  return r.rows;
}
