/** The extractor registry: a new format is one extractor file, listed here. */
import { csvExtractor } from './csv.js';
import { graphMessageExtractor } from './graph-message.js';
import { htmlExtractor } from './html.js';
import { textExtractor } from './text.js';
import type { Extractor } from './types.js';

export const extractors: readonly Extractor[] = [csvExtractor, htmlExtractor, graphMessageExtractor, textExtractor];

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
};
