/**
 * Mailbox files (mbox: Thunderbird, Apple Mail exports, Google Takeout): each message is a child
 * item (`kind: message`, `entry: message-N.eml`) read as an e-mail. Messages start at a line
 * beginning with `From ` at the file's start or after an empty line; the mailbox itself holds no text.
 */
import { memoryContent } from './content.js';
import type { Extracted, Extractor, ItemContent } from './types.js';

const SEPARATOR = Buffer.from('\nFrom ');
/** The envelope line: `From sender date`, the date with a time of day (`Mon Jan 15 09:30:00 2024`). */
const ENVELOPE = /^From \S+ +\S.*\d{1,2}:\d{2}/;

function isEnvelopeAt(bytes: Buffer, start: number): boolean {
  const end = bytes.indexOf(0x0a, start);
  return ENVELOPE.test(bytes.subarray(start, end === -1 ? Math.min(bytes.length, start + 200) : Math.min(end, start + 200)).toString('latin1'));
}

/**
 * Byte offsets where messages start: an envelope line at the start of the file or after an empty
 * line. Writers escape body lines that start with "From " (">From "); the envelope test also
 * passes over the unescaped ones that sloppy writers leave.
 */
export function messageStarts(bytes: Buffer): number[] {
  const starts = isEnvelopeAt(bytes, 0) ? [0] : [];
  for (let i = bytes.indexOf(SEPARATOR); i !== -1; i = bytes.indexOf(SEPARATOR, i + 1)) {
    const blankBefore = i > 0 && (bytes[i - 1] === 0x0a || (bytes[i - 1] === 0x0d && bytes[i - 2] === 0x0a));
    if (blankBefore && isEnvelopeAt(bytes, i + 1)) starts.push(i + 1);
  }
  return starts;
}

export async function* extractMbox(content: ItemContent): AsyncGenerator<Extracted> {
  const raw = await content.bytes();
  const bytes = Buffer.from(raw.buffer, raw.byteOffset, raw.byteLength);
  const starts = messageStarts(bytes);
  for (let n = 0; n < starts.length; n++) {
    const start = starts[n] as number;
    const end = starts[n + 1] ?? bytes.length;
    // Skip the "From sender date" envelope line: it is mbox's, not part of the message.
    const headerStart = bytes.indexOf(0x0a, start) + 1 || end;
    yield { child: { kind: 'message', entry: `message-${n + 1}.eml`, content: memoryContent(bytes.subarray(headerStart, end), `message-${n + 1}.eml`) } };
  }
}

export const mboxExtractor: Extractor = {
  id: 'mbox',
  mediaTypes: ['application/mbox'],
  extensions: ['mbox', 'mbx'],
  extract: (content) => extractMbox(content),
};
