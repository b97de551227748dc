/** The extractor registry: a new format is one extractor file, listed here. */
import { csvExtractor } from './csv.js';
import { docxExtractor } from './docx.js';
import { emlExtractor } from './eml.js';
import { graphMessageExtractor } from './graph-message.js';
import { htmlExtractor } from './html.js';
import { imageExtractor } from './image.js';
import { mboxExtractor } from './mbox.js';
import { odfExtractor } from './odf.js';
import { OLE_TYPES, oleExtractor } from './ole.js';
import { pdfExtractor } from './pdf.js';
import { pptxExtractor } from './pptx.js';
import { rtfExtractor } from './rtf.js';
import { spreadsheetExtractor } from './spreadsheet.js';
import { textExtractor } from './text.js';
import type { Extractor } from './types.js';
import { vsdxExtractor } from './vsdx.js';
import { zipExtractor } from './zip.js';

export const extractors: readonly Extractor[] = [
  docxExtractor,
  spreadsheetExtractor,
  pptxExtractor,
  vsdxExtractor,
  odfExtractor,
  pdfExtractor,
  imageExtractor,
  oleExtractor,
  emlExtractor,
  mboxExtractor,
  zipExtractor,
  rtfExtractor,
  csvExtractor,
  htmlExtractor,
  graphMessageExtractor,
  textExtractor,
];

export function extractorFor(mediaType: string): Extractor | undefined {
  return extractors.find((e) => e.mediaTypes.includes(mediaType));
}

/** The media type an extension stands for, when the content's magic bytes say nothing. */
export function mediaTypeForExtension(ext: string): string | undefined {
  for (const e of extractors) {
    const i = e.extensions.indexOf(ext);
    if (i !== -1) return EXTENSION_TYPES[ext] ?? e.mediaTypes[0];
  }
  return undefined;
}

/**
 * Magic bytes say only "zip" or "OLE" for most Office files (the telling part may lie past the
 * head that is sniffed): the extension then names the format, if it is one of that container.
 */
export function refineContainerType(magicType: string, ext: string): string {
  const byExtension = mediaTypeForExtension(ext);
  if (!byExtension) return magicType;
  if (magicType === 'application/zip' && ZIP_PACKAGE_TYPES.has(byExtension)) return byExtension;
  if (magicType === 'application/x-cfb' && (OLE_TYPES as readonly string[]).includes(byExtension)) return byExtension;
  return magicType;
}

const ZIP_PACKAGE_TYPES: ReadonlySet<string> = new Set([
  ...docxExtractor.mediaTypes,
  ...spreadsheetExtractor.mediaTypes,
  ...pptxExtractor.mediaTypes,
  ...vsdxExtractor.mediaTypes,
  ...odfExtractor.mediaTypes,
]);

const EXTENSION_TYPES: Record<string, string> = {
  tsv: 'text/tab-separated-values',
  tab: 'text/tab-separated-values',
  md: 'text/markdown',
  markdown: 'text/markdown',
  json: 'application/json',
  ndjson: 'application/x-ndjson',
  jsonl: 'application/x-ndjson',
  xml: 'application/xml',
  yaml: 'application/yaml',
  yml: 'application/yaml',
  xhtml: 'application/xhtml+xml',
  docm: 'application/vnd.ms-word.document.macroenabled.12',
  dotx: 'application/vnd.openxmlformats-officedocument.wordprocessingml.template',
  dotm: 'application/vnd.ms-word.template.macroenabled.12',
  xlsm: 'application/vnd.ms-excel.sheet.macroenabled.12',
  xlsb: 'application/vnd.ms-excel.sheet.binary.macroenabled.12',
  xltx: 'application/vnd.openxmlformats-officedocument.spreadsheetml.template',
  xltm: 'application/vnd.ms-excel.template.macroenabled.12',
  ods: 'application/vnd.oasis.opendocument.spreadsheet',
  ots: 'application/vnd.oasis.opendocument.spreadsheet-template',
  pptm: 'application/vnd.ms-powerpoint.presentation.macroenabled.12',
  ppsx: 'application/vnd.openxmlformats-officedocument.presentationml.slideshow',
  ppsm: 'application/vnd.ms-powerpoint.slideshow.macroenabled.12',
  potx: 'application/vnd.openxmlformats-officedocument.presentationml.template',
  potm: 'application/vnd.ms-powerpoint.template.macroenabled.12',
  ott: 'application/vnd.oasis.opendocument.text-template',
  odp: 'application/vnd.oasis.opendocument.presentation',
  otp: 'application/vnd.oasis.opendocument.presentation-template',
  doc: 'application/msword',
  dot: 'application/msword',
  xls: 'application/vnd.ms-excel',
  xlt: 'application/vnd.ms-excel',
  msg: 'application/vnd.ms-outlook',
  vsdm: 'application/vnd.ms-visio.drawing.macroenabled.main+xml',
  vstx: 'application/vnd.ms-visio.template.main+xml',
  ppt: 'application/vnd.ms-powerpoint',
  pps: 'application/vnd.ms-powerpoint',
  pot: 'application/vnd.ms-powerpoint',
};
