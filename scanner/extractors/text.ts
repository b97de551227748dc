/** Plain-text formats read line by line: txt, log, md, xml, yaml, ini and kin. `where: { line }`. */
import type { Segment } from '../../detectors/types.js';
import { decodeLineBatches, pieceBounds } from './decode.js';
import type { Extracted, Extractor, ItemContent } from './types.js';

/** The tail of the previous line: a label such as `BSN:` often sits on the line before its value. */
const CONTEXT_CHARS = 80;

/** The lines of each decoded chunk go out together (types.ts `segments`). */
export async function* extractLines(content: ItemContent): AsyncGenerator<Extracted> {
  let previous = '';
  for await (const lines of decodeLineBatches(content)) {
    const segments: Segment[] = [];
    for (const line of lines) {
      if (line.text.trim().length === 0) continue;
      segments.push({
        text: line.text,
        where: { line: line.number },
        context: previous,
        ...pieceBounds(line),
      });
      previous = line.text.slice(-CONTEXT_CHARS);
    }
    if (segments.length > 0) yield { segments };
  }
}

export const textExtractor: Extractor = {
  id: 'text',
  mediaTypes: ['text/plain', 'text/markdown', 'application/xml', 'text/xml', 'text/x-log', 'application/yaml'],
  extensions: ['txt', 'log', 'md', 'markdown', 'xml', 'yaml', 'yml', 'ini', 'cfg', 'conf', 'sql', 'vcf', 'ics', 'ldif'],
  extract: (content) => extractLines(content),
};
