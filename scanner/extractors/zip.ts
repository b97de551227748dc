/**
 * Zip archives: every entry becomes a child item (`kind: archive-entry`, `entry` = its path in
 * the zip) that goes back through the extractors, so a zip in a zip in an e-mail is read to the
 * configured depth. Entries are inflated one at a time, under the archive limits (limits.ts):
 * a breach of the totals ends the zip with `archive-limit`; an encrypted entry or one over the
 * per-entry limit is listed with its own error. A zip that is really an Office or OpenDocument
 * file under another name is read as that.
 */
import { basename } from 'node:path/posix';
import { itemError } from '../errors.js';
import type { ItemError } from '../model.js';
import { memoryContent, unreadContent } from './content.js';
import { docxExtractor } from './docx.js';
import { odfExtractor } from './odf.js';
import { pptxExtractor } from './pptx.js';
import { uniqueEntry } from './segments.js';
import { spreadsheetExtractor } from './spreadsheet.js';
import { type ExtractContext, ExtractError, type Extracted, type Extractor, type ItemContent } from './types.js';
import { vsdxExtractor } from './vsdx.js';
import { entryLimitBreach, type OpenZip, openZip, readPart, spendBudget } from './zip-reader.js';

/** The package an Office or OpenDocument file is, told by its parts, whatever its name says. */
async function packageExtractor(zip: OpenZip): Promise<{ extractor: Extractor; mediaType: string } | undefined> {
  if (zip.byName.has('word/document.xml')) return { extractor: docxExtractor, mediaType: docxExtractor.mediaTypes[0] as string };
  if (zip.byName.has('xl/workbook.xml') || zip.byName.has('xl/workbook.bin')) {
    return { extractor: spreadsheetExtractor, mediaType: spreadsheetExtractor.mediaTypes[0] as string };
  }
  if (zip.byName.has('ppt/presentation.xml')) return { extractor: pptxExtractor, mediaType: pptxExtractor.mediaTypes[0] as string };
  if (zip.byName.has('visio/document.xml')) return { extractor: vsdxExtractor, mediaType: vsdxExtractor.mediaTypes[0] as string };
  const mimetype = zip.byName.get('mimetype');
  if (mimetype && mimetype.size < 200) {
    const type = ((await readPart(zip, 'mimetype')) ?? '').trim();
    if (type === 'application/vnd.oasis.opendocument.spreadsheet') return { extractor: spreadsheetExtractor, mediaType: type };
    if (odfExtractor.mediaTypes.includes(type)) return { extractor: odfExtractor, mediaType: type };
  }
  return undefined;
}

export async function* extractZip(content: ItemContent, context: ExtractContext): AsyncGenerator<Extracted> {
  const zip = await openZip(await content.bytes());
  let closed = false;
  try {
    const asPackage = await packageExtractor(zip);
    if (asPackage) {
      zip.close();
      closed = true;
      yield* asPackage.extractor.extract(content, { ...context, mediaType: asPackage.mediaType });
      return;
    }
    const seen = new Set<string>();
    for (const info of zip.entries) {
      if (info.directory) continue;
      const name = basename(info.name) || info.name;
      const entry = uniqueEntry(info.name, seen);
      const unread = (error: ItemError): Extracted => ({ child: { kind: 'archive-entry', entry, content: unreadContent(name, info.size), error } });
      if (info.encrypted) {
        yield unread(itemError('encrypted', 'the entry is encrypted with a password; its contents cannot be scanned'));
        continue;
      }
      const breach = entryLimitBreach(info);
      if (breach) {
        yield unread(itemError(breach.code, breach.message));
        continue;
      }
      spendBudget(context.budget, info.size);
      let bytes: Buffer;
      try {
        bytes = await zip.read(info);
      } catch (err) {
        // One damaged entry: the directory still names the others, which may be whole.
        if (!(err instanceof ExtractError)) throw err;
        yield unread(itemError(err.code, err.message));
        continue;
      }
      yield { child: { kind: 'archive-entry', entry, content: memoryContent(bytes, name) } };
    }
  } finally {
    if (!closed) zip.close();
  }
}

export const zipExtractor: Extractor = {
  id: 'zip',
  mediaTypes: ['application/zip', 'application/x-zip-compressed'],
  extensions: ['zip'],
  extract: extractZip,
};
