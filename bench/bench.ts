/**
 * `npm run bench [-- --size 200MB --dense 50MB --office 2 --keep]`: speed goals live here, not in tests.
 *   1. Side by side with ripgrep: a dense share (letters, exports and logs, about 17 personal values
 *      per KB, in files of about 5 KB) scanned on all cores, and ripgrep with 14 patterns for the
 *      same types over the same files on all cores; the ratio of their throughputs. Then clean
 *      text (office prose, no personal data) with one worker: MB/s per core.
 *   2. A share of text files scanned with one worker and with all cores: files/s, MB/s, peak RSS.
 *   3. An incremental rescan of many small files.
 *   Between 1 and 2: an office share against the floor of bare parsers plus ripgrep, and its
 *   unchanged rescan (bench/office.ts; `--office N` sets its scale, default 2).
 */
import { execFileSync } from 'node:child_process';
import { mkdtemp, rm } from 'node:fs/promises';
import { availableParallelism, tmpdir } from 'node:os';
import { join } from 'node:path';
import { parseArgs } from 'node:util';
import { parseSize } from '../scanner/size.js';
import { cleanLine, denseLine } from './dense-text.js';
import { officeAgainstFloor } from './office.js';
import { ripgrepVersion, runRipgrep } from './ripgrep.js';
import { writeLinesShare, writeTextShare } from './text-share.js';

const { values } = parseArgs({
  options: {
    size: { type: 'string', default: '200MB' },
    dense: { type: 'string', default: '50MB' },
    files: { type: 'string', default: '10000' },
    office: { type: 'string', default: '2' },
    keep: { type: 'boolean', default: false },
  },
});

interface RunFigures {
  seconds: number;
  items: number;
  bytes: number;
  findings: number;
  peakRssMb: number;
  read: number;
  reused: number;
}

function runScan(root: string, workers: number, stateDir: string): RunFigures {
  const out = execFileSync(process.execPath, [join(import.meta.dirname, 'run-scan.js'), root, String(workers)], {
    env: { ...process.env, INZAGE_STATE_DIR: stateDir },
    encoding: 'utf8',
    maxBuffer: 1 << 20,
  });
  return JSON.parse(out) as RunFigures;
}
const total = parseSize(values.size);
const dir = await mkdtemp(join(tmpdir(), 'inzage-bench-'));
const share = join(dir, 'share');
try {
  await againstRipgrep(dir);
  await officeAgainstFloor(dir, Math.max(1, Number(values.office) || 1));
  const t0 = Date.now();
  const files = await writeTextShare(share, total);
  process.stdout.write(`Generated ${files} text files, ${(total / 1024 ** 2).toFixed(0)} MB, in ${((Date.now() - t0) / 1000).toFixed(1)} s (${share})\n\n`);
  process.stdout.write('workers  files/s    MB/s  peak RSS MB  findings  seconds\n');
  const counts = [...new Set([1, availableParallelism()])];
  for (const workers of counts) {
    // A fresh state per run, so each one reads every file.
    const r = runScan(share, workers, join(dir, `state-${workers}`));
    process.stdout.write(
      `${String(workers).padStart(7)}  ${(r.items / r.seconds).toFixed(1).padStart(7)}  ${(r.bytes / 1024 ** 2 / r.seconds).toFixed(1).padStart(6)}  ${r.peakRssMb.toFixed(0).padStart(11)}  ${String(r.findings).padStart(8)}  ${r.seconds.toFixed(1).padStart(7)}\n`,
    );
  }

  // Incremental rescans: many small files, scanned once and then again unchanged.
  const many = Number(values.files);
  const small = join(dir, 'many');
  await writeTextShare(small, many * 2048, 2048, 7);
  const first = runScan(small, availableParallelism(), join(dir, 'state-many'));
  const again = runScan(small, availableParallelism(), join(dir, 'state-many'));
  process.stdout.write(`\nIncremental rescan of ${first.items} small files (all cores):\n`);
  process.stdout.write(`  first scan   ${first.seconds.toFixed(1).padStart(6)} s, ${first.read} files read\n`);
  process.stdout.write(`  rescan       ${again.seconds.toFixed(1).padStart(6)} s, ${again.read} files read, ${again.reused} reused\n`);
} finally {
  if (!values.keep) await rm(dir, { recursive: true, force: true });
}

/** Part 1: the dense share against ripgrep on all cores, and clean text per core. */
async function againstRipgrep(dir: string): Promise<void> {
  const dense = join(dir, 'dense');
  const bytes = parseSize(values.dense);
  const files = await writeLinesShare(dense, bytes, 5 * 1024, denseLine, 11);
  const cores = availableParallelism();
  process.stdout.write(`Dense share: ${files} files, ${(bytes / 1024 ** 2).toFixed(0)} MB, about 17 personal values per KB; ${cores} cores\n`);
  const scan = runScan(dense, cores, join(dir, 'state-dense'));
  const scanMbs = scan.bytes / 1024 ** 2 / scan.seconds;
  process.stdout.write(
    `  inzage scan, ${cores} workers   ${scan.seconds.toFixed(1).padStart(6)} s  ${scanMbs.toFixed(2).padStart(7)} MB/s  ${scan.findings} findings\n`,
  );
  const version = ripgrepVersion();
  if (version) {
    const rg = runRipgrep(dense);
    const rgMbs = scan.bytes / 1024 ** 2 / rg.seconds;
    process.stdout.write(`  ${version}, 14 patterns  ${rg.seconds.toFixed(1).padStart(6)} s  ${rgMbs.toFixed(2).padStart(7)} MB/s  ${rg.matches} matches\n`);
    process.stdout.write(`  ratio inzage / ripgrep: ${(scanMbs / rgMbs).toFixed(3)} (target 0.25, goal 1.0)\n`);
  } else {
    process.stdout.write('  ripgrep (rg) is not installed, so there is no ratio: apt-get install ripgrep\n');
  }
  const clean = join(dir, 'clean');
  await writeLinesShare(clean, Math.min(bytes, 20 * 1024 ** 2), 64 * 1024, cleanLine, 12);
  const quiet = runScan(clean, 1, join(dir, 'state-clean'));
  // The fixed part of any scan (process and worker start, engine build, report), from a scan of
  // one small file: on a 20 MB share it is a large share of the time, on a real share nothing.
  const one = join(dir, 'one-file');
  await writeLinesShare(one, 1, 1024, cleanLine, 12);
  const fixed = runScan(one, 1, join(dir, 'state-one-file')).seconds;
  const mb = quiet.bytes / 1024 ** 2;
  const steady = quiet.seconds > fixed ? ` (${(mb / (quiet.seconds - fixed)).toFixed(1)} MB/s after the ${fixed.toFixed(2)} s a scan of one file takes)` : '';
  process.stdout.write(
    `Clean text (office prose, no personal data), one worker: ${(mb / quiet.seconds).toFixed(1)} MB/s per core${steady} (target 50), ${quiet.findings} findings\n\n`,
  );
}
