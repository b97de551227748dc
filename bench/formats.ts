/**
 * Benchmark of the container and document formats: a generated mixed share (docx, xlsx, pdf,
 * eml, zip), per format files/s and MB/s for
 *   parse         the extractors alone, children included, in one thread (no detection, no pool)
 *   parse+detect  the same plus the detector engine, in one thread: what a worker does
 *   pipeline 1w   the full scan with one worker thread
 *   pipeline Nw   the full scan with a worker per core
 * and the peak RSS of each run. Every measurement runs in a fresh child process, so its peak RSS
 * is its own. `npm run bench:formats [-- --scale N] [-- --keep DIR]`.
 */
import { execFileSync } from 'node:child_process';
import { mkdtemp, readdir, readFile, rm, stat } from 'node:fs/promises';
import { availableParallelism, loadavg, tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { createEngine } from '../detectors/engine.js';
import { selectDetectors } from '../detectors/registry.js';
import { memoryContent } from '../scanner/extractors/content.js';
import { extractorFor } from '../scanner/extractors/index.js';
import { detectMediaType } from '../scanner/extractors/media-type.js';
import { type ItemContent, segmentsOf } from '../scanner/extractors/types.js';
import { scan } from '../scanner/pipeline/scan.js';
import { createHasher } from '../scanner/state/secret-key.js';
import { generateOfficeShare, OFFICE_FORMATS } from './office-share.js';

type Mode = 'parse' | 'parse+detect' | 'pipeline';

/** Reads every file of one format through the extractors in this thread, children included. */
async function parseInProcess(dir: string, detect: boolean): Promise<number> {
  const engine = detect ? createEngine(selectDetectors(), createHasher(Buffer.alloc(32, 1))) : undefined;
  let findings = 0;
  const visit = async (content: ItemContent, depth: number): Promise<void> => {
    const mediaType = await detectMediaType(content.head, content.name);
    const extractor = extractorFor(mediaType);
    if (!extractor) return;
    try {
      for await (const part of extractor.extract(content, { mediaType, depth })) {
        if ('segment' in part || 'segments' in part) {
          if (engine) for (const segment of segmentsOf(part)) findings += engine.detect(segment).length;
        } else if ('child' in part && !part.child.error && depth < 5) await visit(part.child.content, depth + 1);
      }
    } catch {
      // Counted as read: a broken file costs what it costs up to the error.
    }
  };
  for (const name of (await readdir(dir)).sort()) await visit(memoryContent(await readFile(join(dir, name)), name), 0);
  return findings;
}

interface Measurement {
  ms: number;
  /** CPU time of all threads (user + system): less swayed than wall time by other load on the machine. */
  cpuMs: number;
  maxRssMb: number;
}

/** One measurement, run in this (child) process. */
async function measure(mode: Mode, dir: string, workers: number): Promise<Measurement> {
  const start = performance.now();
  const cpuStart = process.cpuUsage();
  if (mode === 'pipeline') {
    const report = await scan({ roots: [dir], workers, keyFile: join(dir, '..', 'bench.key') });
    const errors = report.items.filter((i) => i.error && i.error.code !== 'unsupported-format');
    if (errors.length > 0) throw new Error(`bench files failed to scan: ${errors.map((e) => `${e.path} ${e.error?.code}`).join(', ')}`);
  } else {
    await parseInProcess(dir, mode === 'parse+detect');
  }
  const cpu = process.cpuUsage(cpuStart);
  return { ms: performance.now() - start, cpuMs: (cpu.user + cpu.system) / 1000, maxRssMb: process.resourceUsage().maxRSS / 1024 };
}

async function folderStats(dir: string): Promise<{ files: number; bytes: number }> {
  const names = await readdir(dir);
  let bytes = 0;
  for (const name of names) bytes += (await stat(join(dir, name))).size;
  return { files: names.length, bytes };
}

async function main(): Promise<void> {
  const args = process.argv.slice(2);
  if (args[0] === '--child') {
    const [, mode, dir, workers] = args as [string, Mode, string, string];
    process.stdout.write(JSON.stringify(await measure(mode, dir, Number(workers))));
    return;
  }
  const scaleAt = args.indexOf('--scale');
  const scale = scaleAt === -1 ? 1 : Math.max(1, Number(args[scaleAt + 1]) || 1);
  // --keep DIR: generate the share into DIR once and reuse it on later runs (for comparing changes).
  const keepAt = args.indexOf('--keep');
  const kept = keepAt === -1 ? undefined : args[keepAt + 1];
  const cores = availableParallelism();
  const root = kept ?? (await mkdtemp(join(tmpdir(), 'inzage-bench-formats-')));
  try {
    const share = join(root, 'share');
    if (!kept || !(await stat(share).catch(() => undefined))) {
      process.stderr.write(`generating the share (scale ${scale}) in ${share}…\n`);
      await generateOfficeShare(share, scale);
    }
    const self = fileURLToPath(import.meta.url);
    const runs: [string, Mode, number][] = [
      ['parse', 'parse', 1],
      ['parse+detect', 'parse+detect', 1],
      ['pipeline 1w', 'pipeline', 1],
      [`pipeline ${cores}w`, 'pipeline', cores],
    ];
    console.log(`Formats benchmark: Node ${process.version}, ${cores} cores, load average ${loadavg()[0]?.toFixed(1)}.`);
    console.log('Each cell: files/s · MB/s (wall clock) · CPU s (all threads) · peak RSS MB.');
    console.log(['format', 'files', 'MB', ...runs.map(([label]) => label.padEnd(30)), 'pipeline CPU over parse+detect'].join('\t'));
    for (const format of OFFICE_FORMATS) {
      const dir = join(share, format);
      const { files, bytes } = await folderStats(dir);
      const cells: string[] = [];
      const cpu: Record<string, number> = {};
      for (const [label, mode, workers] of runs) {
        const out = execFileSync(process.execPath, [self, '--child', mode, dir, String(workers)], { encoding: 'utf8', maxBuffer: 1 << 20 });
        const m = JSON.parse(out) as Measurement;
        const seconds = m.ms / 1000;
        cpu[label] = m.cpuMs;
        cells.push(
          `${(files / seconds).toFixed(1)} · ${(bytes / 1e6 / seconds).toFixed(2)} · ${(m.cpuMs / 1000).toFixed(2)} · ${m.maxRssMb.toFixed(0)}`.padEnd(30),
        );
      }
      const overhead = ((cpu['pipeline 1w'] ?? 0) / (cpu['parse+detect'] ?? 1) - 1) * 100;
      console.log([format, String(files), (bytes / 1e6).toFixed(1), ...cells, `${overhead.toFixed(0)}%`].join('\t'));
    }
  } finally {
    if (!kept) await rm(root, { recursive: true, force: true });
  }
}

await main();
