/**
 * PDF through unpdf (PDF.js built for servers; pdfjs-dist 5+ needs APIs Node 20 lacks). Text page
 * by page, `where: { page }`, with form field values and comments (see annotationSegments), one page in memory at a time so a 10,000-page file costs time, not
 * memory. A PDF whose pages hold no text at all is a scan or a picture: error `no-text-layer`,
 * so it shows up as needing OCR. A PDF that needs a password to open: `encrypted` (one with only
 * an owner password, which restricts printing or copying, opens and is scanned).
 */
import { getDocumentProxy } from 'unpdf';
import type { Segment } from '../../detectors/types.js';
import type { Extracted, Extractor, ItemContent } from './types.js';
import { ExtractError } from './types.js';

interface TextItemLike {
  str?: string;
  hasEOL?: boolean;
}

interface AnnotationLike {
  subtype?: string;
  fieldName?: string;
  fieldValue?: unknown;
  alternativeText?: string;
  contentsObj?: { str?: string };
}

export async function* extractPdf(content: ItemContent): AsyncGenerator<Extracted> {
  // PDF.js may take over (detach) the buffer it is given: hand it a copy, not a buffer another extractor shares.
  const data = new Uint8Array(await content.bytes());
  let pdf: Awaited<ReturnType<typeof getDocumentProxy>>;
  try {
    pdf = await getDocumentProxy(data, { verbosity: 0, isEvalSupported: false, useSystemFonts: false, disableFontFace: true, stopAtErrors: false });
  } catch (err) {
    if ((err as Error)?.name === 'PasswordException') {
      throw new ExtractError('encrypted', 'the PDF is protected with a password to open it; its contents cannot be scanned');
    }
    throw new ExtractError('corrupt', `the PDF could not be opened (${(err as Error)?.name ?? 'error'}); it may be damaged or truncated`);
  }
  let textChars = 0;
  try {
    for (let pageNumber = 1; pageNumber <= pdf.numPages; pageNumber++) {
      const page = await pdf.getPage(pageNumber);
      const textContent = await page.getTextContent();
      const annotations = (await page.getAnnotations()) as AnnotationLike[];
      page.cleanup();
      const text = pageText(textContent.items as TextItemLike[]);
      if (text.trim() !== '') {
        textChars += text.length;
        yield { segment: { text, where: { page: pageNumber } } };
      }
      for (const segment of annotationSegments(annotations, pageNumber)) {
        textChars += segment.text.length;
        yield { segment };
      }
    }
  } finally {
    await pdf.destroy();
  }
  if (textChars === 0) {
    throw new ExtractError('no-text-layer', `none of its ${pdf.numPages} pages has a text layer (a scan or images only); it needs OCR to be scanned`);
  }
}

/**
 * What people typed into a PDF rather than what it prints: form field values (`part: "form"`,
 * the field's name as context, so a field called `bsn` marks its value) and the text of comments
 * and sticky notes (`part: "annotation"`). Filled-in intake forms hold their data only here.
 */
function annotationSegments(annotations: readonly AnnotationLike[], page: number): Segment[] {
  const segments: Segment[] = [];
  for (const annotation of annotations) {
    const values = [annotation.fieldValue].flat().filter((v): v is string => typeof v === 'string' && v.trim() !== '');
    const context = [annotation.fieldName, annotation.alternativeText].filter(Boolean).join(' ');
    for (const value of values) segments.push({ text: value, where: { page, part: 'form' }, context });
    const note = annotation.subtype === 'Widget' ? undefined : annotation.contentsObj?.str;
    if (note?.trim()) segments.push({ text: note, where: { page, part: 'annotation' } });
  }
  return segments;
}

/** Joins a page's text runs; runs that end a line get a newline, so words on separate lines stay apart. */
function pageText(items: readonly TextItemLike[]): string {
  let text = '';
  for (const item of items) {
    if (typeof item.str !== 'string') continue;
    text += item.str;
    if (item.hasEOL) text += '\n';
  }
  return text;
}

export const pdfExtractor: Extractor = {
  id: 'pdf',
  mediaTypes: ['application/pdf'],
  extensions: ['pdf'],
  extract: (content) => extractPdf(content),
};
