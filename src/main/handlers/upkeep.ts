// Password health, the trash and the vault export (issue 16). Health is worked out by the core on this PC with
// the age limit from this PC's settings; the export's text goes from the core straight to the file the person
// chose in the OS save dialog (Electron's in the app, a folder of the session in the browser preview) and is
// never part of a response.
import { basename } from 'node:path';
import type { ExposedEntry, HealthFlag, KeyroomCore } from '../../core';
import { writeFileAtomic } from '../../core/storage/atomic-file';
import { HEALTH_MAX_AGE_DEFAULT } from '../../shared/upkeep';
import type { Handlers } from '../ipc-registry';
import { mapped } from './errors';
import type { HandlerOs } from './os';

/** Where an export goes: the OS save dialog, injected. Null when the person cancels. */
export interface ExportFileSaver {
  save(suggestedName: string, format: 'csv' | 'json', text: string): Promise<{ fileName: string } | null>;
}

export interface SaveDialogOptions {
  title: string;
  defaultPath: string;
  filters: { name: string; extensions: string[] }[];
}

/** The saver over Electron's dialog.showSaveDialog; the file is written readable by this user only. */
export function dialogSaver(
  show: (options: SaveDialogOptions) => Promise<{ canceled: boolean; filePath?: string }>,
): ExportFileSaver {
  return {
    async save(suggestedName, format, text) {
      const r = await show({
        title: 'Export the vault',
        defaultPath: suggestedName,
        filters: [
          format === 'csv'
            ? { name: 'Bitwarden CSV', extensions: ['csv'] }
            : { name: 'Bitwarden JSON', extensions: ['json'] },
        ],
      });
      if (r.canceled || !r.filePath) return null;
      // Atomic and owner-only even over an existing file (writeFile's mode applies to new files only); a failed
      // write leaves no half file of passwords behind.
      await writeFileAtomic(r.filePath, text);
      return { fileName: basename(r.filePath) };
    },
  };
}

type UpkeepHandlers = Pick<
  Handlers,
  'health.report' | 'health.flags' | 'trash.list' | 'trash.restore' | 'trash.purge' | 'export.save'
>;

async function maxAgeDays(os: Pick<HandlerOs, 'settings'>): Promise<number> {
  return (await os.settings.get()).healthMaxAgeDays ?? HEALTH_MAX_AGE_DEFAULT;
}

/** The offboarding list with each entry's health flags as this PC sees them now. */
export async function exposedWithFlags(
  core: KeyroomCore,
  os: Pick<HandlerOs, 'settings'>,
  exposed: ExposedEntry[],
): Promise<(ExposedEntry & { flags: HealthFlag[] })[]> {
  const flags = core.upkeep.flags(await maxAgeDays(os));
  return exposed.map((e) => ({ ...e, flags: flags.get(e.entryId) ?? [] }));
}

export function upkeepHandlers(
  core: KeyroomCore,
  os: Pick<HandlerOs, 'settings' | 'exportFiles'>,
): UpkeepHandlers {
  return {
    'health.report': mapped(async () => {
      const days = await maxAgeDays(os);
      const report = core.upkeep.health(days);
      return {
        maxAgeDays: days,
        vaults: report.vaults,
        entries: report.entries.map((e) => ({ entry: e.summary, flags: e.flags })),
      };
    }),
    'health.flags': mapped(async () => {
      const days = await maxAgeDays(os);
      return { maxAgeDays: days, flags: [...core.upkeep.flags(days)].map(([id, flags]) => ({ id, flags })) };
    }),
    'trash.list': mapped(async () => ({
      items: (await core.upkeep.trash()).map((t) => ({
        entry: t.summary,
        deletedAt: t.deletedAt,
        deletedBy: t.deletedBy,
      })),
    })),
    'trash.restore': mapped(({ id, baseVersion }) => core.upkeep.restore(id, baseVersion)),
    'trash.purge': mapped(async ({ id }) => {
      await core.upkeep.purge(id);
      return null;
    }),
    'export.save': mapped(async ({ vaultId, format, passphrase }) => {
      const file = await core.upkeep.exportVault(vaultId, format, passphrase);
      const saved = await os.exportFiles.save(file.fileName, format, file.text);
      return {
        saved: saved !== null,
        fileName: saved?.fileName ?? '',
        count: file.count,
        skipped: file.skipped,
      };
    }),
  };
}
