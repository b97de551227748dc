/**
 * The odd files of a real share: each ends as an item with the right error (or none, where the
 * file is fine), the scan finishes with exit 0, and every item appears exactly once.
 * Runs the CLI without the root capabilities that bypass file modes, so permission errors are real.
 */
import { execFileSync } from 'node:child_process';
import { chmod, mkdir, symlink, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { seededRandom } from '../fixtures/random.js';
import type { Report, ReportItem } from '../scanner/model.js';
import { type RunResult, readReport, runCli, tempDir } from './helpers.js';

let dir: string;
let cleanup: () => Promise<void>;
let run: RunResult;
let report: Report;
const BIG_LINE_BYTES = 50 * 1024 * 1024;

function item(path: string): ReportItem {
  const found = report.items.filter((i) => i.path === path);
  expect(found, `${path} listed once`).toHaveLength(1);
  return found[0] as ReportItem;
}

beforeAll(async () => {
  ({ dir, cleanup } = await tempDir('bad'));
  const share = join(dir, 'share');
  await mkdir(join(share, 'locked-folder'), { recursive: true });
  await writeFile(join(share, 'locked-folder', 'inside.txt'), 'mail jan@example.nl');
  await chmod(join(share, 'locked-folder'), 0o000);
  await writeFile(join(share, 'unreadable.txt'), 'BSN 111222333');
  await chmod(join(share, 'unreadable.txt'), 0o000);
  await mkdir(join(share, 'loop'));
  await symlink('..', join(share, 'loop', 'back-to-top'));
  await symlink('does-not-exist.txt', join(share, 'dangling-link'));
  execFileSync('mkfifo', [join(share, 'pipe.fifo')]);
  await writeFile(
    Buffer.concat([Buffer.from(`${share}/`), Buffer.from([0x6e, 0x61, 0x61, 0x6d, 0xff, 0xfe, 0x2e, 0x74, 0x78, 0x74])]),
    'Mail: broken.name@example.nl',
  );
  await writeFile(join(share, 'empty.txt'), '');
  const random = seededRandom(7);
  const garbage = Buffer.alloc(64 * 1024);
  for (let i = 0; i < garbage.length; i++) garbage[i] = Math.floor(random() * 256);
  await writeFile(join(share, 'garbage.txt'), garbage);
  await writeFile(join(share, 'one-long-line.log'), hostileLine());
  await writeFile(join(share, 'fine.txt'), 'IBAN NL91 ABNA 0417 1643 00\n');
  await mkdir(join(dir, 'out'), { mode: 0o777 });
  run = await runCli(['scan', share, '--out', join(dir, 'out'), '--follow-symlinks'], { unprivileged: true, env: { INZAGE_STATE_DIR: join(dir, 'state') } });
  report = await readReport(join(dir, 'out'));
}, 300_000);

afterAll(async () => {
  await chmod(join(dir, 'share', 'locked-folder'), 0o755).catch(() => undefined);
  await cleanup();
});

/**
 * 50 MB without a line break: long runs of letters, digits, dotted and spaced digits, the inputs
 * on which a careless pattern backtracks; with two addresses planted, one deep in the middle.
 */
function hostileLine(): Buffer {
  const parts = ['a'.repeat(1 << 20), '1'.repeat(1 << 20), '1.'.repeat(1 << 19), '0 '.repeat(1 << 19), 'ab1-'.repeat(1 << 18), 'x@'.repeat(1 << 19)];
  let text = ' first.planted@example.nl ';
  let i = 0;
  while (text.length < BIG_LINE_BYTES / 2) text += parts[i++ % parts.length];
  text += ' middle.planted@example.nl ';
  while (text.length < BIG_LINE_BYTES) text += parts[i++ % parts.length];
  return Buffer.from(text.slice(0, BIG_LINE_BYTES));
}

describe('a share full of odd files', () => {
  it('finishes with exit 0', () => {
    expect(run.code, run.stderr).toBe(0);
  });

  it('reports a file it may not read as permission-denied', () => {
    expect(item('unreadable.txt').error?.code).toBe('permission-denied');
  });

  it('reports a folder it may not list as permission-denied', () => {
    const folder = item('locked-folder');
    expect(folder.kind).toBe('folder');
    expect(folder.error?.code).toBe('permission-denied');
  });

  it('does not loop on a symlink cycle when following links', () => {
    expect(item('loop/back-to-top').error?.code).toBe('symlink-loop');
  });

  it('reports a dangling link as not-found', () => {
    expect(item('dangling-link').error?.code).toBe('not-found');
  });

  it('skips a FIFO without blocking on it', () => {
    expect(item('pipe.fifo').error?.code).toBe('not-regular-file');
  });

  it('scans a file whose name is not valid UTF-8, keeping its exact bytes in the uri', () => {
    const broken = report.items.find((i) => i.path.startsWith('naam'));
    expect(broken?.path).toBe('naam\uFFFD\uFFFD.txt');
    expect(broken?.uri.endsWith('/naam%FF%FE.txt')).toBe(true);
    expect(broken?.error).toBeNull();
    expect(broken?.findings.map((f) => f.type)).toEqual(['email']);
  });

  it('marks an empty file as empty', () => {
    expect(item('empty.txt').error?.code).toBe('empty');
  });

  it('marks binary garbage named .txt as unsupported, not as text', () => {
    const garbage = item('garbage.txt');
    expect(garbage.error?.code).toBe('unsupported-format');
    expect(garbage.findings).toEqual([]);
  });

  it('reads a 50 MB single line and finds what is planted in it', () => {
    const big = item('one-long-line.log');
    expect(big.error).toBeNull();
    expect(big.size).toBe(BIG_LINE_BYTES);
    const masked = big.findings.filter((f) => f.type === 'email').map((f) => f.masked);
    expect(masked).toContain('f***@example.nl');
    expect(masked).toContain('m***@example.nl');
  });

  it('still scans the ordinary file beside them', () => {
    expect(item('fine.txt').findings.map((f) => f.type)).toEqual(['iban']);
  });

  it('counts errors and skipped items in the stats', () => {
    expect(report.stats.errors).toBe(4);
    expect(report.stats.skipped).toBe(3);
    expect(report.stats.byErrorCode).toMatchObject({
      'permission-denied': 2,
      'symlink-loop': 1,
      'not-found': 1,
      empty: 1,
      'not-regular-file': 1,
      'unsupported-format': 1,
    });
  });
});
