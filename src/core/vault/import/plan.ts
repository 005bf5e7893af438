// An import in two steps: the file is read and checked first (what would arrive, what is wrong by line, what
// is already there), and nothing is written until the person has seen that and says go. The plaintext rows
// stay inside this object in the core's process; the preview carries no password and no notes.
import { CoreError } from '../../backend/errors';
import type { EntryInput } from '../entry-schema';
import { FORMAT_NAMES, type ImportFormat } from './formats';
import { type DuplicateKeySource, type ImportProblem, type ParsedImport, parseImport } from './parse';

export interface ImportPreview {
  vaultId: string;
  format: ImportFormat;
  /** The program the file came from, as people call it. */
  formatName: string;
  /** Data rows in the file (good, bad and duplicates). */
  rows: number;
  /** Rows that would be imported without asking for duplicates. */
  ready: number;
  /** Lines that will be skipped for a problem; `problems` lists the first LIST_MAX problems. */
  problemLines: number;
  problems: ImportProblem[];
  /** Rows that match an entry already there; `duplicates` lists the first LIST_MAX. */
  duplicateCount: number;
  duplicates: { line: number; title: string; username: string; of: 'vault' | number }[];
  /** The first rows that would be imported, without secrets. */
  sample: { line: number; title: string; username: string; url: string; category: string }[];
}

export interface ImportSummary {
  imported: number;
  /** Encrypted and waiting in the outbox (offline); they go out when the server answers again. */
  queued: number;
  skippedDuplicates: number;
  skippedProblems: number;
  /** Left out because the server refused them (the run stops at the first refusal). */
  failed: number;
}

export interface ImportDeps {
  createMany(
    vaultId: string,
    inputs: EntryInput[],
    onProgress: (done: number, total: number) => void,
  ): Promise<{ created: number; queued: number; failed: number }>;
  /** Sends the import's audit event, or queues it on disk when the server cannot be reached. */
  logImport(vaultId: string, count: number, format: ImportFormat): Promise<void>;
}

const SAMPLE = 50;
// A file that is broken throughout must not become a preview of megabytes: the counts stay exact.
export const LIST_MAX = 500;

export class ImportPlan {
  readonly preview: ImportPreview;
  private used = false;

  constructor(
    private readonly deps: ImportDeps,
    vaultId: string,
    private readonly parsed: ParsedImport,
  ) {
    const fresh = parsed.rows.filter((r) => r.duplicateOf === null);
    const duplicates = parsed.rows.filter((r) => r.duplicateOf !== null);
    const problemLines = new Set(parsed.problems.map((p) => p.line)).size;
    this.preview = {
      vaultId,
      format: parsed.format,
      formatName: FORMAT_NAMES[parsed.format],
      rows: parsed.rows.length + problemLines,
      ready: fresh.length,
      problemLines,
      problems: parsed.problems.slice(0, LIST_MAX),
      duplicateCount: duplicates.length,
      duplicates: duplicates.slice(0, LIST_MAX).map((r) => ({
        line: r.line,
        title: r.entry.title,
        username: r.entry.username,
        of: r.duplicateOf ?? 'vault',
      })),
      sample: fresh.slice(0, SAMPLE).map((r) => ({
        line: r.line,
        title: r.entry.title,
        username: r.entry.username,
        url: r.entry.url,
        category: r.entry.category,
      })),
    };
  }

  static read(deps: ImportDeps, vaultId: string, text: string, existing: Iterable<DuplicateKeySource>) {
    return new ImportPlan(deps, vaultId, parseImport(text, existing));
  }

  /** Writes the rows once; duplicates only with `includeDuplicates`. One audit event for the whole import. */
  async commit(
    opts: { includeDuplicates?: boolean; onProgress?: (done: number, total: number) => void } = {},
  ): Promise<ImportSummary> {
    if (this.used) throw new CoreError('invalid_request', 'This import has already run.');
    this.used = true;
    const { vaultId, format } = this.preview;
    const rows = this.parsed.rows.filter((r) => opts.includeDuplicates || r.duplicateOf === null);
    const result = await this.deps.createMany(
      vaultId,
      rows.map((r) => r.entry),
      opts.onProgress ?? (() => {}),
    );
    const arrived = result.created + result.queued;
    if (arrived > 0) await this.audit(vaultId, arrived, format);
    return {
      imported: result.created,
      queued: result.queued,
      skippedDuplicates: this.parsed.rows.length - rows.length,
      skippedProblems: this.preview.problemLines,
      failed: result.failed,
    };
  }

  // Offline, the import's own event is queued on disk with the other audit events and follows the entries
  // (logImport does that). A refusal by the server does not undo entries that arrived; each has its own event.
  private async audit(vaultId: string, count: number, format: ImportFormat): Promise<void> {
    await this.deps.logImport(vaultId, count, format).catch((err: unknown) => {
      if (!(err instanceof CoreError)) throw err;
    });
  }
}
