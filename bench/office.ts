/**
 * `npm run bench`'s office part: a generated share of Word, Excel, PDF and mail files
 * - against the floor of issue 13: the bare parsers plus a ripgrep pass over their text, both in
 *   one thread, divided by the cores (bench/office-floor.ts). The scan is the whole `inzage scan`
 *   command on all cores, start-up and reports (JSON and HTML) included, as a user runs it: through
 *   the `inzage` executable, which turns on Node's compile cache (Node 22 and later).
 * - then the same command again on the unchanged share: the rescan as a share of the full scan
 *   (issue 12's target of 5 %).
 */
import { execFileSync } from 'node:child_process';
import { availableParallelism } from 'node:os';
import { join } from 'node:path';
import { generateOfficeShare } from './office-share.js';
import { ripgrepVersion, runRipgrep } from './ripgrep.js';

const cliPath = join(import.meta.dirname, '..', 'scanner', 'commands', 'inzage.js');

function timedScan(share: string, out: string, stateDir: string): { seconds: number; findings: number } {
  const started = process.hrtime.bigint();
  const summary = execFileSync(process.execPath, [cliPath, 'scan', share, '--out', out, '--format', 'json,html', '--summary', 'json'], {
    env: { ...process.env, INZAGE_STATE_DIR: stateDir, INZAGE_KEY_FILE: join(stateDir, '..', 'office.key') },
    encoding: 'utf8',
    stdio: ['ignore', 'pipe', 'ignore'],
    maxBuffer: 1 << 24,
  });
  const seconds = Number(process.hrtime.bigint() - started) / 1e9;
  return { seconds, findings: (JSON.parse(summary) as { stats: { findings: number } }).stats.findings };
}

export async function officeAgainstFloor(dir: string, scale: number): Promise<void> {
  const share = join(dir, 'office');
  await generateOfficeShare(share, scale, ['docx', 'xlsx', 'pdf', 'eml']);
  const cores = availableParallelism();
  const floor = JSON.parse(
    execFileSync(process.execPath, [join(import.meta.dirname, 'office-floor.js'), share, join(dir, 'office-text')], { encoding: 'utf8', maxBuffer: 1 << 20 }),
  ) as { seconds: number; files: number; textBytes: number; byFormat: Record<string, number> };
  process.stdout.write(
    `Office share: ${floor.files} Word, Excel, PDF and mail files (scale ${scale}), ${(floor.textBytes / 1024 ** 2).toFixed(1)} MB of text; ${cores} cores\n`,
  );
  const rg = ripgrepVersion() ? runRipgrep(join(dir, 'office-text'), 1) : undefined;
  const floorSeconds = (floor.seconds + (rg?.seconds ?? 0)) / cores;
  process.stdout.write(
    `  floor: bare parsers ${floor.seconds.toFixed(1)} s + ripgrep ${rg ? `${rg.seconds.toFixed(2)} s` : 'not installed'}, one thread, / ${cores} cores = ${floorSeconds.toFixed(1)} s\n`,
  );
  // Where the parsers' time goes: a format whose parser is cheap is one where our own work shows most.
  const parts = Object.entries(floor.byFormat).map(([format, s]) => `${format} ${s.toFixed(2)} s`);
  process.stdout.write(`  bare parsers by format: ${parts.join(', ')}\n`);
  const state = join(dir, 'state-office');
  const full = timedScan(share, join(dir, 'out-office'), state);
  process.stdout.write(`  inzage scan (JSON and HTML)   ${full.seconds.toFixed(1).padStart(6)} s, ${full.findings} findings\n`);
  process.stdout.write(`  ratio scan / floor: ${(full.seconds / floorSeconds).toFixed(1)} (target 3, goal 1.5)\n`);
  const again = timedScan(share, join(dir, 'out-office'), state);
  process.stdout.write(
    `  unchanged rescan              ${again.seconds.toFixed(2).padStart(6)} s = ${((100 * again.seconds) / full.seconds).toFixed(1)} % of the full scan (target 5 %)\n\n`,
  );
}
