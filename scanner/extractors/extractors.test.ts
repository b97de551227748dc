import { describe, expect, it } from 'vitest';
import { createEngine } from '../../detectors/engine.js';
import { coreDetectors } from '../../detectors/registry.js';
import { memoryContent } from './content.js';
import { extractDelimited, sniffDelimiter, splitCells } from './csv.js';
import { decodeLineBatches, looksLikeText, sniffEncoding } from './decode.js';
import { extractHtml } from './html.js';
import { extractLines } from './text.js';
import { type Extracted, segmentsOf } from './types.js';

async function collect<T>(it: AsyncIterable<T>): Promise<T[]> {
  const out: T[] = [];
  for await (const x of it) out.push(x);
  return out;
}
const segments = (parts: Extracted[]) => parts.flatMap(segmentsOf);
const bytes = (s: string) => new Uint8Array(Buffer.from(s));

describe('decoding', () => {
  it('reads UTF-16 LE and BE with a BOM, and UTF-16 LE without one', async () => {
    const text = 'Zoë\nMüller\n';
    const le = Buffer.concat([Buffer.from([0xff, 0xfe]), Buffer.from(text, 'utf16le')]);
    const be = Buffer.from(le);
    be.swap16();
    for (const buf of [le, be, Buffer.from(text, 'utf16le')]) {
      const lines = (await collect(decodeLineBatches(memoryContent(new Uint8Array(buf), 'x.txt')))).flat();
      expect(lines.map((l) => l.text)).toEqual(['Zoë', 'Müller']);
    }
    expect(sniffEncoding(new Uint8Array(be))).toBe('utf-16be');
  });

  it('falls back to Windows-1252 for bytes that are not UTF-8', async () => {
    const lines = (await collect(decodeLineBatches(memoryContent(new Uint8Array(Buffer.from('caf\xe9 \x80 5\r\nna\xefef', 'latin1')), 'x.txt')))).flat();
    expect(lines.map((l) => l.text)).toEqual(['café € 5', 'naïef']);
  });

  it('cuts a huge line into overlapping pieces with one owner per offset', async () => {
    const long = 'x'.repeat(2_500_000);
    const lines = (await collect(decodeLineBatches(memoryContent(bytes(`${long}\nend`), 'x.txt')))).flat();
    const pieces = lines.filter((l) => l.number === 1);
    expect(pieces.length).toBeGreaterThan(2);
    const owned = pieces.reduce((n, p) => n + (p.ownedEnd ?? p.text.length) - (p.ownedStart ?? 0), 0);
    expect(owned).toBe(long.length);
    expect(lines.at(-1)).toEqual({ number: 2, text: 'end' });
  });

  it('finds a match at any cut of a huge line exactly once', async () => {
    const engine = createEngine(coreDetectors, (t, v) => `${t}${v}`.padEnd(64, '0'));
    const piece = 1024 * 1024;
    for (const offset of [piece - 2048, piece - 1030, piece - 1024, piece - 1020, piece - 5, piece, 2 * piece - 3072]) {
      const text = `${'q '.repeat(offset / 2)}${offset % 2 ? ' ' : ''}cut.here@example.nl ${'w '.repeat(piece)}`;
      const found = [];
      for await (const part of extractLines(memoryContent(bytes(text), 'x.log'))) {
        for (const segment of segmentsOf(part)) found.push(...engine.detect(segment));
      }
      expect(
        found.map((f) => f.masked),
        `offset ${offset}`,
      ).toEqual(['c***@example.nl']);
    }
  });

  it('tells text from binary', () => {
    expect(looksLikeText(bytes('hello\tworld\n'))).toBe(true);
    expect(looksLikeText(new Uint8Array([0x50, 0x4b, 0x03, 0x04, 0x00, 0x01]))).toBe(false);
  });
});

describe('text extractor', () => {
  it('numbers lines and passes the previous line as context', async () => {
    const segs = segments(await collect(extractLines(memoryContent(bytes('BSN:\n111222333\n\nend'), 'a.txt'))));
    expect(segs.map((s) => [s.where.line, s.text, s.context])).toEqual([
      [1, 'BSN:', ''],
      [2, '111222333', 'BSN:'],
      [4, 'end', '111222333'],
    ]);
  });
});

describe('csv extractor', () => {
  it('sniffs the delimiter and honours quotes', () => {
    expect(sniffDelimiter('naam;bsn;email')).toBe(';');
    expect(sniffDelimiter('a\tb\tc')).toBe('\t');
    expect(splitCells('"de Vries, Jan";"say ""hi""";3', ';')).toEqual(['de Vries, Jan', 'say "hi"', '3']);
    expect(splitCells('"open quote;x', ';')).toBeUndefined();
  });

  it('yields each cell with its header as context and its cell name', async () => {
    const segs = segments(await collect(extractDelimited(memoryContent(bytes('Naam,BSN\nJan,111222333\n"multi\nline",x'), 'a.csv'))));
    const bsn = segs.find((s) => s.text === '111222333');
    expect(bsn?.where).toEqual({ line: 2, cell: 'B2' });
    expect(bsn?.context).toContain('BSN');
    // A quoted field over two lines is read as text, not dropped.
    expect(segs.some((s) => s.text.includes('multi'))).toBe(true);
  });
});

describe('html extractor', () => {
  it('keeps visible text by source line, drops scripts and styles, joins inline elements', async () => {
    const html =
      '<html><head><title>t</title><script>var a="x@example.nl"</script></head>\n<body><p>IBAN NL<b>91</b> ABNA</p>\n<style>p{}</style><td>BSN</td><td>111222333</td>\n<p>caf&eacute;</p></body></html>';
    const segs = segments(await collect(extractHtml(memoryContent(bytes(html), 'a.html'))));
    expect(segs.map((s) => [s.where.line, s.text])).toEqual([
      [2, 'IBAN NL91 ABNA'],
      [3, 'BSN 111222333'],
      [4, 'café'],
    ]);
  });
});
