/**
 * PowerPoint 2007+ (pptx, pptm, ppsx, potx): slide text and speaker notes, slides in the order
 * the presentation shows them. `where: { slide, paragraph }`; notes add `part: "notes"`.
 */
import { posix } from 'node:path';
import { corePropertyPeople, embeddedPictures } from './package-extras.js';
import { paragraphSegments } from './segments.js';
import type { ExtractContext, Extracted, Extractor, ItemContent } from './types.js';
import { ExtractError } from './types.js';
import { attributeValues, OOXML_TEXT, readRelationships, xmlParagraphs } from './xml-text.js';
import { checkPackageLimits, type OpenZip, openZip, readPart } from './zip-reader.js';

function relsPathOf(part: string): string {
  return posix.join(posix.dirname(part), '_rels', `${posix.basename(part)}.rels`);
}

function resolveTarget(from: string, target: string): string {
  return target.startsWith('/') ? target.slice(1) : posix.normalize(posix.join(posix.dirname(from), target));
}

/** Slide parts in show order; falls back to the numbers in their names when presentation.xml says nothing usable. */
async function slideParts(zip: OpenZip): Promise<string[]> {
  const presentation = await readPart(zip, 'ppt/presentation.xml');
  const rels = await readPart(zip, relsPathOf('ppt/presentation.xml'));
  if (presentation && rels) {
    const byId = readRelationships(rels);
    const ordered = attributeValues(presentation, 'p:sldId', 'r:id')
      .map((id) => byId.get(id))
      .filter((r) => r !== undefined)
      .map((r) => resolveTarget('ppt/presentation.xml', r.target))
      .filter((path) => zip.byName.has(path));
    if (ordered.length > 0) return ordered;
  }
  const numbered = (name: string) => Number(/slide(\d+)\.xml$/.exec(name)?.[1] ?? 0);
  return zip.entries
    .map((e) => e.name)
    .filter((name) => /^ppt\/slides\/slide\d+\.xml$/.test(name))
    .sort((a, b) => numbered(a) - numbered(b));
}

export async function* extractPptx(content: ItemContent, context: ExtractContext): AsyncGenerator<Extracted> {
  const zip = await openZip(await content.bytes());
  try {
    checkPackageLimits(zip, context);
    if (!zip.byName.has('ppt/presentation.xml')) throw new ExtractError('corrupt', 'the PowerPoint package has no presentation part; it may be damaged');
    const slides = await slideParts(zip);
    for (let i = 0; i < slides.length; i++) {
      const slidePath = slides[i] as string;
      const slide = i + 1;
      const xml = await readPart(zip, slidePath);
      if (xml !== undefined) yield* paragraphSegments(xmlParagraphs(xml, OOXML_TEXT), undefined, { slide });
      const rels = await readPart(zip, relsPathOf(slidePath));
      const notes = rels ? [...readRelationships(rels).values()].find((r) => r.type.endsWith('/notesSlide')) : undefined;
      if (!notes) continue;
      const notesXml = await readPart(zip, resolveTarget(slidePath, notes.target));
      if (notesXml !== undefined) yield* paragraphSegments(xmlParagraphs(notesXml, OOXML_TEXT), 'notes', { slide });
    }
    yield* corePropertyPeople(zip);
    yield* embeddedPictures(zip, 'ppt/media/');
  } finally {
    zip.close();
  }
}

export const pptxExtractor: Extractor = {
  id: 'pptx',
  mediaTypes: [
    'application/vnd.openxmlformats-officedocument.presentationml.presentation',
    'application/vnd.ms-powerpoint.presentation.macroenabled.12',
    'application/vnd.openxmlformats-officedocument.presentationml.slideshow',
    'application/vnd.ms-powerpoint.slideshow.macroenabled.12',
    'application/vnd.openxmlformats-officedocument.presentationml.template',
    'application/vnd.ms-powerpoint.template.macroenabled.12',
  ],
  extensions: ['pptx', 'pptm', 'ppsx', 'ppsm', 'potx', 'potm'],
  extract: extractPptx,
};
