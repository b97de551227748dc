/**
 * Visio 2013+ drawings (vsdx, vsdm, vstx): the text of every shape, page by page, from the
 * package's `visio/pages/pageN.xml` parts (OOXML; shape text is in `<Text>`, with `<cp>`, `<pp>`
 * and `<tp>` marks between runs). Pages in the order `visio/pages/pages.xml` lists them.
 * `where: { page, paragraph }`. Org charts and floor plans name people and rooms.
 */
import { posix } from 'node:path';
import { paragraphSegments } from './segments.js';
import type { ExtractContext, Extracted, Extractor, ItemContent } from './types.js';
import { ExtractError } from './types.js';
import { attributeValues, readRelationships, type XmlTextRules, xmlParagraphs } from './xml-text.js';
import { checkPackageLimits, type OpenZip, openZip, readPart } from './zip-reader.js';

export const VSDX_TYPES = [
  // What file-type calls a vsdx (by its [Content_Types].xml).
  'application/vnd.visio',
  'application/vnd.ms-visio.drawing.main+xml',
  'application/vnd.ms-visio.drawing.macroenabled.main+xml',
  'application/vnd.ms-visio.template.main+xml',
] as const;

const VISIO_TEXT: XmlTextRules = {
  paragraph: new Set(['Text']),
  text: new Set(),
  space: new Set(['cp', 'pp', 'tp', 'fld']),
  skip: new Set(),
};

async function pageParts(zip: OpenZip): Promise<string[]> {
  const list = await readPart(zip, 'visio/pages/pages.xml');
  const rels = await readPart(zip, 'visio/pages/_rels/pages.xml.rels');
  if (list && rels) {
    const byId = readRelationships(rels);
    const ordered = attributeValues(list, 'Rel', 'r:id')
      .map((id) => byId.get(id)?.target)
      .filter((t): t is string => t !== undefined)
      .map((t) => (t.startsWith('/') ? t.slice(1) : posix.normalize(posix.join('visio/pages', t))))
      .filter((p) => zip.byName.has(p));
    if (ordered.length > 0) return ordered;
  }
  const numbered = (name: string) => Number(/page(\d+)\.xml$/.exec(name)?.[1] ?? 0);
  return zip.entries
    .map((e) => e.name)
    .filter((n) => /^visio\/pages\/page\d+\.xml$/.test(n))
    .sort((a, b) => numbered(a) - numbered(b));
}

export async function* extractVsdx(content: ItemContent, context: ExtractContext): AsyncGenerator<Extracted> {
  const bytes = await content.bytes();
  // A Visio 2003-2010 .vsd is an OLE file, not a package: not read yet.
  if (bytes[0] !== 0x50 || bytes[1] !== 0x4b)
    throw new ExtractError('unsupported-format', 'a Visio drawing in the binary format of Visio 2003-2010 (.vsd), not read yet; not scanned');
  const zip = await openZip(bytes);
  try {
    checkPackageLimits(zip, context);
    if (!zip.byName.has('visio/document.xml')) throw new ExtractError('corrupt', 'the Visio package has no document part; it may be damaged');
    const pages = await pageParts(zip);
    for (let i = 0; i < pages.length; i++) {
      const xml = await readPart(zip, pages[i] as string);
      if (xml !== undefined) for (const part of paragraphSegments(xmlParagraphs(xml, VISIO_TEXT))) yield withPage(part, i + 1);
    }
  } finally {
    zip.close();
  }
}

function withPage(part: Extracted, page: number): Extracted {
  if ('segment' in part) return { segment: { ...part.segment, where: { page, ...part.segment.where } } };
  if ('segments' in part) return { segments: part.segments.map((segment) => ({ ...segment, where: { page, ...segment.where } })) };
  return part;
}

export const vsdxExtractor: Extractor = {
  id: 'vsdx',
  mediaTypes: VSDX_TYPES,
  extensions: ['vsdx', 'vsdm', 'vstx'],
  extract: extractVsdx,
};
