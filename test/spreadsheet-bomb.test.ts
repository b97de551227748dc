/**
 * A shared-strings expansion bomb (as Apache POI's poc-shared-strings.xlsx) ends as `archive-limit`
 * after a look at its XML, instead of holding a worker for the whole time limit; several of them
 * on a share cost seconds, not worker-minutes, and an ordinary workbook beside them is still read.
 */
import { mkdir, stat, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import * as XLSX from '@e965/xlsx';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { sharedStringsBomb } from '../fixtures/spreadsheet-bomb.js';
import { readReport, runCli, tempDir } from './helpers.js';

const BOMBS = 4;
let dir: string;
let cleanup: () => Promise<void>;

beforeAll(async () => {
  ({ dir, cleanup } = await tempDir('sst-bomb'));
  const share = join(dir, 'share');
  await mkdir(share);
  const bomb = await sharedStringsBomb();
  for (let i = 0; i < BOMBS; i++) await writeFile(join(share, `poc-shared-strings-${i}.xlsx`), bomb);
  const book = XLSX.utils.book_new();
  XLSX.utils.book_append_sheet(
    book,
    XLSX.utils.aoa_to_sheet([
      ['naam', 'bsn'],
      ['Jan', '123456782'],
    ]),
    'Blad1',
  );
  await writeFile(join(share, 'gewoon.xlsx'), XLSX.write(book, { type: 'buffer', bookType: 'xlsx', compression: true }) as Buffer);
});
afterAll(async () => {
  await cleanup();
});

describe('shared-strings bomb', () => {
  it('ends each bomb as archive-limit and reads the ordinary workbook', async () => {
    expect((await stat(join(dir, 'share', 'poc-shared-strings-0.xlsx'))).size).toBeLessThan(1024 * 1024);
    const out = join(dir, 'out');
    const started = Date.now();
    // The time limit only bounds a regression; a bomb that ran into it would end as timeout, not archive-limit.
    const run = await runCli(['scan', join(dir, 'share'), '--out', out, '--workers', '1', '--timeout', '60'], {
      env: { INZAGE_STATE_DIR: join(dir, 'state') },
    });
    const seconds = (Date.now() - started) / 1000;
    expect(run.code, run.stderr).toBe(0);
    const report = await readReport(out);
    const bombs = report.items.filter((i) => i.path.startsWith('poc-shared-strings-'));
    expect(bombs).toHaveLength(BOMBS);
    for (const b of bombs) {
      expect(b.error?.code, b.path).toBe('archive-limit');
      expect(b.error?.message).toMatch(/shared strings/);
    }
    expect(report.items.find((i) => i.path === 'gewoon.xlsx')?.findings.map((f) => f.type)).toEqual(['nl-bsn']);
    process.stdout.write(`shared-strings bomb: ${BOMBS} bombs and one workbook scanned in ${seconds.toFixed(1)} s on one worker (under load)\n`);
  });
});
