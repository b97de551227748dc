/**
 * The limits that keep one file from taking a scan down, through the built pipeline: a workbook
 * that needs more memory than a worker may use, or more time than an item may take, ends as an
 * item error while the scan goes on; archive limits set by the caller are applied.
 */
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import * as XLSX from '@e965/xlsx';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { scan } from '../dist/scanner/pipeline/scan.js';
import { docxBytes } from '../fixtures/office.js';
import { zipBytes } from '../fixtures/zip-writer.js';

let dir: string;

beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), 'inzage-limits-'));
  const rows: (string | number)[][] = [];
  for (let r = 0; r < 60_000; r++) rows.push([`naam ${r}`, 111222333, `x${r}@example.nl`, r * 1.5, 'NL91ABNA0417164300']);
  const book = XLSX.utils.book_new();
  XLSX.utils.book_append_sheet(book, XLSX.utils.aoa_to_sheet(rows), 'Blad1');
  await writeFile(join(dir, 'groot.xlsx'), XLSX.write(book, { type: 'buffer', bookType: 'xlsx', compression: true }) as Buffer);
  await writeFile(join(dir, 'klein.txt'), 'mail jan.jansen@example.nl\n');
  const entries = Array.from({ length: 30 }, (_, i) => ({ name: `bestand-${i}.txt`, data: Buffer.from(`regel ${i}\n`) }));
  await writeFile(join(dir, 'veel.zip'), await zipBytes(entries));
  await writeFile(join(dir, 'brief.docx'), await docxBytes());
});

afterAll(async () => {
  if (dir) await rm(dir, { recursive: true, force: true });
});

const options = () => ({ roots: [dir], workers: 1, keyFile: join(dir, 'key') });

describe('worker limits', () => {
  it('ends an item that exhausts the worker heap as too-large and goes on with the rest', async () => {
    const report = await scan({ ...options(), workerMemoryMb: 32, include: ['*.xlsx', '*.txt'] });
    expect(report.items.find((i) => i.path === 'groot.xlsx')?.error?.code).toBe('too-large');
    expect(report.items.find((i) => i.path === 'klein.txt')?.findings.map((f) => f.type)).toEqual(['email']);
  });

  it('ends an item that takes longer than the item timeout as timeout', async () => {
    const report = await scan({ ...options(), itemTimeoutMs: 50, include: ['*.xlsx'] });
    expect(report.items.find((i) => i.path === 'groot.xlsx')?.error?.code).toBe('timeout');
  });

  it('sends again the items a worker held behind one that was ended past its time limit', async () => {
    // One worker holds its next tasks while it runs one: ending its thread for the workbook must
    // not fail the small file waiting behind it.
    const report = await scan({ ...options(), itemTimeoutMs: 50, include: ['*.xlsx', '*.txt'] });
    expect(report.items.find((i) => i.path === 'groot.xlsx')?.error?.code).toBe('timeout');
    expect(report.items.find((i) => i.path === 'klein.txt')?.findings.map((f) => f.type)).toEqual(['email']);
  });

  it('applies archive limits from the scan options', async () => {
    const report = await scan({ ...options(), include: ['*.zip'], archiveLimits: { maxEntries: 10 } });
    const zip = report.items.find((i) => i.path === 'veel.zip' && i.entry === undefined);
    expect(zip?.error?.code).toBe('archive-limit');
    expect(report.items.filter((i) => i.path === 'veel.zip' && i.entry !== undefined)).toHaveLength(0);
    const bytes = await scan({ ...options(), include: ['*.zip'], archiveLimits: { maxTotalBytes: 100 } });
    expect(bytes.items.find((i) => i.path === 'veel.zip' && i.entry === undefined)?.error?.code).toBe('archive-limit');
    expect(bytes.items.filter((i) => i.path === 'veel.zip' && i.entry !== undefined).length).toBeGreaterThan(0);
  });

  it('holds the parts of Office files to the archive limits before a parser inflates them', async () => {
    const huge = await scan({ ...options(), include: ['*.docx'], archiveLimits: { maxEntryBytes: 500 } });
    expect(huge.items.find((i) => i.path === 'brief.docx')?.error?.code).toBe('too-large');
    const bomb = await scan({ ...options(), include: ['*.docx'], archiveLimits: { ratioMinBytes: 100, maxRatio: 1.5 } });
    expect(bomb.items.find((i) => i.path === 'brief.docx')?.error?.code).toBe('archive-limit');
    const fine = await scan({ ...options(), include: ['*.docx'] });
    expect(fine.items.find((i) => i.path === 'brief.docx')?.error).toBeNull();
  });
});
