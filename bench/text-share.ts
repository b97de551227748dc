/** Writes a share of text files of a given total size for the benchmark: logs, CSV exports and letters with personal data at a realistic density. */
import { mkdir, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { pick, seededRandom } from '../fixtures/random.js';
import { bsn, documentationIp, emailFor, iban, invoiceDate, mobile, notBsn, personName, trackingNumber } from '../fixtures/values.js';

type Random = () => number;

const LINES: ((r: Random) => string)[] = [
  (r) => `${documentationIp(r)} - - [12/Mar/2024:10:00:00 +0100] "GET /api/orders/${notBsn(r)} HTTP/1.1" 200 ${Math.floor(r() * 9000)}`,
  (r) => `2024-03-12T09:00:00Z INFO request handled in ${Math.floor(r() * 900)} ms for tenant ${Math.floor(r() * 99)} build 10.0.19045.2965`,
  (r) => `2024-03-12T09:00:00Z INFO login user=${emailFor(personName(r))} ip=${documentationIp(r)}`,
  (r) => {
    const n = personName(r);
    return `${n.full};${bsn(r)};${iban(r)};${emailFor(n)};${mobile(r)};${invoiceDate(r)}`;
  },
  (r) => `Factuur ${notBsn(r)} d.d. ${invoiceDate(r)} bedrag EUR ${Math.floor(r() * 9000)},00 zending ${trackingNumber(r)}`,
  () => 'Wij danken u voor uw bericht en nemen zo spoedig mogelijk contact met u op over de stand van zaken.',
  () => 'The quarterly figures show a steady increase in both revenue and the number of active customers.',
];

/** Writes files of about `fileSize` bytes until `totalBytes` is reached; returns the file count. */
export async function writeTextShare(dir: string, totalBytes: number, fileSize = 512 * 1024, seed = 42): Promise<number> {
  const r = seededRandom(seed);
  let written = 0;
  let files = 0;
  while (written < totalBytes) {
    const folder = join(dir, `afdeling-${files % 10}`);
    await mkdir(folder, { recursive: true });
    const lines: string[] = [];
    let size = 0;
    const target = Math.min(fileSize, totalBytes - written);
    while (size < target) {
      const line = pick(r, LINES)(r);
      lines.push(line);
      size += line.length + 1;
    }
    const ext = pick(r, ['log', 'csv', 'txt']);
    const body = `${lines.join('\n')}\n`;
    await writeFile(join(folder, `bestand-${files}.${ext}`), body);
    written += Buffer.byteLength(body);
    files++;
  }
  return files;
}

/** Writes files of about `fileSize` bytes made of `line` until `totalBytes` is reached, in ten folders; returns the file count. */
export async function writeLinesShare(dir: string, totalBytes: number, fileSize: number, line: (r: Random) => string, seed: number): Promise<number> {
  const r = seededRandom(seed);
  let written = 0;
  let files = 0;
  while (written < totalBytes) {
    const folder = join(dir, `map-${files % 10}`);
    if (files < 10) await mkdir(folder, { recursive: true });
    const lines: string[] = [];
    let size = 0;
    while (size < fileSize) {
      const l = line(r);
      lines.push(l);
      size += Buffer.byteLength(l) + 1;
    }
    const body = `${lines.join('\n')}\n`;
    await writeFile(join(folder, `document-${files}.${pick(r, ['txt', 'log', 'txt'])}`), body);
    written += Buffer.byteLength(body);
    files++;
  }
  return files;
}
