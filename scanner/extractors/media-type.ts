/**
 * Media type by magic bytes first (file-type), extension second, content third: a Word file
 * renamed to .txt is still a Word file, and a .txt full of binary is not text.
 */
import { fileTypeFromBuffer } from 'file-type';
import { looksLikeText, sniffEncoding } from './decode.js';
import { mediaTypeForExtension, refineContainerType } from './index.js';

export const BINARY = 'application/octet-stream';

export function extensionOf(name: string): string {
  const dot = name.lastIndexOf('.');
  return dot > 0 ? name.slice(dot + 1).toLowerCase() : '';
}

export async function detectMediaType(head: Uint8Array, name: string): Promise<string> {
  // A byte-order mark or UTF-16 zero pattern means text; file-type would read FF FE as an MPEG frame.
  const magic = sniffEncoding(head) ? undefined : await fileTypeFromBuffer(head).catch(() => undefined);
  if (magic) {
    const refined = refineContainerType(magic.mime, extensionOf(name));
    return refined === 'application/zip' ? (officePackageInHead(head) ?? refined) : refined;
  }
  const textual = looksLikeText(head);
  const byExtension = mediaTypeForExtension(extensionOf(name));
  if (byExtension && textual) return byExtension;
  if (textual) {
    const start = new TextDecoder('utf-8', { fatal: false }).decode(head.subarray(0, 512)).trimStart().toLowerCase();
    if (start.startsWith('<!doctype html') || start.startsWith('<html')) return 'text/html';
    if (start.startsWith('<?xml')) return 'application/xml';
    const mail = mailType(new TextDecoder('utf-8', { fatal: false }).decode(head.subarray(0, 4096)));
    if (mail) return mail;
    return 'text/plain';
  }
  return BINARY;
}

const MAIL_HEADERS = /^(from|to|date|subject|message-id|mime-version|received|return-path|delivered-to|content-type):/gim;

/**
 * A saved e-mail or mailbox without a telling name (an attachment called `bericht`, Thunderbird's
 * `Inbox`): its first lines are mail headers, at least three of the usual ones.
 */
function mailType(start: string): string | undefined {
  const mbox = /^From \S+/.test(start);
  const headerBlock = (mbox ? start.slice(start.indexOf('\n') + 1) : start).split(/\r?\n\r?\n/)[0] ?? '';
  if (!/^[A-Za-z][A-Za-z0-9-]*:/.test(headerBlock)) return undefined;
  const names = new Set((headerBlock.match(MAIL_HEADERS) ?? []).map((h) => h.toLowerCase()));
  if (names.size < 3) return undefined;
  return mbox ? 'application/mbox' : 'message/rfc822';
}

const PACKAGE_PARTS: [string, string][] = [
  ['word/document.xml', 'application/vnd.openxmlformats-officedocument.wordprocessingml.document'],
  ['xl/workbook.xml', 'application/vnd.openxmlformats-officedocument.spreadsheetml.sheet'],
  ['xl/workbook.bin', 'application/vnd.ms-excel.sheet.binary.macroenabled.12'],
  ['ppt/presentation.xml', 'application/vnd.openxmlformats-officedocument.presentationml.presentation'],
  ['visio/document.xml', 'application/vnd.ms-visio.drawing.main+xml'],
];

/**
 * An Office file without a telling name: the names of its first parts stand in the zip's local
 * headers, in the head. (The zip extractor checks the central directory as well, so a package
 * whose telling part lies past the head is still read as what it is.)
 */
function officePackageInHead(head: Uint8Array): string | undefined {
  const text = Buffer.from(head.buffer, head.byteOffset, head.byteLength).toString('latin1');
  return PACKAGE_PARTS.find(([part]) => text.includes(part))?.[1];
}
