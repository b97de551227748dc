/**
 * Crash safety: a scan killed with SIGKILL at several moments, then run again, ends with every
 * item present exactly once and exactly the findings a clean scan finds: none lost, none doubled.
 */
import { spawn } from 'node:child_process';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { writeTextShare } from '../bench/text-share.js';
import type { Report } from '../scanner/model.js';
import { CLI, findingKey, readReport, runCli, tempDir } from './helpers.js';

let dir: string;
let cleanup: () => Promise<void>;

beforeAll(async () => {
  ({ dir, cleanup } = await tempDir('crash'));
  await writeTextShare(join(dir, 'share'), 6 * 1024 * 1024, 4 * 1024);
});
afterAll(() => cleanup());

const inventory = (r: Report) =>
  r.items.map((i) => `${i.path}|${i.entry ?? ''}|${i.error?.code ?? ''}|${i.findings.map((f) => `${findingKey(f)}:${f.hash}`).join(',')}`).sort();

function killAfter(ms: number, stateDir: string): Promise<NodeJS.Signals | null> {
  return new Promise((resolve) => {
    const child = spawn(process.execPath, [CLI, 'scan', join(dir, 'share'), '--out', join(dir, 'out-killed')], {
      env: { ...process.env, INZAGE_STATE_DIR: stateDir, INZAGE_KEY_FILE: join(dir, 'key') },
      stdio: 'ignore',
    });
    const timer = setTimeout(() => child.kill('SIGKILL'), ms);
    child.on('exit', (_code, signal) => {
      clearTimeout(timer);
      resolve(signal);
    });
  });
}

describe('a scan killed with SIGKILL', () => {
  it('resumes to the same result as a clean scan, whenever it was killed', async () => {
    const clean = await runCli(['scan', join(dir, 'share'), '--out', join(dir, 'out-clean')], {
      env: { INZAGE_STATE_DIR: join(dir, 'state-clean'), INZAGE_KEY_FILE: join(dir, 'key') },
    });
    expect(clean.code, clean.stderr).toBe(0);
    const truth = inventory(await readReport(join(dir, 'out-clean')));
    expect(truth.length).toBeGreaterThan(1000);

    const state = join(dir, 'state-killed');
    let killed = 0;
    for (const ms of [250, 600, 1000, 1600, 2500]) {
      if ((await killAfter(ms, state)) === 'SIGKILL') killed++;
    }
    // At least the early kills land mid-scan on any machine; the same key makes hashes comparable.
    expect(killed).toBeGreaterThan(0);
    const resumed = await runCli(['scan', join(dir, 'share'), '--out', join(dir, 'out-resumed')], {
      env: { INZAGE_STATE_DIR: state, INZAGE_KEY_FILE: join(dir, 'key') },
    });
    expect(resumed.code, resumed.stderr).toBe(0);
    const report = await readReport(join(dir, 'out-resumed'));
    expect(inventory(report)).toEqual(truth);
    expect(new Set(report.items.map((i) => i.path)).size).toBe(report.items.length);
    // Work finished before the kills was kept, not redone.
    expect(report.stats.reused).toBeGreaterThan(0);
  });
});
