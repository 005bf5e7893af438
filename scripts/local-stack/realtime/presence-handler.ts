// A channel's `presence` event, as Realtime's PresenceHandler answers it (supabase/realtime
// lib/realtime_web/channels/realtime_channel/presence_handler.ex and handle_in("presence") in realtime_channel.ex):
// a track on a private channel authorizes presence first (read if not evaluated at join, then write), then the
// payload must be a map and within the tenant's payload limit; an untrack leaves.
import type { Database } from '../db';
import type { Hub, Subscription } from './hub';
import { isPlainObject, PresencePayload } from './payloads';
import { probeRead, probeWrite, UNEVALUATED } from './policies';

export interface PresenceContext {
  db: Database;
  hub: Hub;
  /**
   * Tenant max_payload_size_in_kb (default 3000): Tenants.validate_payload_size allows kb * 1000 + 500 bytes of
   * :erlang.external_size of the decoded payload. The stand-in measures the payload's JSON in UTF-8 instead,
   * which is within a few bytes per key of the external size for the maps of strings presence carries.
   */
  maxPayloadBytes: number;
  reply(status: 'ok' | 'error', response: Record<string, unknown>): void;
  /** shutdown_response: a system error, then phx_close, and the channel ends. */
  shutdown(message: string): void;
}

export async function handlePresence(ctx: PresenceContext, sub: Subscription, raw: unknown): Promise<void> {
  const parsed = PresencePayload.safeParse(raw);
  if (!parsed.success) {
    ctx.reply('ok', {});
    return;
  }
  switch (parsed.data.event.toLowerCase()) {
    case 'track': {
      if (sub.private && sub.policies?.presenceWrite == null) {
        let policies = sub.policies ?? { ...UNEVALUATED };
        if (policies.presenceRead == null) {
          policies = await probeRead(ctx.db, sub.subTopic, sub.claims, { presence: true, base: policies });
        }
        policies = await probeWrite(ctx.db, sub.subTopic, sub.claims, policies);
        if (sub.closed) return;
        sub.policies = policies;
      }
      if (sub.private && !sub.policies?.presenceWrite) {
        ctx.reply('error', {});
        return;
      }
      const payload = parsed.data.payload ?? {};
      if (!isPlainObject(payload)) {
        ctx.reply('error', { reason: 'Presence track payload must be a map' });
        return;
      }
      if (Buffer.byteLength(JSON.stringify(payload)) > ctx.maxPayloadBytes) {
        ctx.shutdown('Track message size exceeded');
        return;
      }
      ctx.hub.track(sub, payload);
      sub.presenceEnabled = true;
      ctx.reply('ok', {});
      return;
    }
    case 'untrack':
      ctx.hub.untrack(sub);
      ctx.reply('ok', {});
      return;
    default:
      ctx.reply('error', {});
  }
}
