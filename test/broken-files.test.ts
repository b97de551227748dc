/**
 * Broken files: every format fixture cut short at several points and with bytes flipped. The
 * scan (the built CLI) must finish with exit 0 and list every file exactly once; a file that
 * could not be read carries an error code naming why, never a crashed worker (`internal`).
 */
import { execFile } from 'node:child_process';
import { mkdir, mkdtemp, readdir, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join, relative } from 'node:path';
import { promisify } from 'node:util';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { generateFormatFixtures } from '../fixtures/formats.js';
import type { Report } from '../scanner/model.js';

const run = promisify(execFile);
const CLI = join(import.meta.dirname, '..', 'dist', 'scanner', 'commands', 'cli.js');
const READ_ERRORS = new Set(['corrupt', 'encrypted', 'no-text-layer', 'archive-limit', 'unsupported-format', 'too-large', 'empty', 'timeout']);

let dir: string;
let broken: string[];
let truncatedZips: string[];
let exitCode: number;
let report: Report;

async function filesUnder(root: string): Promise<string[]> {
  const entries = await readdir(root, { withFileTypes: true, recursive: true });
  return entries.filter((e) => e.isFile()).map((e) => join(e.parentPath, e.name));
}

/** A small deterministic generator, so a failure names the same bytes on every run. */
function seeded(seed: number): () => number {
  let state = seed;
  return () => {
    state = (state * 1103515245 + 12345) % 2 ** 31;
    return state / 2 ** 31;
  };
}

beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), 'inzage-broken-'));
  const fixtures = join(dir, 'fixtures');
  const share = join(dir, 'share');
  await generateFormatFixtures(fixtures, () => 0.5);
  await mkdir(share);
  broken = [];
  truncatedZips = [];
  const random = seeded(42);
  for (const file of await filesUnder(fixtures)) {
    const bytes = await readFile(file);
    const name = relative(fixtures, file).replaceAll('/', '_');
    const variants: [string, Buffer][] = [];
    for (const fraction of [0.1, 0.5, 0.9]) variants.push([`cut${fraction * 100}-${name}`, bytes.subarray(0, Math.floor(bytes.length * fraction))]);
    const flipped = Buffer.from(bytes);
    for (let k = 0; k < 12; k++) {
      const at = Math.floor(random() * flipped.length);
      flipped[at] = (flipped[at] as number) ^ 0xff;
    }
    variants.push([`flip-${name}`, flipped]);
    const head = Buffer.from(bytes);
    for (let at = 8; at < Math.min(head.length, 64); at += 5) head[at] = (head[at] as number) ^ 0x5a;
    variants.push([`head-${name}`, head]);
    for (const [variant, data] of variants) {
      await writeFile(join(share, variant), data);
      broken.push(variant);
      if (variant.startsWith('cut') && bytes.subarray(0, 4).equals(Buffer.from('PK\x03\x04', 'latin1'))) truncatedZips.push(variant);
    }
  }
  const out = join(dir, 'out');
  try {
    await run(process.execPath, [CLI, 'scan', share, '--out', out, '--no-progress', '--timeout', '60'], {
      env: { ...process.env, INZAGE_KEY_FILE: join(dir, 'key') },
    });
    exitCode = 0;
  } catch (err) {
    exitCode = (err as { code?: number }).code ?? -1;
  }
  report = JSON.parse(await readFile(join(out, 'report.json'), 'utf8')) as Report;
}, 300_000);

afterAll(async () => {
  if (dir) await rm(dir, { recursive: true, force: true });
});

describe('broken files', () => {
  it('scans to the end with exit 0', () => {
    expect(exitCode).toBe(0);
    expect(broken.length).toBeGreaterThan(100);
  });

  it('lists every broken file exactly once', () => {
    const topLevel = report.items.filter((i) => i.entry === undefined).map((i) => i.path);
    expect(topLevel.sort()).toEqual([...broken].sort());
  });

  it('gives every unreadable item an error code that says why, and none a crashed worker', () => {
    for (const item of report.items) {
      if (item.error) expect(READ_ERRORS, `${item.path} ${item.entry ?? ''}: ${item.error.code} ${item.error.message}`).toContain(item.error.code);
    }
  });

  it('reports a zip-based file cut short as unreadable', () => {
    expect(truncatedZips.length).toBeGreaterThan(10);
    for (const path of truncatedZips) {
      const item = report.items.find((i) => i.path === path && i.entry === undefined);
      expect(item?.error?.code, path).toBe('corrupt');
    }
  });
});
