/**
 * A mail message as Microsoft Graph returns it, repacked by the M365 source as JSON with its
 * attachments inlined (GraphMessageDoc). Text comes out as parts: `subject`, `header` (from, to,
 * cc, reply-to), `body` (HTML turned to visible text, by line). File attachments and attached
 * messages become children that go through the extractors again; a reference attachment (a link
 * to a file in OneDrive or SharePoint) becomes a child holding only its name and link.
 */

import type { ErrorCode } from '../model.js';
import { memoryContent } from './content.js';
import { extractHtml } from './html.js';
import { ExtractError, type Extracted, type Extractor, type ItemContent, segmentsOf } from './types.js';

export const GRAPH_MESSAGE_TYPE = 'application/vnd.inzage.graph-message+json';
/** The name suffix the source gives a message, so media-type detection picks this extractor. */
export const GRAPH_MESSAGE_EXTENSION = 'inzage-graph-message';

export interface GraphRecipient {
  emailAddress?: { name?: string; address?: string };
}

export interface GraphMessageDoc {
  subject?: string | null;
  body?: { contentType?: string; content?: string } | null;
  from?: GraphRecipient | null;
  toRecipients?: GraphRecipient[];
  ccRecipients?: GraphRecipient[];
  replyTo?: GraphRecipient[];
  attachments?: GraphAttachmentDoc[];
}

export type GraphAttachmentDoc =
  | { type: 'file'; name: string; contentType?: string; contentBase64: string }
  | { type: 'item'; name: string; message: GraphMessageDoc }
  | { type: 'reference'; name: string; sourceUrl?: string }
  /** An attachment the source did not fetch (too large, unknown type); listed with this error, the message is still scanned. */
  | { type: 'missing'; name: string; size?: number; code: ErrorCode; reason: string };

const HEADERS: [keyof GraphMessageDoc, string][] = [
  ['from', 'From'],
  ['toRecipients', 'To'],
  ['ccRecipients', 'Cc'],
  ['replyTo', 'Reply-To'],
];

export async function* extractGraphMessage(content: ItemContent): AsyncGenerator<Extracted> {
  let doc: GraphMessageDoc;
  try {
    doc = JSON.parse(new TextDecoder().decode(await content.bytes())) as GraphMessageDoc;
  } catch {
    throw new ExtractError('corrupt', 'the message data from Graph is not valid JSON');
  }
  if (doc.subject) yield { segment: { text: doc.subject, where: { part: 'subject' } } };
  for (const [field, label] of HEADERS) {
    const value = doc[field] as GraphRecipient | GraphRecipient[] | null | undefined;
    const list = (Array.isArray(value) ? value : value ? [value] : []).map(formatRecipient).filter(Boolean);
    if (list.length > 0) yield { segment: { text: `${label}: ${list.join(', ')}`, where: { part: 'header' } } };
  }
  yield* bodySegments(doc.body);

  const names = new Map<string, number>();
  for (const a of doc.attachments ?? []) {
    const entry = uniqueName(a.name || 'attachment', names);
    switch (a.type) {
      case 'file':
        yield { child: { kind: 'attachment', entry, content: memoryContent(Buffer.from(a.contentBase64, 'base64'), a.name || 'attachment') } };
        break;
      case 'item':
        yield { child: { kind: 'attachment', entry, content: memoryContent(Buffer.from(JSON.stringify(a.message)), `message.${GRAPH_MESSAGE_EXTENSION}`) } };
        break;
      case 'reference':
        // Only the link is known; the linked file is scanned where it lives (OneDrive/SharePoint).
        yield { child: { kind: 'attachment', entry, content: memoryContent(Buffer.from(`${a.name}\n${a.sourceUrl ?? ''}\n`), 'reference.txt') } };
        break;
      case 'missing':
        yield { child: { kind: 'attachment', entry, content: memoryContent(new Uint8Array(), a.name), error: { code: a.code, message: a.reason } } };
        break;
    }
  }
}

async function* bodySegments(body: GraphMessageDoc['body']): AsyncGenerator<Extracted> {
  const text = body?.content;
  if (!text) return;
  if ((body?.contentType ?? '').toLowerCase() === 'html') {
    for await (const part of extractHtml(memoryContent(Buffer.from(text), 'body.html'))) {
      for (const segment of segmentsOf(part)) yield { segment: { ...segment, where: { part: 'body', line: segment.where.line ?? 1 } } };
    }
    return;
  }
  const lines = text.split(/\r?\n/);
  for (let i = 0; i < lines.length; i++) {
    const line = (lines[i] as string).trim();
    if (line) yield { segment: { text: line, where: { part: 'body', line: i + 1 }, context: i > 0 ? (lines[i - 1] as string).slice(-80) : '' } };
  }
}

function formatRecipient(r: GraphRecipient): string {
  const name = r.emailAddress?.name?.trim();
  const address = r.emailAddress?.address?.trim();
  if (name && address && name !== address) return `${name} <${address}>`;
  return address ?? name ?? '';
}

/** Two attachments may share a name; entries must not (they key the child items). */
function uniqueName(name: string, seen: Map<string, number>): string {
  const n = (seen.get(name) ?? 0) + 1;
  seen.set(name, n);
  return n === 1 ? name : `${name} (${n})`;
}

export const graphMessageExtractor: Extractor = {
  id: 'graph-message',
  mediaTypes: [GRAPH_MESSAGE_TYPE],
  extensions: [GRAPH_MESSAGE_EXTENSION],
  extract: (content) => extractGraphMessage(content),
};
