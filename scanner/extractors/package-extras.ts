/**
 * What an Office package holds besides its text: the people in its core properties
 * (`docProps/core.xml`: dc:creator, cp:lastModifiedBy) as `metadata-person` findings, and the
 * pictures in its media folder (`word/media/`, `xl/media/`, `ppt/media/`: a scanned ID pasted
 * into a Word file, a photographed form on a slide) through OCR, `where: { image, line }`.
 *
 * Pictures smaller than an icon are passed over, and at most OcrSettings.maxPagesPerItem are read
 * per document, each from the scan's budget. A picture that cannot be decoded is passed over: the
 * document's own text has been read, and one bad logo does not make the document corrupt.
 */
import { personMetadata } from './metadata.js';
import { ocrSettings, takeOcrPage } from './ocr-engine.js';
import { ocrParts } from './ocr-page.js';
import { headerSize, rasterPages } from './raster.js';
import type { Extracted } from './types.js';
import { type OpenZip, readPart } from './zip-reader.js';

/** Formats worth reading; EMF/WMF/SVG are drawings whose text, if any, is not pixels. */
const PICTURE = /\.(png|jpe?g|tiff?|bmp|gif|webp)$/i;
/** Smaller than this in either direction, a picture is an icon, a bullet or a logo. */
const MIN_SIDE = 200;

const CORE_PEOPLE: [string, RegExp][] = [
  ['creator', /<dc:creator>([^<]{1,200})<\/dc:creator>/],
  ['lastModifiedBy', /<cp:lastModifiedBy>([^<]{1,200})<\/cp:lastModifiedBy>/],
];

function decodeEntities(text: string): string {
  return text.replace(/&(lt|gt|amp|quot|apos);/g, (_, e: string) => ({ lt: '<', gt: '>', amp: '&', quot: '"', apos: "'" })[e] as string);
}

/** The authors in the package's core properties, each person once. */
export async function* corePropertyPeople(zip: OpenZip): AsyncGenerator<Extracted> {
  const xml = await readPart(zip, 'docProps/core.xml');
  if (!xml) return;
  const seen = new Set<string>();
  for (const [field, pattern] of CORE_PEOPLE) {
    const value = pattern.exec(xml)?.[1];
    const finding = value ? personMetadata(field, decodeEntities(value)) : undefined;
    if (finding && !seen.has(finding.value)) {
      seen.add(finding.value);
      yield { direct: finding };
    }
  }
}

/** OCR of the pictures under `folder` (`word/media/`); their sizes were charged to the item's budget by checkPackageLimits. */
export async function* embeddedPictures(zip: OpenZip, folder: string): AsyncGenerator<Extracted> {
  const settings = ocrSettings();
  if (!settings.enabled) return;
  const pictures = zip.entries
    .filter((e) => !e.directory && e.name.startsWith(folder) && PICTURE.test(e.name))
    .sort((a, b) => a.name.localeCompare(b.name, 'en', { numeric: true }));
  let read = 0;
  for (const entry of pictures) {
    if (read >= settings.maxPagesPerItem) return;
    let bytes: Buffer;
    try {
      bytes = await zip.read(entry);
    } catch {
      continue;
    }
    let png: Uint8Array | undefined;
    try {
      const size = headerSize(bytes);
      if (size.width < MIN_SIDE || size.height < MIN_SIDE) continue;
      const first = await rasterPages(bytes, 1).next();
      png = first.done ? undefined : first.value.png;
    } catch {
      continue;
    }
    if (!png) continue;
    if (!takeOcrPage()) return;
    read++;
    yield* ocrParts(png, { image: entry.name });
  }
}
