/**
 * Media type by magic bytes first (file-type), extension second, content third: a Word file
 * renamed to .txt is still a Word file, and a .txt full of binary is not text.
 */
import { fileTypeFromBuffer } from 'file-type';
import { looksLikeText, sniffEncoding } from './extractors/decode.js';
import { mediaTypeForExtension } from './extractors/index.js';

export const BINARY = 'application/octet-stream';

export function extensionOf(name: string): string {
  const dot = name.lastIndexOf('.');
  return dot > 0 ? name.slice(dot + 1).toLowerCase() : '';
}

export async function detectMediaType(head: Uint8Array, name: string): Promise<string> {
  // A byte-order mark or UTF-16 zero pattern means text; file-type would read FF FE as an MPEG frame.
  const magic = sniffEncoding(head) ? undefined : await fileTypeFromBuffer(head).catch(() => undefined);
  if (magic) return magic.mime;
  const textual = looksLikeText(head);
  const byExtension = mediaTypeForExtension(extensionOf(name));
  if (byExtension && textual) return byExtension;
  if (textual) {
    const start = new TextDecoder('utf-8', { fatal: false }).decode(head.subarray(0, 512)).trimStart().toLowerCase();
    if (start.startsWith('<!doctype html') || start.startsWith('<html')) return 'text/html';
    if (start.startsWith('<?xml')) return 'application/xml';
    return 'text/plain';
  }
  return BINARY;
}
