/**
 * `npm run bench:scale [-- --files 1000 --crawl 20000 --find 1000000 --before /path/to/other/dist]`:
 * the scale targets of issue 12, printed as figures, for this build and (with --before) another
 * build's dist/ on the same input in the same run.
 * - A dense text share (about 100 findings per file) scanned to JSON and HTML: seconds and the
 *   peak RSS of the whole process; then the unchanged rescan, as a share of the full scan's time.
 * - An office share of about 2,500 files (`--office N`, 0 to leave it out) with about 100 findings per
 *   file, as the issue's share: the full scan, and the unchanged rescan as a share of it.
 * - A crawl of many tiny files: files/s and peak RSS.
 * - `find` on a state with many findings, generated directly (rows by a generator): seconds.
 * The issue's full sizes are `--files 10000 --crawl 1000000 --find 10000000`.
 */
import { execFileSync } from 'node:child_process';
import { mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { parseArgs } from 'node:util';
import { findSubject } from '../scanner/commands/find.js';
import { createHasher } from '../scanner/state/secret-key.js';
import { ScanState } from '../scanner/state/state.js';
import { generateOfficeShare } from './office-share.js';
import { writeTextShare } from './text-share.js';

const { values } = parseArgs({
  options: {
    files: { type: 'string', default: '1000' },
    office: { type: 'string', default: '2500' },
    crawl: { type: 'string', default: '20000' },
    find: { type: 'string', default: '1000000' },
    before: { type: 'string' },
    keep: { type: 'boolean', default: false },
  },
});

const here = resolve(import.meta.dirname, '..');
const builds: { name: string; dist: string }[] = [...(values.before ? [{ name: 'before', dist: resolve(values.before) }] : []), { name: 'after', dist: here }];
const preload = new URL('./rss-preload.js', import.meta.url).href;

interface Run {
  seconds: number;
  peakRssMb: number;
  output: string;
}

function cli(dist: string, args: string[], env: Record<string, string>, dir: string): Run {
  const rssFile = join(dir, `rss-${process.hrtime.bigint()}`);
  const started = process.hrtime.bigint();
  const output = execFileSync(process.execPath, ['--import', preload, join(dist, 'scanner/commands/cli.js'), ...args], {
    env: { ...process.env, ...env, INZAGE_BENCH_RSS_FILE: rssFile },
    encoding: 'utf8',
    maxBuffer: 1 << 24,
  });
  const seconds = Number(process.hrtime.bigint() - started) / 1e9;
  return { seconds, peakRssMb: Number(readFileSync(rssFile, 'utf8')) / 1024, output };
}

const fmt = (n: number, d = 1) => n.toFixed(d);
const dir = await mkdtemp(join(tmpdir(), 'inzage-scale-'));
try {
  // 1. Dense share: report memory, and the unchanged rescan.
  const files = Number(values.files);
  const dense = join(dir, 'dense');
  await writeTextShare(dense, files * 10 * 1024, 10 * 1024, 11);
  process.stdout.write(`Dense text share: ${files} files of 10 KB; scan --format json,html\n`);
  process.stdout.write('build    findings  full s  peak RSS MB  rescan s  rescan/full  rescan RSS MB\n');
  for (const b of builds) {
    const env = { INZAGE_STATE_DIR: join(dir, `state-dense-${b.name}`), INZAGE_KEY_FILE: join(dir, 'key') };
    const args = ['scan', dense, '--out', join(dir, `out-${b.name}`), '--format', 'json,html', '--summary', 'json'];
    const full = cli(b.dist, args, env, dir);
    const again = cli(b.dist, args, env, dir);
    const findings = (JSON.parse(full.output) as { stats: { findings: number } }).stats.findings;
    process.stdout.write(
      `${b.name.padEnd(7)}  ${String(findings).padStart(8)}  ${fmt(full.seconds).padStart(6)}  ${fmt(full.peakRssMb, 0).padStart(11)}  ${fmt(again.seconds, 2).padStart(8)}  ${`${fmt((100 * again.seconds) / full.seconds)}%`.padStart(11)}  ${fmt(again.peakRssMb, 0).padStart(13)}\n`,
    );
  }

  // 1b. The issue's rescan target: an office share of about --office files (Word, Excel, PDF,
  // mail) with about 100 findings per file, scanned to JSON and HTML, then again unchanged.
  const officeFiles = Number(values.office);
  if (officeFiles > 0) {
    const office = join(dir, 'office');
    const scale = Math.max(1, Math.round(officeFiles / 114));
    await generateOfficeShare(office, scale, ['docx', 'xlsx', 'pdf', 'eml'], 150);
    process.stdout.write(`\nOffice share: ${scale * 114} Word, Excel, PDF and mail files; scan --format json,html\n`);
    process.stdout.write('build    findings  full s  peak RSS MB  rescan s  rescan/full  rescan RSS MB\n');
    for (const b of builds) {
      const env = { INZAGE_STATE_DIR: join(dir, `state-office-${b.name}`), INZAGE_KEY_FILE: join(dir, 'key') };
      const args = ['scan', office, '--out', join(dir, `out-office-${b.name}`), '--format', 'json,html', '--summary', 'json'];
      const full = cli(b.dist, args, env, dir);
      const again = cli(b.dist, args, env, dir);
      const findings = (JSON.parse(full.output) as { stats: { findings: number } }).stats.findings;
      process.stdout.write(
        `${b.name.padEnd(7)}  ${String(findings).padStart(8)}  ${fmt(full.seconds).padStart(6)}  ${fmt(full.peakRssMb, 0).padStart(11)}  ${fmt(again.seconds, 2).padStart(8)}  ${`${fmt((100 * again.seconds) / full.seconds)}%`.padStart(11)}  ${fmt(again.peakRssMb, 0).padStart(13)}\n`,
      );
    }
  }

  // 2. A crawl of many tiny files, written directly (a folder per 1,000).
  const crawl = Number(values.crawl);
  if (crawl > 0) {
    const tiny = join(dir, 'tiny');
    for (let i = 0; i < crawl; i++) {
      if (i % 1000 === 0) mkdirSync(join(tiny, `d${i / 1000}`), { recursive: true });
      writeFileSync(join(tiny, `d${Math.floor(i / 1000)}`, `f${i}.txt`), `regel ${i}\n`);
    }
    process.stdout.write(`\nCrawl of ${crawl} tiny files (each read once):\n`);
    process.stdout.write('build    files/s  peak RSS MB  seconds\n');
    for (const b of builds) {
      const env = { INZAGE_STATE_DIR: join(dir, `state-tiny-${b.name}`), INZAGE_KEY_FILE: join(dir, 'key') };
      const r = cli(b.dist, ['scan', tiny, '--out', join(dir, `out-tiny-${b.name}`), '--format', 'json'], env, dir);
      process.stdout.write(
        `${b.name.padEnd(7)}  ${fmt(crawl / r.seconds, 0).padStart(7)}  ${fmt(r.peakRssMb, 0).padStart(11)}  ${fmt(r.seconds).padStart(7)}\n`,
      );
    }
  }

  // 3. find on a generated state: rows straight into the state, 100 findings per item.
  const total = Number(values.find);
  const key = Buffer.alloc(32, 7);
  const hash = createHasher(key);
  const findDir = join(dir, 'find');
  mkdirSync(findDir);
  writeFileSync(join(findDir, 'secret.key'), `${key.toString('hex')}\n`, { mode: 0o600 });
  const state = new ScanState(join(findDir, 'state.db'));
  state.beginScan('gen', ['/share'], 0.5, new Date());
  const perItem = 100;
  const wantedIndex = Math.floor(total / 2);
  let n = 0;
  const t0 = Date.now();
  for (let item = 0; n < total; item++) {
    const writes = [];
    for (let k = 0; k < 500 && n < total; k++, item++) {
      const findings = [];
      for (let j = 0; j < perItem && n < total; j++, n++) {
        findings.push({
          type: 'email',
          category: 'contact' as const,
          confidence: 0.9,
          masked: 'j***@example.nl',
          hash: hash('email', `person${n}@example.nl`),
          where: { line: j + 1 },
        });
      }
      writes.push({
        op: 'replace' as const,
        item: { root: '/share', path: `f${item}.txt`, uri: `file:///share/f${item}.txt`, kind: 'file' as const, size: 1000 },
        version: '1',
        results: [{ kind: 'file' as const, findings, error: null }],
        settings: 'gen',
      });
    }
    state.writeItems('gen', writes);
  }
  // Finished as a scan finishes: the hashes it staged are merged into the index (state.ts, migration 8).
  state.finishScan('gen', new Date(), null);
  const generated = (Date.now() - t0) / 1000;
  const query = [{ type: 'email', value: `person${wantedIndex}@example.nl` }];
  const t1 = process.hrtime.bigint();
  const hits = findSubject(state, query, key);
  const indexed = Number(process.hrtime.bigint() - t1) / 1e9;
  // The query find used before the hash index (schema 2): a scan of every item's findings.
  const wanted = hash('email', `person${wantedIndex}@example.nl`);
  const t2 = process.hrtime.bigint();
  const old = (state as unknown as { db: { prepare(sql: string): { all(...a: unknown[]): unknown[] } } }).db
    .prepare('SELECT uri FROM items WHERE gone_scan IS NULL AND findings IS NOT NULL AND (instr(findings, ?) > 0) ORDER BY uri')
    .all(wanted);
  const scanned = Number(process.hrtime.bigint() - t2) / 1e9;
  state.close();
  process.stdout.write(`\nfind on a state with ${total} findings (generated in ${fmt(generated)} s):\n`);
  process.stdout.write(`  before (scan of every item's findings): ${fmt(scanned, 3)} s, ${old.length} item(s)\n`);
  process.stdout.write(`  after  (hash index):                    ${fmt(indexed, 3)} s, ${hits.length} hit(s)\n`);
  // What a person waits for: the whole `inzage find` command, start-up and all.
  const command = cli(here, ['find', '--email', `person${wantedIndex}@example.nl`, '--state-dir', findDir, '--format', 'json'], {}, dir);
  const found = (JSON.parse(command.output) as { hits: unknown[] }).hits.length;
  process.stdout.write(`  inzage find, the whole command:         ${fmt(command.seconds, 3)} s, ${found} hit(s), peak RSS ${fmt(command.peakRssMb, 0)} MB\n`);
} finally {
  if (!values.keep) await rm(dir, { recursive: true, force: true });
  else process.stdout.write(`\nKept ${dir}\n`);
}
