/**
 * Word 2007+ (docx, docm, dotx, dotm). The body through mammoth, which knows Word's many ways of
 * holding text (fields, content controls, alternate content); headers, footers, footnotes,
 * endnotes and comments, which mammoth's raw text leaves out, from their own XML parts.
 * `where: { paragraph }` counts the body's paragraphs from 1; other parts add `part: "header1"`,
 * `"footnotes"` and so on, with the paragraph counted within that part.
 */
import { corePropertyPeople, embeddedPictures } from './package-extras.js';
import { paragraphSegments } from './segments.js';
import type { ExtractContext, Extracted, Extractor, ItemContent } from './types.js';
import { ExtractError } from './types.js';
import { OOXML_TEXT, xmlParagraphs } from './xml-text.js';
import { checkPackageLimits, type OpenZip, openZip, readPart } from './zip-reader.js';

export const DOCX_TYPES = [
  'application/vnd.openxmlformats-officedocument.wordprocessingml.document',
  'application/vnd.ms-word.document.macroenabled.12',
  'application/vnd.openxmlformats-officedocument.wordprocessingml.template',
  'application/vnd.ms-word.template.macroenabled.12',
] as const;

const SIDE_PARTS = /^word\/((?:header|footer)\d*|footnotes|endnotes|comments)\.xml$/;

/**
 * The body's paragraphs through mammoth; when mammoth gives up on a file Word opens (it is strict
 * about some structures), straight from document.xml, so the text is still scanned.
 */
async function bodyParagraphs(bytes: Uint8Array, zip: OpenZip): Promise<string[]> {
  // Loaded on first use: a worker that never meets a Word file never pays for mammoth.
  const { default: mammoth } = await import('mammoth');
  try {
    const { value } = await mammoth.extractRawText({ buffer: Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength) });
    // mammoth ends every paragraph with a blank line.
    return value.split('\n\n');
  } catch {
    return xmlParagraphs((await readPart(zip, 'word/document.xml')) ?? '', OOXML_TEXT);
  }
}

export async function* extractDocx(content: ItemContent, context: ExtractContext): AsyncGenerator<Extracted> {
  const bytes = await content.bytes();
  const zip = await openZip(bytes);
  try {
    checkPackageLimits(zip, context);
    if (!zip.byName.has('word/document.xml')) {
      throw new ExtractError('corrupt', 'the Word package has no main document part; it may be damaged or not a Word file');
    }
    yield* paragraphSegments(await bodyParagraphs(bytes, zip));
    const sideParts = zip.entries.filter((e) => SIDE_PARTS.test(e.name)).sort((a, b) => a.name.localeCompare(b.name, 'en', { numeric: true }));
    for (const entry of sideParts) {
      const part = SIDE_PARTS.exec(entry.name)?.[1] as string;
      const xml = await readPart(zip, entry.name);
      if (xml === undefined) continue;
      yield* paragraphSegments(xmlParagraphs(xml, OOXML_TEXT), part);
    }
    yield* corePropertyPeople(zip);
    yield* embeddedPictures(zip, 'word/media/');
  } finally {
    zip.close();
  }
}

export const docxExtractor: Extractor = {
  id: 'docx',
  mediaTypes: DOCX_TYPES,
  extensions: ['docx', 'docm', 'dotx', 'dotm'],
  extract: extractDocx,
};
