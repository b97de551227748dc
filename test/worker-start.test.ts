/**
 * Regression test for a process abort at worker start on Node 20.19+ (fixed by
 * scanner/pipeline/worker-entry.cts, which says why it happened). piscina loaded the worker module with
 * `require()` first and fell back to `import()`; with a top-level await in the graph the two could
 * be under way at once, and V8 aborted the whole process ("v8::Module::IsGraphAsync must be used on
 * an instantiated module"): a scan that died by SIGABRT with no report, about once in sixty CLI runs.
 *
 * The abort is a race, most likely when a pool is shut down while its workers are still loading,
 * as after an unchanged rescan that needed no worker. One scan proves nothing: this runs many scans
 * and rescans of shares of different sizes, four at once as in a test run, each with two workers,
 * so that pools end at every moment of their workers' start, and asserts that no child was ended
 * by a signal. The race is rare on a quiet machine, so a first test checks its precondition
 * directly: piscina's `require()` of the pool's file must succeed on its own, without falling back
 * to `import()`. On the code before the fix that require threw ERR_REQUIRE_ASYNC_MODULE every time.
 */
import { execFileSync } from 'node:child_process';
import { mkdir, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { Piscina } from 'piscina';
import { afterAll, beforeAll, expect, it } from 'vitest';
import { WORKER_ENTRY } from '../dist/scanner/pipeline/scan.js';
import { type RunResult, runCli, tempDir } from './helpers.js';

let dir: string;
let cleanup: () => Promise<void>;
/** Files per share: the rescans of larger shares take longer, so their pools end later in the workers' start. */
const SHARE_SIZES = [1, 20, 60, 150];
const ROUNDS = 8;

beforeAll(async () => {
  ({ dir, cleanup } = await tempDir('worker-start'));
  for (const size of SHARE_SIZES) {
    const share = join(dir, `share-${size}`);
    await mkdir(share);
    for (let i = 0; i < size; i++) await writeFile(join(share, `f${i}.txt`), `Regel ${i}: mail j.jansen${i}@example.nl\n`);
  }
});
afterAll(() => cleanup());

it('gives the pool a worker file that require() loads by itself, so piscina never falls back to import()', () => {
  // In a worker thread, as piscina does; the handler must come from require() alone.
  const script = `
    const { Worker } = require('node:worker_threads');
    const w = new Worker(\`
      const { parentPort, workerData } = require('node:worker_threads');
      let loaded;
      try { loaded = require(workerData); }
      catch (e) { parentPort.postMessage(e.code || e.name); }
      // As piscina 5 does (TypeScript's __importStar, then the awaited default export).
      const ns = loaded && loaded.__esModule ? loaded : { default: loaded };
      if (loaded) Promise.resolve(typeof ns === 'function' ? ns : ns.default).then((h) => parentPort.postMessage(typeof h));\`, { eval: true, workerData: process.argv[1]});
    w.on('message', (m) => { console.log(m); process.exit(0); });`;
  const out = execFileSync(process.execPath, ['-e', script, fileURLToPath(WORKER_ENTRY)], { encoding: 'utf8' }).trim();
  expect(out).toBe('function');
});

it('scans an item in a pool built on that file', async () => {
  const pool = new Piscina({ filename: WORKER_ENTRY, minThreads: 1, maxThreads: 1, workerData: { key: '00'.repeat(32), minConfidence: 0.5, maxDepth: 5 } });
  try {
    const [item] = await pool.run({ bytes: new TextEncoder().encode('Mail j.jansen@example.nl\n'), name: 'a.txt', size: 25 });
    expect(item.error).toBeNull();
    expect(item.findings.map((f: { type: string }) => f.type)).toEqual(['email']);
  } finally {
    await pool.destroy();
  }
});

it('starts and stops worker pools many times without a process abort', { timeout: 600_000 }, async () => {
  const runs: RunResult[] = [];
  for (let round = 0; round < ROUNDS; round++) {
    const batch = await Promise.all(
      SHARE_SIZES.map((size) =>
        // The first round fills each state; the later ones are unchanged rescans, which end their pool at once.
        runCli(['scan', join(dir, `share-${size}`), '--out', join(dir, `out-${size}-${round}`), '--workers', '2', '--format', 'json'], {
          env: { INZAGE_STATE_DIR: join(dir, `state-${size}`) },
        }),
      ),
    );
    runs.push(...batch);
  }
  const failed = runs.filter((r) => r.signal !== null || r.code !== 0);
  // The first lines of stderr name the cause (V8's message for an abort).
  expect(failed.map((r) => `${r.signal ?? r.code}: ${r.stderr.slice(0, 600)}`)).toEqual([]);
  expect(runs).toHaveLength(ROUNDS * SHARE_SIZES.length);
});
