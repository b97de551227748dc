/**
 * OpenDocument text and presentations (odt, ott, odp, otp), from content.xml; odt headers and
 * footers from styles.xml (`part: "styles"`). odt: `where: { paragraph }`; odp: `where: { slide,
 * paragraph }`, speaker notes with `part: "notes"`. OpenDocument spreadsheets go to SheetJS.
 */
import { paragraphSegments } from './segments.js';
import type { ExtractContext, Extracted, Extractor, ItemContent } from './types.js';
import { ExtractError } from './types.js';
import { groupedParagraphs, ODF_TEXT, xmlParagraphs } from './xml-text.js';
import { checkPackageLimits, openZip, readPart } from './zip-reader.js';

const PRESENTATION_TYPES = ['application/vnd.oasis.opendocument.presentation', 'application/vnd.oasis.opendocument.presentation-template'];

export async function* extractOdf(content: ItemContent, context: ExtractContext): AsyncGenerator<Extracted> {
  const zip = await openZip(await content.bytes());
  try {
    checkPackageLimits(zip, context);
    // A document saved with a password keeps its parts encrypted; the manifest says so.
    if ((await readPart(zip, 'META-INF/manifest.xml'))?.includes('encryption-data')) {
      throw new ExtractError('encrypted', 'the OpenDocument file is protected with a password; its contents cannot be scanned');
    }
    const xml = await readPart(zip, 'content.xml');
    if (xml === undefined) throw new ExtractError('corrupt', 'the OpenDocument package has no content part; it may be damaged');
    const mimetype = ((await readPart(zip, 'mimetype')) ?? context.mediaType).trim();
    if (PRESENTATION_TYPES.includes(mimetype)) {
      const paragraphs = groupedParagraphs(xml, ODF_TEXT, 'draw:page', 'presentation:notes');
      const slides = new Map<string, string[]>();
      for (const p of paragraphs) {
        const key = `${p.group}:${p.marked ? 'notes' : ''}`;
        slides.set(key, [...(slides.get(key) ?? []), p.text]);
      }
      for (const [key, texts] of slides) {
        const [slide, part] = key.split(':') as [string, string];
        yield* paragraphSegments(texts, part || undefined, { slide: Number(slide) });
      }
      return;
    }
    yield* paragraphSegments(xmlParagraphs(xml, ODF_TEXT));
    const styles = await readPart(zip, 'styles.xml');
    if (styles !== undefined) yield* paragraphSegments(xmlParagraphs(styles, ODF_TEXT), 'styles');
  } finally {
    zip.close();
  }
}

export const odfExtractor: Extractor = {
  id: 'odf',
  mediaTypes: [
    'application/vnd.oasis.opendocument.text',
    'application/vnd.oasis.opendocument.text-template',
    'application/vnd.oasis.opendocument.presentation',
    'application/vnd.oasis.opendocument.presentation-template',
  ],
  extensions: ['odt', 'ott', 'odp', 'otp'],
  extract: extractOdf,
};
