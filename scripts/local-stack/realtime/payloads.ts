// The client payloads a channel reads (realtime_web/channels/payloads/*.ex in supabase/realtime): parsed
// leniently, since Realtime ignores what it does not know and falls back to defaults on an invalid join.
import { z } from 'zod';

export const JoinPayload = z
  .object({
    access_token: z.string().nullish(),
    user_token: z.string().nullish(),
    config: z
      .object({
        broadcast: z
          .object({ self: z.boolean().nullish(), ack: z.boolean().nullish() })
          .passthrough()
          .nullish(),
        presence: z
          .object({ key: z.string().nullish(), enabled: z.boolean().nullish() })
          .passthrough()
          .nullish(),
        private: z.boolean().nullish(),
      })
      .passthrough()
      .nullish(),
  })
  .passthrough();

export const BroadcastPayload = z
  .object({ event: z.string(), payload: z.unknown().optional() })
  .passthrough();
export const PresencePayload = z.object({ event: z.string(), payload: z.unknown().optional() }).passthrough();
export const AccessTokenPayload = z.object({ access_token: z.string().nullish() }).passthrough();

export const isPlainObject = (v: unknown): v is Record<string, unknown> =>
  typeof v === 'object' && v !== null && !Array.isArray(v);
