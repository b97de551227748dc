/**
 * Phone numbers without a country code, read in the region the item shows (issue 16), end to end
 * through the worker pool on real files: a Belgian customer list whose IBANs come after the
 * numbers, the same numbers beside Dutch IBANs, notes in a `BE` folder and in a zip entry under
 * `Belgie/`. Runs the built scanner (dist/); `npm test` builds first.
 */
import { mkdirSync, mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { pathToFileURL } from 'node:url';
import { describe, expect, it } from 'vitest';
import { beIban, beNationalPhone, nlIban, seeded } from '../fixtures/identifiers.js';
import { zipBytes } from '../fixtures/zip-writer.js';

const { scan } = (await import(
  pathToFileURL(resolve(import.meta.dirname, '../dist/scanner/pipeline/scan.js')).href
)) as typeof import('../scanner/pipeline/scan.js');

describe('phone regions from what the item shows, in a real scan', () => {
  it('reports unlabelled Belgian numbers in Belgian items and not in Dutch ones', async () => {
    const root = mkdtempSync(join(tmpdir(), 'inzage-phone-region-'));
    const share = join(root, 'share');
    mkdirSync(join(share, 'lijsten'), { recursive: true });
    mkdirSync(join(share, 'BE'));
    mkdirSync(join(share, 'nl'));
    const random = seeded(11);
    const numbers = Array.from({ length: 10 }, () => beNationalPhone(random));
    // The column header says nothing about phones; the number comes before the IBAN in each row.
    const list = (iban: () => string) => `Klant;Bereikbaar;Rekening\n${numbers.map((n, i) => `Klant ${i + 1};${n};${iban()}`).join('\n')}\n`;
    writeFileSync(
      join(share, 'lijsten', 'klanten-a.csv'),
      list(() => beIban(random)),
    );
    writeFileSync(
      join(share, 'lijsten', 'klanten-b.csv'),
      list(() => nlIban(random)),
    );
    const notes = `${numbers.map((n) => `Teruggebeld op ${n} vanmiddag.`).join('\n')}\n`;
    writeFileSync(join(share, 'BE', 'notities.txt'), notes);
    writeFileSync(join(share, 'nl', 'notities.txt'), notes);
    writeFileSync(join(share, 'archief.zip'), await zipBytes([{ name: 'Belgie/notities.txt', data: Buffer.from(notes) }]));

    const report = await scan({ roots: [share], workers: 1, keyFile: join(root, 'key') });
    const phonesIn = (path: string, entry?: string) =>
      report.items.find((i) => i.path === path && i.entry === entry)?.findings.filter((f) => f.type === 'phone') ?? [];

    const belgian = phonesIn('lijsten/klanten-a.csv');
    expect(belgian.map((f) => f.where.cell).sort()).toEqual(numbers.map((_, i) => `B${i + 2}`).sort());
    for (const f of belgian) expect(f.masked.startsWith('+32')).toBe(true);
    expect(phonesIn('lijsten/klanten-b.csv')).toEqual([]);
    expect(phonesIn('BE/notities.txt')).toHaveLength(numbers.length);
    expect(phonesIn('nl/notities.txt')).toEqual([]);
    expect(phonesIn('archief.zip', 'Belgie/notities.txt')).toHaveLength(numbers.length);
    // Masked and hashed as everywhere: no number in the report.
    const json = JSON.stringify(report);
    for (const n of numbers) expect(json).not.toContain(n.replace(/ /g, ''));
  });
});
