/**
 * Outlook messages (.msg) through @kenjiuno/msgreader, laid out like e-mail files: sender and
 * recipients `part: "header"`, subject `part: "subject"`, body `part: "body"` by line; every
 * attachment (an embedded message too) a child item (`kind: attachment`).
 */
import { createRequire } from 'node:module';
import type * as msgreader from '@kenjiuno/msgreader';
import { attachmentChild, bodyLines, htmlBody } from './eml.js';
import type { Extracted } from './types.js';
import { ExtractError } from './types.js';

const require = createRequire(import.meta.url);

/** Name and address once each: Outlook often stores the same address as both e-mail and SMTP address. */
function addressText(...parts: (string | undefined)[]): string {
  return [...new Set(parts.filter((p): p is string => Boolean(p)))].join(' ');
}

export async function* extractMsg(bytes: Uint8Array): AsyncGenerator<Extracted> {
  // CommonJS with `exports.default = MsgReader` (an ESM default import would get the exports object); loaded on first use.
  const MsgReader: typeof msgreader.default.default = require('@kenjiuno/msgreader').default;
  const copy = bytes.slice();
  const reader = new MsgReader(copy.buffer as ArrayBuffer);
  const data = reader.getFileData();
  if (data.error) throw new ExtractError('corrupt', 'the Outlook message could not be read; it may be damaged');
  const sender = addressText(data.senderName, data.senderEmail, data.senderSmtpAddress);
  if (sender) yield { segment: { text: sender, where: { part: 'header' }, context: 'From' } };
  for (const recipient of data.recipients ?? []) {
    const text = addressText(recipient.name, recipient.email, recipient.smtpAddress);
    if (text) yield { segment: { text, where: { part: 'header' }, context: recipient.recipType ?? 'To' } };
  }
  if (data.subject) yield { segment: { text: data.subject, where: { part: 'subject' }, context: 'Subject' } };
  if (data.body) yield* bodyLines(data.body);
  else if (data.bodyHtml) yield* htmlBody(data.bodyHtml);
  const names = new Set<string>();
  for (const [i, attachment] of (data.attachments ?? []).entries()) {
    const file = reader.getAttachment(attachment);
    const fallback = attachment.innerMsgContent ? `attachment-${i + 1}.msg` : `attachment-${i + 1}`;
    yield { child: attachmentChild(file.fileName || fallback, file.content, names) };
  }
}
