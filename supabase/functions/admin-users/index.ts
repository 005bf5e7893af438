// admin-users: the office's user management, for active admins only. The body names the action:
// invite, disable, enable, reset, set-role, delete, confirm, take-over, recovery-kit, take-root. Database changes go
// through the service-role RPCs of supabase/migrations/20261125120400_admin_rpcs.sql (which audit as the calling admin
// and guard the last admin and the office root);
// Auth changes (the account, its password, its ban) through the GoTrue admin API.
import { requireAdmin, serviceClient } from '../_shared/caller.ts';
import { serveJson } from '../_shared/http.ts';
import { parseInput } from '../_shared/input.ts';
import { AdminUsersRequest, runAction } from './actions.ts';

Deno.serve(
  serveJson('admin-users', async (body, req) => {
    const service = serviceClient();
    const admin = await requireAdmin(req, service);
    const input = parseInput(AdminUsersRequest, body);
    return runAction(service, admin, input);
  }),
);
