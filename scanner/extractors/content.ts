/** ItemContent over a file (read lazily, streamed) or over bytes already in memory (archive entries, mail attachments). */
import { createReadStream } from 'node:fs';
import { open, readFile } from 'node:fs/promises';
import type { ItemContent } from './types.js';

export const HEAD_BYTES = 8192;
const CHUNK = 1024 * 1024;

export async function fileContent(path: Buffer, name: string, size: number): Promise<ItemContent> {
  const handle = await open(path, 'r');
  let head: Uint8Array;
  try {
    // The head is read whole whatever the listed size, so a short read says the file ended in it.
    const buffer = Buffer.alloc(HEAD_BYTES);
    const { bytesRead } = await handle.read(buffer, 0, buffer.length, 0);
    head = buffer.subarray(0, bytesRead);
  } finally {
    await handle.close();
  }
  // A small file is all in its head: served from memory, not opened again. Most files on a share
  // are small, and a read stream allocates its whole chunk size for every read, however short.
  if (head.length < HEAD_BYTES) return memoryContent(head, name);
  return {
    name,
    size,
    head,
    chunks: () => createReadStream(path, { highWaterMark: Math.min(CHUNK, Math.max(size, HEAD_BYTES)) }) as AsyncIterable<Buffer>,
    bytes: () => readFile(path),
  };
}

export function memoryContent(bytes: Uint8Array, name: string): ItemContent {
  return {
    name,
    size: bytes.length,
    head: bytes.subarray(0, HEAD_BYTES),
    async *chunks() {
      for (let i = 0; i < bytes.length; i += CHUNK) yield bytes.subarray(i, i + CHUNK);
    },
    bytes: async () => bytes,
  };
}

/** Content that is listed but not read (an encrypted archive entry): its name and size, no bytes. */
export function unreadContent(name: string, size: number): ItemContent {
  const empty = new Uint8Array(0);
  return {
    name,
    size,
    head: empty,
    async *chunks() {},
    bytes: async () => empty,
  };
}
