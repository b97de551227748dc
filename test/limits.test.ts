/**
 * An item that hangs or blows its memory ends as an item error; the worker is replaced and the
 * items after it are still scanned. The input is 20 MB with 1.6 million e-mail addresses: too
 * slow for a one-second limit and too big for a 32 MB heap on any machine.
 */
import { mkdir, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { readReport, runCli, tempDir } from './helpers.js';

let dir: string;
let cleanup: () => Promise<void>;

beforeAll(async () => {
  ({ dir, cleanup } = await tempDir('limits'));
  await mkdir(join(dir, 'share'));
  await writeFile(join(dir, 'share/a-dense.txt'), 'x@example.nl '.repeat(1_600_000));
  await writeFile(join(dir, 'share/b-fine.txt'), 'mail fine@example.nl\n');
  await writeFile(join(dir, 'share/c-fine.txt'), 'mail also.fine@example.nl\n');
});
afterAll(() => cleanup());

async function scanWith(flags: string[], out: string) {
  const run = await runCli(['scan', join(dir, 'share'), '--out', join(dir, out), '--workers', '1', ...flags], {
    env: { INZAGE_STATE_DIR: join(dir, `state-${out}`) },
  });
  expect(run.code, run.stderr).toBe(0);
  return readReport(join(dir, out));
}

describe('per-item limits', () => {
  it('ends an item that needs more than --worker-memory as too-large and goes on', async () => {
    const report = await scanWith(['--worker-memory', '32'], 'out-memory');
    expect(report.items.map((i) => [i.path, i.error?.code ?? null, i.findings.length])).toEqual([
      ['a-dense.txt', 'too-large', 0],
      ['b-fine.txt', null, 1],
      ['c-fine.txt', null, 1],
    ]);
  });

  it('ends an item that takes longer than --timeout as timeout, keeps what it found, and goes on', async () => {
    const report = await scanWith(['--timeout', '1'], 'out-timeout');
    const [dense, ...rest] = report.items;
    expect(dense?.path).toBe('a-dense.txt');
    expect(dense?.error?.code).toBe('timeout');
    // Stopped between two pieces of the file: what was read is reported, not all 1.6 million.
    expect(dense?.findings.length).toBeGreaterThan(0);
    expect(dense?.findings.length).toBeLessThan(1_600_000);
    expect(rest.map((i) => [i.path, i.error?.code ?? null, i.findings.length])).toEqual([
      ['b-fine.txt', null, 1],
      ['c-fine.txt', null, 1],
    ]);
  });
});
