/**
 * HTML: the visible text only (script, style, template and head metadata dropped), by source line,
 * so `where: { line }` points into the file. Inline elements join their text (`NL<b>91</b>` stays
 * one word); block elements separate it (`<td>BSN</td><td>…</td>` reads "BSN …").
 */
import { Parser } from 'htmlparser2';
import { decodeAll } from './decode.js';
import type { Extracted, Extractor, ItemContent } from './types.js';

const HIDDEN = new Set(['script', 'style', 'template', 'noscript', 'head', 'title', 'svg', 'object', 'iframe']);
const INLINE = new Set([
  'a',
  'abbr',
  'b',
  'bdi',
  'bdo',
  'cite',
  'code',
  'data',
  'dfn',
  'em',
  'font',
  'i',
  'kbd',
  'mark',
  'q',
  's',
  'samp',
  'small',
  'span',
  'strong',
  'sub',
  'sup',
  'time',
  'u',
  'var',
  'wbr',
]);

export async function* extractHtml(content: ItemContent): AsyncGenerator<Extracted> {
  const html = await decodeAll(content);
  const newlines: number[] = [];
  for (let i = html.indexOf('\n'); i !== -1; i = html.indexOf('\n', i + 1)) newlines.push(i);
  const lineAt = (index: number) => {
    let lo = 0;
    let hi = newlines.length;
    while (lo < hi) {
      const mid = (lo + hi) >> 1;
      if ((newlines[mid] as number) < index) lo = mid + 1;
      else hi = mid;
    }
    return lo + 1;
  };

  const lines = new Map<number, string>();
  let hiddenDepth = 0;
  let separate = false;
  const append = (line: number, text: string, glue: string) => {
    const before = lines.get(line);
    lines.set(line, before === undefined ? text : before + glue + text);
  };
  const parser = new Parser(
    {
      onopentag(name) {
        if (HIDDEN.has(name)) hiddenDepth++;
        if (!INLINE.has(name)) separate = true;
      },
      onclosetag(name) {
        if (HIDDEN.has(name) && hiddenDepth > 0) hiddenDepth--;
        if (!INLINE.has(name)) separate = true;
      },
      ontext(text) {
        if (hiddenDepth > 0) return;
        const first = lineAt(parser.startIndex);
        const parts = text.split('\n');
        for (let k = 0; k < parts.length; k++) {
          const part = (parts[k] as string).replace(/\r$/, '');
          if (part.trim() === '') continue;
          append(first + k, part, separate || k > 0 ? ' ' : '');
        }
        separate = false;
      },
    },
    { decodeEntities: true, lowerCaseTags: true },
  );
  parser.write(html);
  parser.end();

  let previous = '';
  for (const [line, text] of [...lines.entries()].sort((a, b) => a[0] - b[0])) {
    const trimmed = text.replace(/\s+/g, ' ').trim();
    if (!trimmed) continue;
    yield { segment: { text: trimmed, where: { line }, context: previous } };
    previous = trimmed.slice(-80);
  }
}

export const htmlExtractor: Extractor = {
  id: 'html',
  mediaTypes: ['text/html', 'application/xhtml+xml'],
  extensions: ['html', 'htm', 'xhtml', 'shtml'],
  extract: (content) => extractHtml(content),
};
