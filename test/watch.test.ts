/**
 * Watch mode keeps the state current: a burst of 1,000 files written at once and a folder renamed
 * under it end in the state as they are on disk, with one line per item whose findings changed.
 */
import { type ChildProcess, spawn } from 'node:child_process';
import { mkdir, rename, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { CLI, readReport, runCli, tempDir } from './helpers.js';

let dir: string;
let cleanup: () => Promise<void>;
let child: ChildProcess;
let stdout = '';
let stderr = '';
const env = () => ({ ...process.env, INZAGE_STATE_DIR: join(dir, 'state') });

function waitFor(check: () => boolean, what: string, ms = 90_000): Promise<void> {
  return new Promise((resolve, reject) => {
    const started = Date.now();
    const tick = () => {
      if (check()) resolve();
      else if (Date.now() - started > ms)
        reject(new Error(`timed out waiting for ${what}; stdout had ${stdout.split('\n').length} lines; stderr: ${stderr.slice(-500)}`));
      else setTimeout(tick, 100);
    };
    tick();
  });
}
const lines = () => stdout.split('\n').filter(Boolean);

beforeAll(async () => {
  ({ dir, cleanup } = await tempDir('watch'));
  await mkdir(join(dir, 'share'));
  await writeFile(join(dir, 'share/start.txt'), 'mail start@example.nl\n');
  child = spawn(process.execPath, [CLI, 'watch', join(dir, 'share'), '--debounce', '200'], { env: env(), stdio: ['ignore', 'pipe', 'pipe'] });
  child.stdout?.on('data', (d) => {
    stdout += d;
  });
  child.stderr?.on('data', (d) => {
    stderr += d;
  });
  await waitFor(() => stderr.includes('Watching'), 'the watcher to start');
});

afterAll(async () => {
  if (child.exitCode === null) child.kill('SIGKILL');
  await cleanup();
});

describe('inzage watch', () => {
  it('picks up a burst of 1,000 files written at once', async () => {
    await mkdir(join(dir, 'share/burst'));
    await Promise.all(Array.from({ length: 1000 }, (_, i) => writeFile(join(dir, `share/burst/f${i}.txt`), `contact: persoon${i}@example.nl\n`)));
    await waitFor(() => lines().filter((l) => l.startsWith('burst/')).length >= 1000, '1,000 lines');
    const burst = lines().filter((l) => l.startsWith('burst/'));
    expect(burst).toHaveLength(1000);
    expect(burst[0]).toMatch(/^burst\/f\d+\.txt: 1 finding \(\+1 −0: email\)$/);
  });

  it('follows a folder renamed under it', async () => {
    stdout = '';
    await rename(join(dir, 'share/burst'), join(dir, 'share/renamed'));
    await waitFor(() => lines().filter((l) => l.startsWith('renamed/')).length >= 1000 && lines().some((l) => l.startsWith('burst')), 'the rename');
  });

  it('stops cleanly on SIGTERM and leaves the state as the disk is', async () => {
    child.kill('SIGTERM');
    await waitFor(() => child.exitCode !== null, 'exit');
    expect(child.exitCode).toBe(0);
    const run = await runCli(['report', '--out', join(dir, 'out')], { env: { INZAGE_STATE_DIR: join(dir, 'state') } });
    expect(run.code, run.stderr).toBe(0);
    const report = await readReport(join(dir, 'out'));
    expect(report.items.filter((i) => i.path.startsWith('renamed/')).length).toBe(1000);
    expect(report.items.filter((i) => i.path.startsWith('burst/'))).toEqual([]);
    expect(report.items.find((i) => i.path === 'start.txt')?.findings).toHaveLength(1);
  });
});
