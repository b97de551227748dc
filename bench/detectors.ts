/**
 * `npm run bench:detectors`: detection throughput in MB/s, in one thread, on two texts:
 *   - dense: letters, exports and logs with about 17 personal values per KB (bench/dense-text.ts);
 *   - clean: office prose with numbers, dates and capitals but no personal data.
 * First every detector on its own (what one detector costs on each text), then the sets scans run:
 * the 6 core detectors, all built-in detectors with the Aho–Corasick keyword prefilter, and all
 * with their keywords removed (so every detector scans every line). Last the fast path: the time
 * per segment for short lines that no detector can match (no digit, no `@`, no capital).
 * Times are CPU time of this process, so other work on the machine moves them less.
 * Options: --mb N (text size per run, default 1), --only ID (one detector's rows).
 */
import { createHmac } from 'node:crypto';
import { parseArgs } from 'node:util';
import { createEngine } from '../detectors/engine.js';
import { builtinDetectors, coreDetectors } from '../detectors/registry.js';
import type { Detector, Segment } from '../detectors/types.js';
import { seededRandom } from '../fixtures/random.js';
import { cleanLine, denseLine, textOf } from './dense-text.js';

const { values } = parseArgs({ options: { mb: { type: 'string', default: '1' }, only: { type: 'string' } } });
const bytesWanted = Number(values.mb) * 1024 * 1024;
const hasher = (type: string, value: string) => createHmac('sha256', 'bench').update(`${type}\0${value}`).digest('hex');

function segmentsOf(lines: readonly string[]): Segment[] {
  return lines.map((text, i) => ({ text, where: { line: i + 1 } }));
}
const dense = segmentsOf(textOf(bytesWanted, seededRandom(13), denseLine));
const clean = segmentsOf(textOf(bytesWanted, seededRandom(17), cleanLine));
const sizeOf = (segments: readonly Segment[]) => segments.reduce((s, x) => s + Buffer.byteLength(x.text) + 1, 0);

/** CPU time of this process in seconds: steadier than the clock on a machine shared with other work. */
function cpuSeconds(): number {
  const u = process.cpuUsage();
  return (u.user + u.system) / 1e6;
}

/** MB/s (of CPU time) and findings of one engine over the segments; best of five timed passes after a warm-up (a shared machine's noise moves single passes by a fifth). */
function measure(detectors: readonly Detector[], segments: readonly Segment[]): { mbs: number; findings: number } {
  const engine = createEngine(detectors, hasher);
  for (const s of segments.slice(0, 500)) engine.detect(s);
  let best = Number.POSITIVE_INFINITY;
  let findings = 0;
  for (let pass = 0; pass < 5; pass++) {
    findings = 0;
    const started = cpuSeconds();
    for (const s of segments) findings += engine.detect(s).length;
    best = Math.min(best, cpuSeconds() - started);
  }
  return { mbs: sizeOf(segments) / 1024 / 1024 / best, findings };
}

const mbs = (n: number) => (n >= 1000 ? n.toFixed(0) : n.toFixed(1)).padStart(7);
function row(name: string, detectors: readonly Detector[]): void {
  const d = measure(detectors, dense);
  const c = measure(detectors, clean);
  process.stdout.write(`${name.padEnd(44)} ${mbs(d.mbs)} MB/s ${String(d.findings).padStart(7)}   ${mbs(c.mbs)} MB/s ${String(c.findings).padStart(5)}\n`);
}

const denseKb = sizeOf(dense) / 1024;
const values17 = measure(builtinDetectors, dense).findings / denseKb;
process.stdout.write(
  `One thread, CPU time. Dense: ${(sizeOf(dense) / 1024 ** 2).toFixed(1)} MB, ${values17.toFixed(1)} findings per KB. Clean: ${(sizeOf(clean) / 1024 ** 2).toFixed(1)} MB of office prose.\n\n`,
);
process.stdout.write(`${'detector'.padEnd(44)} ${'dense'.padStart(12)} ${'findings'.padStart(7)}   ${'clean'.padStart(12)} ${'found'.padStart(5)}\n`);
for (const d of builtinDetectors) if (!values.only || values.only === d.id) row(d.id, [d]);
if (!values.only) {
  process.stdout.write('\n');
  row('core (email, phone, iban, card, ip, bsn)', coreDetectors);
  row('all built-in, keyword prefilter', builtinDetectors);
  const unfiltered = builtinDetectors.map((d) => {
    const { keywords: _keywords, ...rest } = d;
    return rest as Detector;
  });
  row('all built-in, no prefilter (every detector)', unfiltered);

  // The fast path: short lines that nothing can match.
  const engine = createEngine(builtinDetectors, hasher);
  const quiet = Array.from({ length: 20000 }, (_, i) => ({
    text: `tot en met de planning van week ${'abcdefghij'[i % 10]} is alles in orde`,
    where: { line: i },
  }));
  for (const s of quiet) engine.detect(s);
  const started = cpuSeconds();
  for (let pass = 0; pass < 5; pass++) for (const s of quiet) engine.detect(s);
  const ns = ((cpuSeconds() - started) * 1e9) / (quiet.length * 5);
  process.stdout.write(`\nfast path: a ${quiet[0]?.text.length}-character line with no digit, @ or capital: ${(ns / 1000).toFixed(2)} µs per segment\n`);
}
