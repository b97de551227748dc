/**
 * Scans and photos through the built pipeline: OCR of PNG, JPEG, multi-page TIFF and image-only
 * PDF finds the planted values with `where: { page }` and basis `ocr`; EXIF and PDF metadata give
 * their own finding types; a passport page is found by its MRZ and makes its item an identity
 * document copy under the `id-copies` rule; a photo without text ends clean, a damaged image as
 * `corrupt`, a pixel bomb as `too-large`. One OCR scan of the fixtures is shared by all assertions
 * (OCR is slow); a rescan must cost no OCR at all. Needs `npm run build` first.
 */
import { spawnSync } from 'node:child_process';
import { mkdtemp, readFile, rm, utimes, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { scan } from '../dist/scanner/pipeline/scan.js';
import { PLANTED } from '../fixtures/office.js';
import {
  corruptPng,
  docxWithPicture,
  hugePng,
  imageOnlyPdf,
  letterPng,
  multiPageTiff,
  passportPng,
  photoWithoutText,
  SCAN_PLANTED,
  skewedJpeg,
} from '../fixtures/scans.js';
import type { Report, ReportItem } from '../scanner/model.js';

let dir: string;
let share: string;
let report: Report;
let rescan: Report;

const LETTER_TYPES = ['nl-bsn', 'iban', 'email', 'phone', 'person-name', 'date-of-birth'];

function item(path: string): ReportItem {
  const found = report.items.find((i) => i.path === path && i.entry === undefined);
  if (!found) throw new Error(`no item ${path} in the report`);
  return found;
}

const types = (i: ReportItem) => new Set(i.findings.map((f) => f.type));

beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), 'inzage-ocr-'));
  share = join(dir, 'share');
  const files: Record<string, Buffer> = {
    'brief.png': letterPng(),
    'foto.jpg': skewedJpeg(),
    'scan.tif': multiPageTiff(),
    'scan.pdf': await imageOnlyPdf(),
    'kopie.png': passportPng(),
    'vakantie.jpg': photoWithoutText(),
    'kapot.png': corruptPng(),
    'enorm.png': hugePng(),
    'dossier.docx': await docxWithPicture(),
  };
  const { mkdir } = await import('node:fs/promises');
  await mkdir(share, { recursive: true });
  for (const [name, bytes] of Object.entries(files)) await writeFile(join(share, name), bytes);
  // Kept six years: past the id-copies rule's five, whatever the file is called.
  const old = new Date(Date.now() - 6 * 365 * 86_400_000);
  await utimes(join(share, 'kopie.png'), old, old);
  const options = { roots: [share], workers: 1, keyFile: join(dir, 'key'), stateDir: join(dir, 'state') };
  report = await scan(options);
  rescan = await scan(options);
}, 300_000);

afterAll(async () => {
  if (dir) await rm(dir, { recursive: true, force: true });
});

describe('OCR of scans and photos', () => {
  it('reads a letter rendered to PNG: every planted type, on page 1, with basis ocr', () => {
    const letter = item('brief.png');
    expect(letter.error).toBeNull();
    expect(letter.mediaType).toBe('image/png');
    for (const type of LETTER_TYPES) expect(types(letter), type).toContain(type);
    for (const f of letter.findings) {
      expect(f.where.page).toBe(1);
      expect(f.basis).toContain('ocr');
    }
    const bsn = letter.findings.find((f) => f.type === 'nl-bsn');
    // Tempered by the OCR word confidence: below what the same BSN scores in a text file, still reported.
    expect(bsn?.confidence).toBeLessThan(1);
    expect(bsn?.confidence).toBeGreaterThanOrEqual(0.5);
  });

  it('reads a skewed, noisy JPEG and its EXIF artist and GPS position', () => {
    const photo = item('foto.jpg');
    expect(photo.error).toBeNull();
    for (const type of ['nl-bsn', 'iban', 'email']) expect(types(photo), type).toContain(type);
    const artist = photo.findings.find((f) => f.type === 'metadata-person');
    expect(artist?.where).toEqual({ metadata: 'Artist' });
    expect(artist?.masked).toBe('P. d. V. (Artist)');
    const gps = photo.findings.find((f) => f.type === 'metadata-gps');
    expect(gps?.where).toEqual({ metadata: 'GPSPosition' });
    expect(gps?.masked).toBe('52°N 4°E (GPS position)');
  });

  it('reads every page of a multi-page TIFF, each finding on its own page', () => {
    const tiff = item('scan.tif');
    expect(tiff.error).toBeNull();
    const at = (type: string) => tiff.findings.filter((f) => f.type === type).map((f) => f.where.page);
    expect(at('nl-bsn')).toEqual([1]);
    expect(at('email')).toEqual([2]);
    expect(at('phone')).toEqual([2]);
  });

  it('reads an image-only PDF page by OCR, and its author from the document info', () => {
    const pdf = item('scan.pdf');
    expect(pdf.error).toBeNull();
    for (const type of ['nl-bsn', 'iban', 'email', 'phone']) expect(types(pdf), type).toContain(type);
    expect(pdf.findings.find((f) => f.type === 'nl-bsn')?.where.page).toBe(1);
    const author = pdf.findings.find((f) => f.type === 'metadata-person');
    expect(author?.where).toEqual({ metadata: 'Author' });
  });

  it('reads a picture pasted into a Word file, where: { image }, and the author in its core properties', () => {
    const docx = item('dossier.docx');
    expect(docx.error).toBeNull();
    const bsn = docx.findings.find((f) => f.type === 'nl-bsn');
    expect(bsn?.where.image).toMatch(/^word\/media\/.+\.png$/);
    expect(bsn?.basis).toContain('ocr');
    for (const type of ['iban', 'email', 'phone']) expect(types(docx), type).toContain(type);
    expect(docx.findings.find((f) => f.type === 'metadata-person')?.where).toEqual({ metadata: 'creator' });
  });

  it('finds the MRZ of a passport page, makes the item an identity-document copy, and the id-copies rule applies', () => {
    const copy = item('kopie.png');
    expect(copy.error).toBeNull();
    expect(types(copy)).toContain('passport-mrz');
    const id = copy.findings.find((f) => f.type === 'identity-document');
    expect(id?.masked).toBe('copy of a passport (MRZ)');
    expect(id?.where).toEqual({ page: 1 });
    expect(copy.risk.retention?.rule).toBe('id-copies');
    expect(copy.risk.reasons).toContain('copy of an identity document');
  });

  it('ends a photo without text quickly and clean, a damaged image as corrupt, a pixel bomb as too-large', () => {
    const photo = item('vakantie.jpg');
    expect(photo.error).toBeNull();
    expect(photo.findings).toEqual([]);
    expect(item('kapot.png').error?.code).toBe('corrupt');
    expect(item('enorm.png').error?.code).toBe('too-large');
    expect(item('enorm.png').error?.message).toContain('60000 × 60000');
  });

  it('counts OCR apart in the stats, and a rescan of unchanged scans costs no OCR', () => {
    // brief, foto, 2 TIFF pages, 1 PDF page, kopie, vakantie, the picture in dossier.docx.
    expect(report.stats.ocr?.pages).toBe(8);
    expect(report.stats.ocr?.ms).toBeGreaterThan(0);
    expect(rescan.stats.ocr).toBeUndefined();
    // Only enorm.png is read again (too-large is retried, and ends at its header); the eight others are reused.
    expect(rescan.stats.reused).toBe(8);
    expect(rescan.stats.read).toBe(1);
  });

  it('keeps no raw value in the report', () => {
    const json = JSON.stringify(report);
    for (const raw of [PLANTED.bsn, PLANTED.email, SCAN_PLANTED.artist, SCAN_PLANTED.author, SCAN_PLANTED.mrz[1], SCAN_PLANTED.documentNumber]) {
      expect(json).not.toContain(raw);
    }
  });
});

describe('OCR switched off or out of budget', () => {
  it('with --no-ocr, images end as ocr-skipped with their metadata kept, an image-only PDF as no-text-layer', async () => {
    const off = await scan({ roots: [share], workers: 1, keyFile: join(dir, 'key'), stateDir: join(dir, 'state-off'), ocr: { enabled: false } });
    const at = (p: string) => off.items.find((i) => i.path === p) as ReportItem;
    expect(at('brief.png').error?.code).toBe('ocr-skipped');
    expect(at('foto.jpg').error?.code).toBe('ocr-skipped');
    expect(
      at('foto.jpg')
        .findings.map((f) => f.type)
        .sort(),
    ).toEqual(['metadata-gps', 'metadata-person']);
    expect(at('scan.pdf').error?.code).toBe('no-text-layer');
    expect(off.stats.ocr).toBeUndefined();
  });

  it('stops at the per-scan budget, across the workers', async () => {
    const few = await scan({
      roots: [share],
      include: ['*.png'],
      workers: 2,
      keyFile: join(dir, 'key'),
      stateDir: join(dir, 'state-budget'),
      ocr: { budgetPages: 1 },
    });
    // brief.png and kopie.png want OCR; kapot.png and enorm.png fail before it. One page in the budget.
    expect(few.stats.ocr?.pages).toBe(1);
    const skipped = few.items.filter((i) => i.error?.code === 'ocr-skipped');
    expect(skipped).toHaveLength(1);
    expect(skipped[0]?.error?.message).toContain('--ocr-budget');
  });
});

describe('OCR needs no network', () => {
  const unshare = spawnSync('unshare', ['-n', 'true']).status === 0;
  it.skipIf(!unshare)('reads a scan in a process with no network at all (unshare -n), language data from node_modules', async () => {
    const out = join(dir, 'offline-out');
    const cli = join(import.meta.dirname, '..', 'dist', 'scanner', 'commands', 'cli.js');
    const result = spawnSync(
      'unshare',
      [
        '-n',
        process.execPath,
        cli,
        'scan',
        join(share, 'brief.png'),
        '--out',
        out,
        '--format',
        'json',
        '--state-dir',
        join(dir, 'state-offline'),
        '--no-progress',
      ],
      { encoding: 'utf8', timeout: 120_000, env: { ...process.env, INZAGE_KEY_FILE: join(dir, 'key') } },
    );
    expect(result.status, result.stderr).toBe(0);
    const offline = JSON.parse(await readFile(join(out, 'report.json'), 'utf8')) as Report;
    const letter = offline.items.find((i) => i.path === 'brief.png' || i.path === '') as ReportItem;
    expect(letter.error).toBeNull();
    expect(letter.findings.map((f) => f.type)).toContain('nl-bsn');
  });
});
