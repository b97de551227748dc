/**
 * The workbook check against its limits, each limit met exactly (passes) and by one more (ends as
 * `archive-limit`): the counts made in the sheet bytes and the bound by the longest shared string
 * must say what reading every cell says.
 */
import { afterEach, describe, expect, it } from 'vitest';
import { sharedStringsBomb } from '../../fixtures/spreadsheet-bomb.js';
import { type ArchiveLimits, configureArchiveLimits } from './limits.js';
import { checkSheetExpansion } from './spreadsheet-guard.js';
import { openZip } from './zip-reader.js';

// 10 rows of 500 cells, every cell the one shared string of 120 characters: 600,000 characters shown.
const ROWS = 10;
const CELLS = ROWS * 500;
const STRING = 120;

async function check(limits: Partial<ArchiveLimits>, workbook?: Buffer): Promise<string | undefined> {
  configureArchiveLimits(limits);
  const zip = await openZip(workbook ?? (await sharedStringsBomb(ROWS, STRING)));
  try {
    await checkSheetExpansion(zip);
    return undefined;
  } catch (err) {
    return `${(err as { code?: string }).code}: ${(err as Error).message}`;
  } finally {
    zip.close();
  }
}

afterEach(() => configureArchiveLimits(undefined));

describe('checkSheetExpansion', () => {
  it('passes a workbook within every limit', async () => {
    expect(await check({})).toBeUndefined();
  });

  it('holds the rows to their limit', async () => {
    expect(await check({ maxSheetRows: ROWS })).toBeUndefined();
    expect(await check({ maxSheetRows: ROWS - 1 })).toMatch(/^archive-limit: a sheet has more than 9 rows/);
  });

  it('holds the cells to their limit', async () => {
    expect(await check({ maxSheetCells: CELLS })).toBeUndefined();
    expect(await check({ maxSheetCells: CELLS - 1 })).toMatch(/^archive-limit: a sheet has more than 4999 cells/);
  });

  it('holds the shared strings to their limit', async () => {
    expect(await check({ maxSharedStrings: 1 })).toBeUndefined();
    expect(await check({ maxSharedStrings: 0 })).toMatch(/^archive-limit: the workbook holds more than 0 shared strings/);
  });

  it('holds the text the cells show to its limit, by the bound and by reading every cell', async () => {
    // Exactly at the limit the bound (cells × longest string) proves it; one under, every cell is read.
    expect(await check({ maxSheetText: CELLS * STRING })).toBeUndefined();
    expect(await check({ maxSheetText: CELLS * STRING - 1 })).toMatch(/^archive-limit: the cells expand through shared strings/);
  });

  it('reads every cell when the bound is too loose, and passes what the cells really show', async () => {
    // A second, longer shared string that no cell shows: the bound says 5000 × 1200, the cells 5000 × 120.
    const workbook = await sharedStringsBomb(ROWS, STRING, 1200);
    expect(await check({ maxSheetText: CELLS * STRING }, workbook)).toBeUndefined();
    expect(await check({ maxSheetText: CELLS * STRING - 1 }, workbook)).toMatch(/^archive-limit: the cells expand/);
  });
});
