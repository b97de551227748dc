/**
 * Crash safety: a scan killed with SIGKILL at several moments, then run again, ends with every
 * item present exactly once and exactly the findings a clean scan finds: none lost, none doubled.
 *
 * The moments are counted in items stored, read from the state file as the scan writes it, not in
 * milliseconds: on a loaded machine a scan may store nothing in its first seconds, and a kill timed
 * by the clock then proves nothing about resuming (and failed the "work was kept" check at random).
 */
import { spawn } from 'node:child_process';
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import Database from 'better-sqlite3';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { writeTextShare } from '../bench/text-share.js';
import type { Report } from '../scanner/model.js';
import { CLI, findingKey, readReport, runCli, tempDir } from './helpers.js';

let dir: string;
let cleanup: () => Promise<void>;

beforeAll(async () => {
  ({ dir, cleanup } = await tempDir('crash'));
  // 1,500 small files: enough items for kills at five counts, few enough findings that the seven
  // scans this test runs stay well inside its time limit on a loaded 2-core machine.
  await writeTextShare(join(dir, 'share'), 1500 * 1024, 1024);
});
afterAll(() => cleanup());

const inventory = (r: Report) =>
  r.items.map((i) => `${i.path}|${i.entry ?? ''}|${i.error?.code ?? ''}|${i.findings.map((f) => `${findingKey(f)}:${f.hash}`).join(',')}`).sort();

/** Items the scan has stored so far (0 before the state file exists), read as any reader would. */
function storedItems(stateDir: string): number {
  const file = join(stateDir, 'state.db');
  if (!existsSync(file)) return 0;
  try {
    const db = new Database(file, { readonly: true, fileMustExist: true });
    try {
      return (db.prepare('SELECT count(*) AS n FROM items').get() as { n: number }).n;
    } finally {
      db.close();
    }
  } catch {
    // Created but not yet migrated: nothing stored.
    return 0;
  }
}

/** Runs a scan and kills it with SIGKILL once it has stored `items` items (0: as soon as it started). */
function killWhenStored(items: number, stateDir: string): Promise<NodeJS.Signals | null> {
  return new Promise((resolve) => {
    const child = spawn(process.execPath, [CLI, 'scan', join(dir, 'share'), '--out', join(dir, 'out-killed')], {
      env: { ...process.env, INZAGE_STATE_DIR: stateDir, INZAGE_KEY_FILE: join(dir, 'key') },
      stdio: 'ignore',
    });
    const poll = setInterval(() => {
      if (storedItems(stateDir) >= items) child.kill('SIGKILL');
    }, 10);
    child.on('exit', (_code, signal) => {
      clearInterval(poll);
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
    // Each run resumes the one before, so the counts rise: a kill at start, then ever later in the share.
    for (const items of [0, 1, 300, 700, 1100]) {
      if ((await killWhenStored(items, state)) === 'SIGKILL') killed++;
    }
    // Every one of them is killed before it can finish (the share has more items than the last count);
    // the same key makes hashes comparable.
    expect(killed).toBe(5);
    const resumed = await runCli(['scan', join(dir, 'share'), '--out', join(dir, 'out-resumed')], {
      env: { INZAGE_STATE_DIR: state, INZAGE_KEY_FILE: join(dir, 'key') },
    });
    expect(resumed.code, resumed.stderr).toBe(0);
    const report = await readReport(join(dir, 'out-resumed'));
    expect(inventory(report)).toEqual(truth);
    expect(new Set(report.items.map((i) => i.path)).size).toBe(report.items.length);
    // Work finished before the kills was kept, not redone.
    expect(report.stats.reused).toBeGreaterThan(0);
  }, 240_000);
});
