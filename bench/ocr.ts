/**
 * OCR benchmark on generated scans: recall per finding type (planted values found, by type) and
 * seconds per page, in one thread (extractors and detector engine, no pool and no state, so it
 * also runs where better-sqlite3 is not built, such as a second Node version). The scans are the
 * test fixtures plus variants of the letter: smaller type, more skew, more noise.
 * `npm run bench:ocr`. Figures depend on the machine and its load; say both when quoting them.
 */
import { loadavg } from 'node:os';
import { createEngine } from '../detectors/engine.js';
import { selectDetectors } from '../detectors/registry.js';
import type { Finding } from '../detectors/types.js';
import { imageOnlyPdf, letterPng, letterVariant, multiPageTiff, passportPng, photoWithoutText, skewedJpeg } from '../fixtures/scans.js';
import { memoryContent } from '../scanner/extractors/content.js';
import { extractorFor } from '../scanner/extractors/index.js';
import { detectMediaType } from '../scanner/extractors/media-type.js';
import { closeOcr } from '../scanner/extractors/ocr-engine.js';
import { directFinding, temperOcrFindings } from '../scanner/extractors/ocr-findings.js';
import { segmentsOf } from '../scanner/extractors/types.js';
import { createHasher } from '../scanner/state/secret-key.js';

const LETTER = ['nl-bsn', 'iban', 'email', 'phone', 'person-name', 'date-of-birth'];

interface Scan {
  name: string;
  bytes: Buffer;
  planted: string[];
}

async function scans(): Promise<Scan[]> {
  return [
    { name: 'letter.png (30 px, clean)', bytes: letterPng(), planted: LETTER },
    { name: 'photo.jpg (2°, specks, q70)', bytes: skewedJpeg(), planted: [...LETTER, 'metadata-person', 'metadata-gps'] },
    { name: 'letter-22px.jpg', bytes: letterVariant({ fontPx: 22 }), planted: LETTER },
    { name: 'letter-16px.jpg', bytes: letterVariant({ fontPx: 16 }), planted: LETTER },
    { name: 'letter-5deg.jpg', bytes: letterVariant({ degrees: 5 }), planted: LETTER },
    { name: 'letter-noisy-q40.jpg', bytes: letterVariant({ degrees: 1, specks: 12_000, quality: 40 }), planted: LETTER },
    { name: 'scan.tif (2 pages)', bytes: multiPageTiff(), planted: LETTER },
    { name: 'scan.pdf (image only)', bytes: await imageOnlyPdf(), planted: [...LETTER, 'metadata-person'] },
    { name: 'passport.png', bytes: passportPng(), planted: ['passport-mrz', 'identity-document'] },
    { name: 'holiday.jpg (no text)', bytes: photoWithoutText(), planted: [] },
  ];
}

async function main(): Promise<void> {
  const hasher = createHasher(Buffer.alloc(32, 7));
  const engine = createEngine(selectDetectors({}), hasher, { minConfidence: 0.5 });
  const planted = new Map<string, number>();
  const found = new Map<string, number>();
  let pages = 0;
  let ocrMs = 0;
  console.log(`node ${process.version}, load average ${loadavg()[0]?.toFixed(2)} (1 min)\n`);
  console.log('scan                            pages  s/page  found / planted');
  for (const scan of await scans()) {
    const content = memoryContent(scan.bytes, scan.name.split(' ')[0] as string);
    const mediaType = await detectMediaType(content.head, content.name);
    const extractor = extractorFor(mediaType);
    if (!extractor) throw new Error(`no extractor for ${scan.name}`);
    const findings: Finding[] = [];
    let scanPages = 0;
    let scanMs = 0;
    const started = performance.now();
    for await (const part of extractor.extract(content, { mediaType, depth: 0 })) {
      if ('segment' in part || 'segments' in part) {
        for (const segment of segmentsOf(part)) {
          const f = engine.detect(segment);
          findings.push(...(segment.ocr ? temperOcrFindings(f, segment.ocr.confidence, 0.5) : f));
        }
      } else if ('direct' in part) findings.push(directFinding(part.direct, hasher));
      else if ('ocr' in part) {
        scanPages += part.ocr.pages;
        scanMs += part.ocr.ms;
      }
    }
    // The first scan also pays for starting the engine (about a second): it is in the total, not the per-page figure.
    if (pages === 0) console.log(`  (engine start and first page: ${((performance.now() - started) / 1000).toFixed(2)} s)`);
    pages += scanPages;
    ocrMs += scanMs;
    const types = new Set(findings.map((f) => f.type));
    const hits = scan.planted.filter((t) => types.has(t));
    for (const t of scan.planted) {
      planted.set(t, (planted.get(t) ?? 0) + 1);
      if (types.has(t)) found.set(t, (found.get(t) ?? 0) + 1);
    }
    const missed = scan.planted.filter((t) => !types.has(t));
    console.log(
      `${scan.name.padEnd(32)}${String(scanPages).padStart(5)}  ${(scanMs / 1000 / Math.max(1, scanPages)).toFixed(2).padStart(6)}  ${hits.length} / ${scan.planted.length}${missed.length ? `  missed: ${missed.join(', ')}` : ''}`,
    );
  }
  await closeOcr();
  console.log('\nrecall per type');
  for (const [type, n] of [...planted].sort())
    console.log(`  ${type.padEnd(18)} ${found.get(type) ?? 0} / ${n}  ${(((found.get(type) ?? 0) / n) * 100).toFixed(0)} %`);
  console.log(`\n${pages} pages, ${(ocrMs / 1000).toFixed(1)} s of OCR, ${(ocrMs / 1000 / pages).toFixed(2)} s per page`);
}

await main();
