/** A file's content as the worker reads it: small files whole from memory, big or grown ones streamed, the same bytes either way. */
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { fileContent, HEAD_BYTES } from '../dist/scanner/extractors/content.js';

let dir: string;
beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), 'inzage-content-'));
});
afterAll(async () => {
  if (dir) await rm(dir, { recursive: true, force: true });
});

const bytesOf = (n: number) => Buffer.from(Array.from({ length: n }, (_, i) => 97 + (i % 26)));

async function readAll(path: string, size: number) {
  const content = await fileContent(Buffer.from(path), 'f.txt', size);
  const parts: Buffer[] = [];
  for await (const chunk of content.chunks()) parts.push(Buffer.from(chunk));
  return { content, all: Buffer.concat(parts) };
}

describe('fileContent', () => {
  it.each([
    ['an empty file', 0, 0],
    ['a file within its head', 100, 100],
    ['a file of exactly its head', HEAD_BYTES, HEAD_BYTES],
    ['a file past its head', 50_000, 50_000],
    ['a file bigger than is read whole', 1_300_000, 1_300_000],
    ['a file that grew since it was listed', 50_000, 20_000],
  ])('reads %s to its end', async (_, actual, listed) => {
    const path = join(dir, `f-${actual}-${listed}.txt`);
    const expected = bytesOf(actual);
    await writeFile(path, expected);
    const { content, all } = await readAll(path, listed);
    expect(all.equals(expected)).toBe(true);
    expect(Buffer.from(await content.bytes()).equals(expected)).toBe(true);
    expect(Buffer.from(content.head).equals(expected.subarray(0, HEAD_BYTES))).toBe(true);
  });
});
