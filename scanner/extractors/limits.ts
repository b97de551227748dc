/**
 * Limits on what containers may expand to. A zip bomb (42.zip, a 10 GB file of zeros in 10 MB)
 * ends as `archive-limit` on its item instead of filling memory or disk time; nesting depth is
 * limited separately by the worker (WorkerInit.maxDepth).
 */
import type { ExtractBudget } from './types.js';

export interface ArchiveLimits {
  /** Uncompressed bytes that all archive entries under one file on the share may add up to. */
  maxTotalBytes: number;
  /** Archive entries (at all nesting levels) under one file on the share. */
  maxEntries: number;
  /** One entry's uncompressed size; a larger entry is listed as `too-large` and not read. */
  maxEntryBytes: number;
  /** Uncompressed ÷ compressed size of one entry; deflate cannot honestly exceed ~1030. */
  maxRatio: number;
  /** Entries smaller than this are not held to the ratio (tiny runs of zeros compress absurdly well). */
  ratioMinBytes: number;
  /**
   * Spreadsheets (xlsx, xlsm): a workbook expands through its shared strings, where one string
   * stored once can fill every cell (Apache POI's poc-shared-strings.xlsx, 110 KB, held a worker
   * for 120 s). Checked on the package before SheetJS reads it (spreadsheet-guard.ts).
   */
  /** Entries in the shared-strings table. */
  maxSharedStrings: number;
  /** Rows in one sheet; Excel itself stops at 1,048,576. */
  maxSheetRows: number;
  /** Cells in one sheet. */
  maxSheetCells: number;
  /** Characters that all cells of a workbook show through shared strings, added up. */
  maxSheetText: number;
}

export const DEFAULT_ARCHIVE_LIMITS: ArchiveLimits = {
  maxTotalBytes: 4 * 1024 ** 3,
  maxEntries: 100_000,
  maxEntryBytes: 512 * 1024 ** 2,
  maxRatio: 200,
  ratioMinBytes: 1024 ** 2,
  maxSharedStrings: 5_000_000,
  maxSheetRows: 1_048_576,
  maxSheetCells: 20_000_000,
  maxSheetText: 512 * 1024 ** 2,
};

let limits: ArchiveLimits = DEFAULT_ARCHIVE_LIMITS;

/** Set once per worker from its WorkerInit. */
export function configureArchiveLimits(overrides: Partial<ArchiveLimits> | undefined): void {
  limits = { ...DEFAULT_ARCHIVE_LIMITS, ...overrides };
}

export function archiveLimits(): ArchiveLimits {
  return limits;
}

export function newBudget(): ExtractBudget {
  return { bytes: limits.maxTotalBytes, entries: limits.maxEntries };
}
