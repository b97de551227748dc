/**
 * PDF through unpdf (PDF.js built for servers; pdfjs-dist 5+ needs APIs Node 20 lacks). Text page
 * by page, `where: { page }`, with form field values and comments (see annotationSegments), one page in memory at a time so a 10,000-page file costs time, not
 * memory. A page with no text layer (a scan from a multifunction printer) is rendered
 * (@napi-rs/canvas, at OcrSettings.pdfDpi) and read by OCR: `where: { page, line }`, basis `ocr`;
 * at most OcrSettings.maxPagesPerItem pages per file. When OCR is off or its budget spent, a PDF
 * with no text at all ends as `no-text-layer`, so it shows up as needing OCR. The Author in the
 * document info is a `metadata-person` finding. A PDF that needs a password to open: `encrypted` (one with only
 * an owner password, which restricts printing or copying, opens and is scanned).
 */
import { getDocumentProxy, renderPageAsImage } from 'unpdf';
import type { Segment } from '../../detectors/types.js';
import { personMetadata } from './metadata.js';
import { ocrSettings, takeOcrPage } from './ocr-engine.js';
import { ocrParts } from './ocr-page.js';
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
  let ocrPages = 0;
  let unreadPages = 0;
  try {
    const author = await documentAuthor(pdf);
    if (author) yield { direct: author };
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
      if (text.trim() !== '') continue;
      if (ocrPages >= ocrSettings().maxPagesPerItem || !takeOcrPage()) {
        unreadPages++;
        continue;
      }
      ocrPages++;
      yield* ocrParts(await renderPage(pdf, pageNumber), { page: pageNumber });
    }
  } finally {
    await pdf.destroy();
  }
  if (unreadPages > 0 && textChars === 0 && ocrPages === 0) {
    throw new ExtractError(
      'no-text-layer',
      `none of its ${pdf.numPages} pages has a text layer (a scan or images only); it needs OCR to be scanned (OCR is off, or its budget spent)`,
    );
  }
  if (unreadPages > 0 && ocrSettings().enabled) {
    throw new ExtractError(
      'archive-limit',
      `${unreadPages} of its pages have no text layer and were not read by OCR (the page limit per file, --no-ocr or the OCR budget); the rest was scanned`,
    );
  }
}

type PdfProxy = Awaited<ReturnType<typeof getDocumentProxy>>;

/** A page as PNG at the OCR resolution, within the pixel cap (a poster-sized page is scaled down to fit, not refused). */
async function renderPage(pdf: PdfProxy, pageNumber: number): Promise<Uint8Array> {
  const { pdfDpi, maxPixels } = ocrSettings();
  const page = await pdf.getPage(pageNumber);
  const { width, height } = page.getViewport({ scale: 1 });
  page.cleanup();
  let scale = pdfDpi / 72;
  const pixels = width * height * scale * scale;
  if (pixels > maxPixels) scale *= Math.sqrt(maxPixels / pixels);
  try {
    return new Uint8Array(await renderPageAsImage(pdf, pageNumber, { canvasImport: () => import('@napi-rs/canvas'), scale }));
  } catch (err) {
    throw new ExtractError('corrupt', `page ${pageNumber} could not be rendered for OCR (${(err as Error)?.name ?? 'error'}); it may be damaged`);
  }
}

async function documentAuthor(pdf: PdfProxy) {
  try {
    const { info } = (await pdf.getMetadata()) as unknown as { info?: Record<string, unknown> };
    return personMetadata('Author', info?.Author);
  } catch {
    return undefined;
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
