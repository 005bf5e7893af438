// The IPC shapes of password health, the trash and the vault export (issue 16). Health carries flags and counts,
// never a password or anything derived from one; the export's file text stays in the main process, which writes
// it where the person chose: the renderer learns only whether it was saved, where to, and how many entries.
import { z } from 'zod';
import { entrySummarySchema, isoTime, uuid } from './domain';

export const healthFlagSchema = z.enum(['weak', 'reused', 'old']);
export type HealthFlagName = z.infer<typeof healthFlagSchema>;

/** Days after which an unchanged password counts as old: this PC's setting (settings.healthMaxAgeDays). */
export const healthMaxAgeSchema = z.number().int().min(1).max(3650);
export const HEALTH_MAX_AGE_DEFAULT = 365;

const count = z.number().int().nonnegative();
const flags = z.array(healthFlagSchema).max(3);

export const healthReportSchema = z.object({
  maxAgeDays: healthMaxAgeSchema,
  vaults: z
    .array(
      z.object({
        vaultId: uuid,
        name: z.string().max(200),
        entries: count,
        weak: count,
        reused: count,
        old: count,
        toChange: count,
      }),
    )
    .max(10_000),
  entries: z.array(z.object({ entry: entrySummarySchema, flags })).max(100_000),
});
export type HealthReport = z.infer<typeof healthReportSchema>;

export const healthFlagsSchema = z.object({
  maxAgeDays: healthMaxAgeSchema,
  flags: z.array(z.object({ id: uuid, flags })).max(100_000),
});

export const trashListSchema = z.object({
  items: z
    .array(z.object({ entry: entrySummarySchema, deletedAt: isoTime, deletedBy: z.string().max(254) }))
    .max(10_000),
});
export type TrashEntry = z.infer<typeof trashListSchema>['items'][number];

export const exportRequestSchema = z
  .object({
    vaultId: uuid,
    format: z.enum(['csv', 'json']),
    // Only with the JSON format; the same floor as a master password.
    passphrase: z.string().min(12).max(1024).optional(),
  })
  .strict();

export const exportResultSchema = z.object({
  saved: z.boolean(),
  fileName: z.string().max(260),
  count,
  /** Entries that do not open on this PC (damaged): not in the file. */
  skipped: count,
});
