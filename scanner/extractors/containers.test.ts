import { describe, expect, it } from 'vitest';
import { memoryContent } from './content.js';
import { extractMbox, messageStarts } from './mbox.js';
import { detectMediaType } from './media-type.js';
import { rtfToText } from './rtf.js';
import type { Extracted } from './types.js';

async function collect(parts: AsyncIterable<Extracted>): Promise<Extracted[]> {
  const out: Extracted[] = [];
  for await (const part of parts) out.push(part);
  return out;
}

describe('rtfToText', () => {
  it('keeps the text and drops tables, destinations and field instructions', () => {
    const rtf =
      '{\\rtf1\\ansi\\ansicpg1252{\\fonttbl{\\f0 Arial;}}{\\colortbl;\\red0;}{\\*\\generator Word;}' +
      '\\pard Hallo {\\b wereld}\\par {\\field{\\*\\fldinst HYPERLINK "mailto:x@example.com"}{\\fldrslt link}}\\par}';
    expect(rtfToText(rtf)).toBe('Hallo wereld\nlink\n');
  });

  it('decodes code-page bytes, \\u characters with their fallback skipped, and escaped symbols', () => {
    expect(rtfToText("{\\rtf1\\ansi\\ansicpg1252 caf\\'e9 \\u8364? \\{x\\} a\\\\b}")).toBe('café € {x} a\\b');
    expect(rtfToText("{\\rtf1\\uc2 A\\u233\\'e9\\'e9B}")).toBe('AéB');
  });

  it('skips \\bin data', () => {
    expect(rtfToText('{\\rtf1 voor{\\bin4 {}\\}na}')).toBe('voorna');
  });
});

describe('mbox', () => {
  const box = Buffer.from(
    'From a@example.com Mon Jan 15 09:30:00 2024\nSubject: een\n\nFrom here on, a body line.\n\n' +
      'From b@example.com Mon Jan 15 09:31:00 2024\nSubject: twee\n\nbody\n',
  );

  it('starts a message only at "From " after an empty line', () => {
    expect(messageStarts(box)).toHaveLength(2);
  });

  it('yields each message without its envelope line as a child', async () => {
    const parts = await collect(extractMbox(memoryContent(box, 'Inbox')));
    const children = parts.flatMap((p) => ('child' in p ? [p.child] : []));
    expect(children.map((c) => c.entry)).toEqual(['message-1.eml', 'message-2.eml']);
    expect(Buffer.from(await children[1]!.content.bytes()).toString()).toBe('Subject: twee\n\nbody\n');
  });
});

describe('media types of mail without a telling name', () => {
  it('recognises a saved e-mail and an mbox by their headers', async () => {
    const mail = Buffer.from('Received: by x\nFrom: a@example.com\nTo: b@example.com\nSubject: hoi\n\nbody\n');
    expect(await detectMediaType(mail, 'bericht')).toBe('message/rfc822');
    expect(await detectMediaType(Buffer.concat([Buffer.from('From a@example.com Mon Jan 15 09:30:00 2024\n'), mail]), 'Inbox')).toBe('application/mbox');
  });

  it('leaves a letter that merely starts with "From:" as text', async () => {
    expect(await detectMediaType(Buffer.from('From: de directie\n\nBeste medewerkers,\n'), 'brief')).toBe('text/plain');
  });
});
