/**
 * E-mail files (eml, RFC 5322) through mailparser. Address headers (From, To, Cc, Bcc, Reply-To)
 * are `part: "header"` with the header name as context; the subject `part: "subject"`; the text
 * body (or, when a message has only HTML, that HTML as text) `part: "body"` with its `line`.
 * Every attachment, an attached message too, becomes a child item (`kind: attachment`, `entry`
 * = its file name) read by the same extractors.
 */
import type { AddressObject, ParsedMail } from 'mailparser';
import { memoryContent } from './content.js';
import { extractHtml } from './html.js';
import { uniqueEntry } from './segments.js';
import type { ChildContent, Extracted, Extractor, ItemContent } from './types.js';
import { ExtractError, segmentsOf } from './types.js';

export async function* extractEml(content: ItemContent): AsyncGenerator<Extracted> {
  const bytes = await content.bytes();
  // Loaded on first use: mailparser and its dependencies take a quarter second to load.
  const { simpleParser } = await import('mailparser');
  let mail: ParsedMail;
  try {
    mail = await simpleParser(Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength), {
      skipImageLinks: true,
      skipTextToHtml: true,
      skipTextLinks: true,
      skipHtmlToText: true,
    });
  } catch (err) {
    throw new ExtractError('corrupt', `the message could not be parsed (${(err as Error)?.name ?? 'error'}); it may be damaged`);
  }
  const addressHeaders: [string, AddressObject | AddressObject[] | undefined][] = [
    ['From', mail.from],
    ['To', mail.to],
    ['Cc', mail.cc],
    ['Bcc', mail.bcc],
    ['Reply-To', mail.replyTo],
  ];
  for (const [name, value] of addressHeaders) {
    for (const address of [value ?? []].flat()) {
      if (address.text) yield { segment: { text: address.text, where: { part: 'header' }, context: name } };
    }
  }
  if (mail.subject) yield { segment: { text: mail.subject, where: { part: 'subject' }, context: 'Subject' } };
  if (mail.text) yield* bodyLines(mail.text);
  else if (typeof mail.html === 'string') yield* htmlBody(mail.html);
  const names = new Set<string>();
  for (let i = 0; i < mail.attachments.length; i++) {
    const attachment = mail.attachments[i];
    if (!attachment) continue;
    const fallback = attachment.contentType === 'message/rfc822' ? `attachment-${i + 1}.eml` : `attachment-${i + 1}`;
    yield { child: attachmentChild(attachment.filename || fallback, attachment.content, names) };
  }
}

/** Text bodies, one segment per non-empty line, `where: { part: "body", line }`. */
export function* bodyLines(text: string): Generator<Extracted> {
  const lines = text.split(/\r?\n/);
  for (let i = 0; i < lines.length; i++) {
    const line = lines[i] as string;
    if (line.trim()) yield { segment: { text: line, where: { part: 'body', line: i + 1 }, context: i > 0 ? (lines[i - 1] as string).slice(-80) : '' } };
  }
}

/** An HTML-only body as its visible text, `where: { part: "body", line }` with the line in the HTML source. */
export async function* htmlBody(html: string): AsyncGenerator<Extracted> {
  for await (const part of extractHtml(memoryContent(Buffer.from(html, 'utf8'), 'body.html'))) {
    for (const segment of segmentsOf(part)) yield { segment: { ...segment, where: { part: 'body', ...segment.where } } };
  }
}

/** An attachment as a child; a second attachment of the same name gets its number after it, so entries stay unique. */
export function attachmentChild(fileName: string, bytes: Uint8Array, seen: Set<string>): ChildContent {
  const name = fileName.replace(/[/\\]/g, '_');
  return { kind: 'attachment', entry: uniqueEntry(name, seen), content: memoryContent(bytes, name) };
}

export const emlExtractor: Extractor = {
  id: 'eml',
  mediaTypes: ['message/rfc822'],
  extensions: ['eml'],
  extract: (content) => extractEml(content),
};
