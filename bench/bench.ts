/**
 * `npm run bench [-- --size 200MB --keep]`: generates a share of text files and scans it with one
 * worker and with all cores; prints files/s, MB/s and peak RSS. Speed goals live here, not in tests.
 */
import { execFileSync } from 'node:child_process';
import { mkdtemp, rm } from 'node:fs/promises';
import { availableParallelism, tmpdir } from 'node:os';
import { join } from 'node:path';
import { parseArgs } from 'node:util';
import { parseSize } from '../scanner/size.js';
import { writeTextShare } from './text-share.js';

const { values } = parseArgs({
  options: { size: { type: 'string', default: '200MB' }, files: { type: 'string', default: '10000' }, keep: { type: 'boolean', default: false } },
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
