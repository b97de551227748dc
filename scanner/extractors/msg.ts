/**
 * Outlook messages (.msg) through @kenjiuno/msgreader, laid out like e-mail files: sender and
 * recipients `part: "header"`, subject `part: "subject"`, body `part: "body"` by line; every
 * attachment (an embedded message too) a child item (`kind: attachment`).
 */
import { createRequire } from 'node:module';
import type * as msgreader from '@kenjiuno/msgreader';
import { attachmentChild, bodyLines } from './eml.js';
import type { ExtractContext, Extracted } from './types.js';
import { ExtractError } from './types.js';

const require = createRequire(import.meta.url);

export async function* extractMsg(bytes: Uint8Array, _context: ExtractContext): AsyncGenerator<Extracted> {
  // CommonJS with `exports.default = MsgReader` (an ESM default import would get the exports object); loaded on first use.
  const MsgReader: typeof msgreader.default.default = require('@kenjiuno/msgreader').default;
  const copy = bytes.slice();
  const reader = new MsgReader(copy.buffer as ArrayBuffer);
  const data = reader.getFileData();
  if (data.error) throw new ExtractError('corrupt', 'the Outlook message could not be read; it may be damaged');
  const sender = [data.senderName, data.senderEmail, data.senderSmtpAddress].filter(Boolean).join(' ');
  if (sender) yield { segment: { text: sender, where: { part: 'header' }, context: 'From' } };
  for (const recipient of data.recipients ?? []) {
    const text = [recipient.name, recipient.email, recipient.smtpAddress].filter(Boolean).join(' ');
    if (text) yield { segment: { text, where: { part: 'header' }, context: recipient.recipType ?? 'To' } };
  }
  if (data.subject) yield { segment: { text: data.subject, where: { part: 'subject' }, context: 'Subject' } };
  if (data.body) yield* bodyLines(data.body);
  const names = new Set<string>();
  for (const [i, attachment] of (data.attachments ?? []).entries()) {
    const file = reader.getAttachment(attachment);
    const fallback = attachment.innerMsgContent ? `attachment-${i + 1}.msg` : `attachment-${i + 1}`;
    yield { child: attachmentChild(file.fileName || fallback, file.content, names) };
  }
}
