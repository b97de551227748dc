/**
 * A generated share of office documents for the benchmarks: Word, Excel, PDF, mail and zip files
 * of prose with planted personal data (every seventh line), from a fixed seed, so two builds
 * measured on it see the same bytes. Used by `bench:formats` and by `npm run bench`'s office part.
 */
import { randomBytes } from 'node:crypto';
import { mkdir, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import * as XLSX from '@e965/xlsx';
import { Document, Packer, Paragraph } from 'docx';
import PDFDocument from 'pdfkit';
import { composeEml } from '../fixtures/mail.js';
import { zipBytes } from '../fixtures/zip-writer.js';

export const OFFICE_FORMATS = ['docx', 'xlsx', 'pdf', 'eml', 'zip'] as const;
export type OfficeFormat = (typeof OFFICE_FORMATS)[number];

const WORDS = 'de het een en van in is dat op te met voor niet aan er maar om ook als bij nog wel naar dan uit worden zijn heeft werd over'.split(' ');

function seeded(seed: number): () => number {
  let state = seed;
  return () => {
    state = (state * 1103515245 + 12345) % 2 ** 31;
    return state / 2 ** 31;
  };
}

function sentence(random: () => number, words = 12): string {
  return Array.from({ length: words }, () => WORDS[Math.floor(random() * WORDS.length)]).join(' ');
}

/** A line of prose, every seventh one holding personal data. */
function line(random: () => number, i: number): string {
  const planted = ['BSN 111222333', 'jan.jansen@example.nl', 'NL91ABNA0417164300', 'tel 06-12345678'];
  return i % 7 === 0 ? `${sentence(random, 6)} ${planted[i % planted.length]} ${sentence(random, 4)}` : sentence(random);
}

async function docxFile(random: () => number, paragraphs: number): Promise<Buffer> {
  const children = Array.from({ length: paragraphs }, (_, i) => new Paragraph(line(random, i)));
  return Packer.toBuffer(new Document({ sections: [{ children }] }));
}

function xlsxFile(random: () => number, rows: number): Buffer {
  const data: (string | number)[][] = [['Naam', 'BSN', 'E-mail', 'Bedrag', 'Opmerking']];
  for (let r = 0; r < rows; r++)
    data.push([`Persoon ${r}`, r % 3 === 0 ? '111222333' : String(100000000 + r), `p${r}@example.nl`, r * 1.25, sentence(random, 5)]);
  const book = XLSX.utils.book_new();
  XLSX.utils.book_append_sheet(book, XLSX.utils.aoa_to_sheet(data), 'Blad1');
  return XLSX.write(book, { type: 'buffer', bookType: 'xlsx', compression: true }) as Buffer;
}

async function pdfFile(random: () => number, pages: number): Promise<Buffer> {
  const pdf = new PDFDocument({ autoFirstPage: false });
  const chunks: Buffer[] = [];
  pdf.on('data', (c: Buffer) => chunks.push(c));
  const done = new Promise((resolve) => pdf.on('end', resolve));
  for (let p = 0; p < pages; p++) {
    pdf.addPage();
    for (let l = 0; l < 30; l++) pdf.text(line(random, p * 30 + l));
  }
  pdf.end();
  await done;
  return Buffer.concat(chunks);
}

function emlFile(random: () => number, lines: number): Buffer {
  const csv = Array.from({ length: 100 }, (_, i) => `Persoon ${i};${i % 4 === 0 ? '123456782' : '000000000'};p${i}@example.nl`).join('\r\n');
  return composeEml({
    headers: { From: '"Jan Jansen" <jan.jansen@example.nl>', To: 'hr@example.com', Subject: sentence(random, 5) },
    text: Array.from({ length: lines }, (_, i) => line(random, i)).join('\r\n'),
    attachments: [
      { name: 'lijst.csv', type: 'text/csv', data: Buffer.from(`Naam;BSN;E-mail\r\n${csv}`) },
      // Incompressible bytes of no known format: listed, as on a real share, not parsed.
      { name: 'foto.bin', type: 'application/octet-stream', data: randomBytes(20_000) },
    ],
  });
}

async function zipFile(random: () => number): Promise<Buffer> {
  return zipBytes([
    ...Array.from({ length: 4 }, (_, i) => ({
      name: `export-${i}.csv`,
      data: Buffer.from(Array.from({ length: 300 }, (_, r) => `${r};${line(random, r)}`).join('\n')),
    })),
    { name: 'brief.docx', data: await docxFile(random, 60) },
    { name: 'lijst.xlsx', data: xlsxFile(random, 300) },
    { name: 'mail.eml', data: emlFile(random, 40) },
  ]);
}

/** Files per format at scale 1 (126 in all, about 15 MB). */
const PER_SCALE: Record<OfficeFormat, number> = { docx: 30, xlsx: 12, pdf: 12, eml: 60, zip: 12 };

/** Writes `scale` times the base set of each of `formats` into `dir/<format>/`. */
export async function generateOfficeShare(
  dir: string,
  scale: number,
  formats: readonly OfficeFormat[] = OFFICE_FORMATS,
  /** Rows per spreadsheet: 4,000 by default, a few hundred for a share of the density (about 100 findings per file). */
  xlsxRows = 4000,
): Promise<void> {
  const random = seeded(7);
  for (const format of formats) {
    await mkdir(join(dir, format), { recursive: true });
    for (let i = 0; i < PER_SCALE[format] * scale; i++) {
      const bytes =
        format === 'docx'
          ? await docxFile(random, 400)
          : format === 'xlsx'
            ? xlsxFile(random, xlsxRows)
            : format === 'pdf'
              ? await pdfFile(random, 20)
              : format === 'eml'
                ? emlFile(random, 300)
                : await zipFile(random);
      await writeFile(join(dir, format, `bestand-${i}.${format}`), bytes);
    }
  }
}
