/**
 * Word 97-2003 (.doc) through word-extractor: body paragraphs as `where: { paragraph }`, and
 * headers and footers, footnotes, endnotes, comments and text boxes each as their own `part`.
 * A .doc saved with a password (the `fEncrypted` flag in its File Information Block) is `encrypted`.
 */
import type CFB from 'cfb';
import { paragraphSegments } from './segments.js';
import type { Extracted } from './types.js';
import { ExtractError } from './types.js';

/** fEncrypted: bit 8 of the FIB's flags word at offset 0x0A of the WordDocument stream. */
function isEncryptedDoc(container: CFB.CFB$Container): boolean {
  const stream = container.FileIndex.find((e) => e.name === 'WordDocument');
  const fib = stream?.content as Uint8Array | undefined;
  return fib !== undefined && fib.length > 0x0b && ((fib[0x0b] as number) & 0x01) !== 0;
}

export async function* extractDoc(bytes: Uint8Array, container: CFB.CFB$Container): AsyncGenerator<Extracted> {
  if (isEncryptedDoc(container)) throw new ExtractError('encrypted', 'the Word document is protected with a password; its contents cannot be scanned');
  // Loaded on first use, as every parser is: a worker that never meets a .doc never pays for it.
  const { default: WordExtractor } = await import('word-extractor');
  const document = await new WordExtractor().extract(Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength));
  yield* paragraphSegments(document.getBody().split('\n'));
  const parts: [string, string][] = [
    ['headers', document.getHeaders({ includeFooters: true })],
    ['footnotes', document.getFootnotes()],
    ['endnotes', document.getEndnotes()],
    ['comments', document.getAnnotations()],
    ['textboxes', document.getTextboxes({ includeHeadersAndFooters: true, includeBody: true })],
  ];
  for (const [part, text] of parts) if (text.trim()) yield* paragraphSegments(text.split('\n'), part);
}
