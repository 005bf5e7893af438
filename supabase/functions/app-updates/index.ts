// app-updates: release records and the client policy, for active admins only. `publish` records a release
// (semver; the minimum version the apps must run may rise with it but never above it); `minimum` sets the
// minimum version on its own, at most the published release, or removes it (`min_version: null` switches the
// forced update off); `policy` sets the auto-lock minutes and whether "stay unlocked on this PC" is allowed. The RPCs audit as the calling admin
// and the client_policy trigger pokes the office channel.
import { z } from 'npm:zod@4';
import { requireAdmin, serviceClient } from '../_shared/caller.ts';
import { HttpError, serveJson } from '../_shared/http.ts';
import { parseInput } from '../_shared/input.ts';
import { adminRpc } from '../_shared/rpc.ts';
import { compareSemver, isSemver } from '../_shared/semver.ts';

const Version = z.string().max(64).refine(isSemver, 'not a semantic version (e.g. 1.4.0)');

const AppUpdatesRequest = z.discriminatedUnion('action', [
  z.strictObject({
    action: z.literal('publish'),
    version: Version,
    notes: z.string().max(10_000),
    critical: z.boolean(),
    min_version: Version.optional(),
  }),
  // null is the explicit "no minimum": the key must be present, so a forgotten field never clears it.
  z.strictObject({ action: z.literal('minimum'), min_version: Version.nullable() }),
  z.strictObject({
    action: z.literal('policy'),
    auto_lock_minutes: z.int().min(1).max(1440).optional(),
    allow_stay_unlocked: z.boolean().optional(),
  }),
]);

interface Policy {
  min_version: string | null;
  latest_version: string | null;
  critical: boolean;
  release_notes: string | null;
  auto_lock_minutes: number;
  allow_stay_unlocked: boolean;
}

function policyFields(p: Policy): Policy {
  const { min_version, latest_version, critical, release_notes, auto_lock_minutes, allow_stay_unlocked } = p;
  return { min_version, latest_version, critical, release_notes, auto_lock_minutes, allow_stay_unlocked };
}

Deno.serve(
  serveJson('app-updates', async (body, req) => {
    const service = serviceClient();
    const admin = await requireAdmin(req, service);
    const input = parseInput(AppUpdatesRequest, body);
    if (input.action === 'policy') {
      if (input.auto_lock_minutes === undefined && input.allow_stay_unlocked === undefined)
        throw new HttpError(400, 'invalid_input', 'auto_lock_minutes: give it or allow_stay_unlocked');
      const policy = await adminRpc<Policy>(service, 'admin_set_policy', {
        p_actor: admin.id,
        p_auto_lock_minutes: input.auto_lock_minutes ?? null,
        p_allow_stay_unlocked: input.allow_stay_unlocked ?? null,
      });
      return [200, { policy: policyFields(policy) }];
    }
    const current = await service.from('client_policy').select('latest_version').eq('id', 1).single();
    if (current.error) throw new Error(`client_policy read failed: ${current.error.code}`);
    const latest: string | null = current.data.latest_version;
    if (input.action === 'minimum') {
      if (input.min_version !== null) {
        if (!latest || !isSemver(latest))
          throw new HttpError(400, 'invalid_input', 'min_version: publish a release first');
        if (compareSemver(input.min_version, latest) > 0)
          throw new HttpError(400, 'invalid_input', `min_version: must not be above version ${latest}`);
      }
      const policy = await adminRpc<Policy>(service, 'admin_set_min_version', {
        p_actor: admin.id,
        p_min_version: input.min_version,
      });
      return [200, { policy: policyFields(policy) }];
    }
    if (latest && isSemver(latest) && compareSemver(input.version, latest) < 0)
      throw new HttpError(409, 'version_not_newer', `version: ${input.version} is older than ${latest}`);
    if (input.min_version && compareSemver(input.min_version, input.version) > 0)
      throw new HttpError(400, 'invalid_input', `min_version: must not be above version ${input.version}`);
    const policy = await adminRpc<Policy>(service, 'admin_publish_release', {
      p_actor: admin.id,
      p_version: input.version,
      p_notes: input.notes,
      p_critical: input.critical,
      p_min_version: input.min_version ?? null,
    });
    return [200, { policy: policyFields(policy) }];
  }),
);
