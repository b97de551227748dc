/** ItemContent over a file (read lazily, streamed) or over bytes already in memory (archive entries, mail attachments). */
import { closeSync, createReadStream, openSync, readSync } from 'node:fs';
import { readFile } from 'node:fs/promises';
import type { ItemContent } from './types.js';

export const HEAD_BYTES = 8192;
const CHUNK = 1024 * 1024;

/** Files up to this size are read whole at once and served from memory; larger ones are streamed. */
const WHOLE_MAX = 1024 * 1024;

/**
 * Reads synchronously: it runs in a worker thread that has nothing else to do meanwhile, and each
 * asynchronous open, read and close is a round trip through libuv's small thread pool, shared with
 * the main thread's crawl and the other workers; for the many small files of a share those waits
 * cost more than the reading. A worker stuck on a hung mount is ended by the item's hard time limit.
 */
export async function fileContent(path: Buffer, name: string, size: number): Promise<ItemContent> {
  const fd = openSync(path, 'r');
  let whole: Buffer | undefined;
  let head: Uint8Array;
  try {
    // The head is read whole whatever the listed size, so a short read says the file ended in it.
    // Room for a small file whole (and one byte more, to see it did not grow); a big one needs its head only.
    const buffer = Buffer.alloc(size <= WHOLE_MAX ? Math.max(HEAD_BYTES, size + 1) : HEAD_BYTES);
    let read = readFully(fd, buffer, 0, HEAD_BYTES);
    // A file that fits is read to its end in one go, so it is opened once (a read past the listed
    // size shows it grew, and then it is streamed like a big file).
    if (read === HEAD_BYTES && size <= WHOLE_MAX) {
      read += readFully(fd, buffer, read, buffer.length - read);
      if (read < buffer.length) whole = buffer.subarray(0, read);
    }
    head = buffer.subarray(0, Math.min(read, HEAD_BYTES));
    // A small file is all in its head: served from memory, not opened again. Most files on a share
    // are small, and a read stream allocates its whole chunk size for every read, however short.
    if (read < HEAD_BYTES) whole = buffer.subarray(0, read);
  } finally {
    closeSync(fd);
  }
  if (whole) return memoryContent(whole, name);
  return {
    name,
    size,
    head,
    chunks: () => createReadStream(path, { highWaterMark: Math.min(CHUNK, Math.max(size, HEAD_BYTES)) }) as AsyncIterable<Buffer>,
    bytes: () => readFile(path),
  };
}

/** Reads into `buffer` from `offset` until `length` bytes or the end of the file; returns the bytes read. */
function readFully(fd: number, buffer: Buffer, offset: number, length: number): number {
  let done = 0;
  while (done < length) {
    const n = readSync(fd, buffer, offset + done, length - done, offset + done);
    if (n === 0) break;
    done += n;
  }
  return done;
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
