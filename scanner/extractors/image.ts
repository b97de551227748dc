/**
 * Images: scans, photos of forms and whiteboards, copies of ID documents. Metadata first (EXIF,
 * XMP, IPTC: GPS position, artist, owner), then the pixels through OCR, page by page for a
 * multi-page TIFF: `where: { page, line }`. Without OCR (`--no-ocr`, budget spent) the item ends
 * as `ocr-skipped` with its metadata findings kept. A picture with no text (a holiday photo)
 * gives no segments and no error.
 */

import { imageMetadata } from './metadata.js';
import { ocrSettings, ocrSkipReason, takeOcrPage } from './ocr-engine.js';
import { ocrParts } from './ocr-page.js';
import { rasterPages } from './raster.js';
import type { Extracted, Extractor, ItemContent } from './types.js';
import { ExtractError } from './types.js';

export const IMAGE_TYPES = ['image/png', 'image/jpeg', 'image/tiff', 'image/bmp', 'image/gif', 'image/webp'] as const;

export async function* extractImage(content: ItemContent): AsyncGenerator<Extracted> {
  const bytes = await content.bytes();
  for (const finding of await imageMetadata(bytes)) yield { direct: finding };
  if (!ocrSettings().enabled) throw new ExtractError('ocr-skipped', `the image was not read: ${ocrSkipReason()}`);
  const pages = rasterPages(bytes, ocrSettings().maxPagesPerItem);
  let read = 0;
  // Each page is checked (size, decoding) before it takes its share of the scan's budget: a damaged or oversized image costs none.
  for (let next = await pages.next(); ; next = await pages.next()) {
    if (next.done) {
      if (next.value.total > read) {
        throw new ExtractError(
          'archive-limit',
          `only the first ${read} of its ${next.value.total} pages were read (the OCR page limit per item); the rest not scanned`,
        );
      }
      return;
    }
    if (!takeOcrPage()) {
      throw new ExtractError(
        'ocr-skipped',
        read === 0 ? `the image was not read: ${ocrSkipReason()}` : `page ${next.value.page} and later were not read: ${ocrSkipReason()}`,
      );
    }
    read++;
    yield* ocrParts(next.value.png, { page: next.value.page });
  }
}

export const imageExtractor: Extractor = {
  id: 'image',
  mediaTypes: IMAGE_TYPES,
  extensions: ['png', 'jpg', 'jpeg', 'jpe', 'tif', 'tiff', 'bmp', 'gif', 'webp'],
  extract: (content) => extractImage(content),
};
