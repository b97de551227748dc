/**
 * PDF through unpdf (PDF.js built for servers; pdfjs-dist 5+ needs APIs Node 20 lacks). Text page
 * by page, `where: { page }`, one page in memory at a time so a 10,000-page file costs time, not
 * memory. A PDF whose pages hold no text at all is a scan or a picture: error `no-text-layer`,
 * so it shows up as needing OCR. A PDF that needs a password to open: `encrypted` (one with only
 * an owner password, which restricts printing or copying, opens and is scanned).
 */
import { getDocumentProxy } from 'unpdf';
import type { Extracted, Extractor, ItemContent } from './types.js';
import { ExtractError } from './types.js';

interface TextItemLike {
  str?: string;
  hasEOL?: boolean;
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
      page.cleanup();
      const text = pageText(textContent.items as TextItemLike[]);
      if (text.trim() === '') continue;
      textChars += text.length;
      yield { segment: { text, where: { page: pageNumber } } };
    }
  } finally {
    await pdf.destroy();
  }
  if (textChars === 0) {
    throw new ExtractError('no-text-layer', `none of its ${pdf.numPages} pages has a text layer (a scan or images only); it needs OCR to be scanned`);
  }
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
