#!/usr/bin/env node
/**
 * The `inzage` command. Exit codes: 0 finished, 1 `--fail-on` met, 2 usage or fatal error.
 */
import { existsSync } from 'node:fs';
import { chmod, mkdir, writeFile } from 'node:fs/promises';
import { join, resolve } from 'node:path';
import { Command, CommanderError, InvalidArgumentError, Option } from 'commander';
import { reporterFor, reporters } from '../reporters/index.js';
import { DEFAULT_BROAD_GROUPS } from './access/principals.js';
import { InzageError } from './errors.js';
import type { Report, ReportItem, RiskLevel } from './model.js';
import { DEFAULT_ITEM_TIMEOUT_MS, DEFAULT_MAX_FILE_SIZE, DEFAULT_WORKER_MEMORY_MB, scan } from './pipeline.js';
import { DEFAULT_RETENTION_RULES, levelAtLeast, overrideRetention, RISK_LEVELS } from './risk.js';
import { formatSize, parseSize } from './size.js';
import { VERSION } from './version.js';

const collect = (value: string, previous: string[]) => [...previous, value];
const positiveInt = (name: string) => (value: string) => {
  const n = Number(value);
  if (!Number.isInteger(n) || n < 1) throw new InvalidArgumentError(`${name} must be a whole number of at least 1`);
  return n;
};
const confidence = (value: string) => {
  const n = Number(value);
  if (!(n >= 0 && n <= 1)) throw new InvalidArgumentError('must be a number from 0 to 1');
  return n;
};
const size = (value: string) => {
  try {
    return parseSize(value);
  } catch (err) {
    throw new InvalidArgumentError((err as Error).message);
  }
};

interface ScanFlags {
  out: string;
  format: string;
  include: string[];
  exclude: string[];
  maxFileSize: number;
  concurrency?: number;
  workers?: number;
  followSymlinks: boolean;
  minConfidence?: number;
  timeout: number;
  workerMemory: number;
  progress: boolean;
  failOn?: RiskLevel;
  broadGroup: string[];
  acl: boolean;
  retention: string[];
  hotspots?: number;
}

/** Set by a scan whose `--fail-on` level was reached; main() turns it into exit code 1. */
let failOnMet = false;

export function buildProgram(): Command {
  const program = new Command('inzage')
    .description('Find personal data (GDPR/AVG) on file shares and in Microsoft 365, and who can reach it.')
    .version(VERSION, '-V, --version')
    .showHelpAfterError('(run inzage --help for usage)')
    .exitOverride();

  program
    .command('scan')
    .description('scan folders or files and write a report')
    .argument('<path...>', 'folders or files to scan (local, or a mounted SMB/NFS share)')
    .option('-o, --out <dir>', 'folder for the reports', 'inzage-report')
    .option('-f, --format <list>', `report formats, comma-separated (${reporters.map((r) => r.format).join(', ')})`, 'json')
    .option('--include <glob>', 'scan only files matching this glob (repeatable)', collect, [])
    .option('--exclude <glob>', 'skip files and folders matching this glob (repeatable)', collect, [])
    .option(
      '--max-file-size <size>',
      `list larger files as too-large without reading them (default ${formatSize(DEFAULT_MAX_FILE_SIZE)})`,
      size,
      DEFAULT_MAX_FILE_SIZE,
    )
    .option('--concurrency <n>', 'items in flight at once (default: twice the workers)', positiveInt('--concurrency'))
    .option('--workers <n>', 'worker threads for parsing and detection (default: number of cores)', positiveInt('--workers'))
    .option('--follow-symlinks', 'follow symbolic links (loop-safe)', false)
    .option('--min-confidence <n>', 'report findings from this confidence on (0..1, default 0.5)', confidence)
    .option('--timeout <seconds>', 'time limit per item', positiveInt('--timeout'), DEFAULT_ITEM_TIMEOUT_MS / 1000)
    .addOption(
      new Option('--worker-memory <mb>', 'heap limit per worker thread in MB').argParser(positiveInt('--worker-memory')).default(DEFAULT_WORKER_MEMORY_MB),
    )
    .option('--no-progress', 'no progress line on stderr')
    .addOption(new Option('--fail-on <level>', 'exit 1 when any item reaches this risk level').choices(RISK_LEVELS.filter((l) => l !== 'none')))
    .option('--broad-group <name>', `a group that stands for everyone (repeatable; replaces the defaults: ${DEFAULT_BROAD_GROUPS.join(', ')})`, collect, [])
    .option('--no-acl', 'do not read ACLs (getfacl, icacls, getcifsacl); owner, group and mode only')
    .option(
      '--retention <rule=duration>',
      `change a retention rule: RULE=7y, RULE=4w or RULE=off (repeatable; rules: ${DEFAULT_RETENTION_RULES.map((r) => r.id).join(', ')})`,
      collect,
      [],
    )
    .option('--hotspots <n>', 'length of the hot-spot list in the report (default 25)', positiveInt('--hotspots'))
    .action(async (paths: string[], flags: ScanFlags) => {
      await runScan(paths, flags);
    });
  return program;
}

async function runScan(paths: string[], flags: ScanFlags): Promise<void> {
  const formats = flags.format
    .split(',')
    .map((f) => f.trim())
    .filter(Boolean);
  for (const f of formats) {
    if (!reporterFor(f)) throw new InzageError('usage', `unknown report format "${f}"; choose from ${reporters.map((r) => r.format).join(', ')}`);
  }
  for (const p of paths) {
    if (!existsSync(p)) throw new InzageError('usage', `cannot scan ${p}: no such file or folder`);
  }
  let retention = DEFAULT_RETENTION_RULES;
  try {
    retention = overrideRetention(DEFAULT_RETENTION_RULES, flags.retention);
  } catch (err) {
    throw new InzageError('usage', `--retention: ${(err as Error).message}`);
  }
  const out = resolve(flags.out);
  const progress = flags.progress && process.stderr.isTTY ? new ProgressLine() : undefined;
  const report = await scan(
    {
      roots: paths,
      include: flags.include,
      exclude: flags.exclude,
      followSymlinks: flags.followSymlinks,
      maxFileSize: flags.maxFileSize,
      itemTimeoutMs: flags.timeout * 1000,
      workerMemoryMb: flags.workerMemory,
      skipFolders: [out],
      access: { acl: flags.acl, ...(flags.broadGroup.length > 0 ? { broadGroups: flags.broadGroup } : {}) },
      risk: { retention },
      ...(flags.hotspots !== undefined ? { hotspots: flags.hotspots } : {}),
      ...(flags.workers !== undefined ? { workers: flags.workers } : {}),
      ...(flags.concurrency !== undefined ? { concurrency: flags.concurrency } : {}),
      ...(flags.minConfidence !== undefined ? { minConfidence: flags.minConfidence } : {}),
    },
    { onItem: (item) => progress?.update(item) },
  );
  progress?.done();

  await mkdir(out, { recursive: true, mode: 0o750 });
  const written: string[] = [];
  for (const format of formats) {
    const reporter = reporterFor(format);
    if (!reporter) continue;
    const file = join(out, reporter.fileName);
    await writeFile(file, reporter.render(report), { mode: 0o640 });
    await chmod(file, 0o640);
    written.push(file);
  }
  const s = report.stats;
  process.stdout.write(
    `Scanned ${s.items} items (${formatSize(s.bytes)}) in ${(s.durationMs / 1000).toFixed(1)} s: ` +
      `${s.findings} findings in ${s.itemsWithFindings} items, ${s.errors} errors, ${s.skipped} skipped.\n`,
  );
  for (const file of written) process.stdout.write(`${file}\n`);
  if (flags.failOn) reportFailOn(report, flags.failOn);
}

function reportFailOn(report: Report, level: RiskLevel): void {
  const reached = report.items.filter((item) => levelAtLeast(item.risk.level, level));
  if (reached.length === 0) return;
  failOnMet = true;
  process.stderr.write(`inzage: ${reached.length} item${reached.length === 1 ? '' : 's'} at risk level ${level} or higher (--fail-on ${level})\n`);
}

/** One line on stderr, redrawn at most four times a second. */
class ProgressLine {
  private items = 0;
  private withFindings = 0;
  private bytes = 0;
  private errors = 0;
  private last = 0;

  update(item: ReportItem): void {
    this.items++;
    if (item.findings.length > 0) this.withFindings++;
    if (item.entry === undefined) this.bytes += item.size;
    if (item.error) this.errors++;
    const now = Date.now();
    if (now - this.last < 250) return;
    this.last = now;
    process.stderr.write(`\r\x1b[KScanning… ${this.items} items, ${formatSize(this.bytes)}, ${this.withFindings} with personal data, ${this.errors} not read`);
  }

  done(): void {
    process.stderr.write('\r\x1b[K');
  }
}

export async function main(argv: string[]): Promise<number> {
  try {
    failOnMet = false;
    await buildProgram().parseAsync(argv);
    return failOnMet ? 1 : 0;
  } catch (err) {
    if (err instanceof CommanderError) {
      if (err.exitCode === 0 || err.code === 'commander.helpDisplayed' || err.code === 'commander.version') return 0;
      return 2;
    }
    const message = err instanceof InzageError ? err.message : `unexpected error: ${(err as Error)?.message ?? String(err)}`;
    process.stderr.write(`inzage: ${message}\n`);
    return 2;
  }
}

main(process.argv).then((code) => {
  process.exitCode = code;
});
