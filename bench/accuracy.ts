/**
 * `npm run accuracy`: writes the detector corpus (fixtures/detector-corpus.ts) and the record
 * corpus (fixtures/record-corpus.ts: CSV, XLSX and JSON lists in six languages, prose) with a fixed seed,
 * scans it with the real pipeline (extractors, worker, item step) and prints precision, recall
 * and F1 per finding type against the generator's truth. A finding counts as a true positive when
 * an expected finding of the same type sits at the same place (path, line, cell); everything else
 * reported is a false positive, everything expected and not reported a false negative. A second
 * table gives the same per format (the file's extension; inside a container the chain, `eml>xlsx`).
 *
 * Options: --seed N (default 4), --keep (leave the corpus in ./detector-corpus), --explain (list
 * the places of false positives and negatives).
 */
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { DEFAULT_MIN_CONFIDENCE } from '../detectors/engine.js';
import { generateDetectorCorpus } from '../fixtures/detector-corpus.js';
import type { ExpectedItem } from '../fixtures/expected.js';
import { seeded } from '../fixtures/identifiers.js';
import { generateRecordCorpus } from '../fixtures/record-corpus.js';
import type { Report } from '../scanner/model.js';
import { scan } from '../scanner/pipeline/scan.js';

export interface TypeScore {
  type: string;
  tp: number;
  fp: number;
  fn: number;
  precision: number;
  recall: number;
  f1: number;
}

const keyOf = (path: string, entry: string | undefined, type: string, where: object) => `${path}\0${entry ?? ''}\0${type}\0${JSON.stringify(where)}`;

/** The format of an item as its extension (of the entry inside a container, if any). */
export function formatOf(path: string, entry?: string): string {
  const ext = (p: string) => {
    const name = p.split('/').pop() ?? '';
    const dot = name.lastIndexOf('.');
    return dot > 0 ? name.slice(dot + 1).toLowerCase() : '(none)';
  };
  // Inside a container: the chain, `zip>xlsx`, `eml>csv`.
  return [path, ...(entry ? entry.split('/') : [])].map(ext).join('>');
}

/**
 * Scores a report against the truth, per type (or, with `by: 'format'`, per format); multiple
 * findings at one place are matched by count.
 */
export function score(report: Report, truth: readonly ExpectedItem[], misses?: string[], by: 'type' | 'format' = 'type'): TypeScore[] {
  const group = (path: string, entry: string | undefined, type: string) => (by === 'type' ? type : formatOf(path, entry));
  const expected = new Map<string, number>();
  const found = new Map<string, number>();
  const groups = new Map<string, string>();
  for (const item of truth) {
    for (const f of item.findings) {
      const k = keyOf(item.path, item.entry, f.type, f.where);
      expected.set(k, (expected.get(k) ?? 0) + 1);
      groups.set(k, group(item.path, item.entry, f.type));
    }
  }
  for (const item of report.items) {
    for (const f of item.findings) {
      const k = keyOf(item.path, item.entry, f.type, f.where);
      found.set(k, (found.get(k) ?? 0) + 1);
      groups.set(k, group(item.path, item.entry, f.type));
    }
  }
  const counts = new Map<string, { tp: number; fp: number; fn: number }>([...new Set(groups.values())].map((t) => [t, { tp: 0, fp: 0, fn: 0 }]));
  for (const k of new Set([...expected.keys(), ...found.keys()])) {
    const type = groups.get(k) as string;
    const c = counts.get(type) as { tp: number; fp: number; fn: number };
    const e = expected.get(k) ?? 0;
    const f = found.get(k) ?? 0;
    c.tp += Math.min(e, f);
    if (misses && e !== f) misses.push(`${e > f ? 'FN' : 'FP'} ${k.split('\0').filter(Boolean).join(' ')}`);
    c.fp += Math.max(0, f - e);
    c.fn += Math.max(0, e - f);
  }
  return [...counts.entries()]
    .map(([type, { tp, fp, fn }]) => {
      const precision = tp + fp === 0 ? 1 : tp / (tp + fp);
      const recall = tp + fn === 0 ? 1 : tp / (tp + fn);
      return { type, tp, fp, fn, precision, recall, f1: precision + recall === 0 ? 0 : (2 * precision * recall) / (precision + recall) };
    })
    .sort((a, b) => a.type.localeCompare(b.type));
}

export function formatTable(rows: readonly TypeScore[], first = 'type'): string {
  const pct = (n: number) => `${(n * 100).toFixed(1)}%`.padStart(7);
  const lines = [
    `${first.padEnd(20)} ${'TP'.padStart(5)} ${'FP'.padStart(5)} ${'FN'.padStart(5)} ${'prec'.padStart(7)} ${'recall'.padStart(7)} ${'F1'.padStart(7)}`,
  ];
  for (const r of rows)
    lines.push(
      `${r.type.padEnd(20)} ${String(r.tp).padStart(5)} ${String(r.fp).padStart(5)} ${String(r.fn).padStart(5)} ${pct(r.precision)} ${pct(r.recall)} ${pct(r.f1)}`,
    );
  const tp = rows.reduce((s, r) => s + r.tp, 0);
  const fp = rows.reduce((s, r) => s + r.fp, 0);
  const fn = rows.reduce((s, r) => s + r.fn, 0);
  const p = tp / (tp + fp || 1);
  const r = tp / (tp + fn || 1);
  lines.push(
    `${'all (micro)'.padEnd(20)} ${String(tp).padStart(5)} ${String(fp).padStart(5)} ${String(fn).padStart(5)} ${pct(p)} ${pct(r)} ${pct((2 * p * r) / (p + r || 1))}`,
  );
  return lines.join('\n');
}

async function main(argv: string[]): Promise<void> {
  const seedAt = argv.indexOf('--seed');
  const seed = seedAt >= 0 ? Number(argv[seedAt + 1]) : 4;
  const keep = argv.includes('--keep');
  const root = keep ? resolve('detector-corpus') : await mkdtemp(join(tmpdir(), 'inzage-accuracy-'));
  const share = join(root, 'share');
  try {
    const random = seeded(seed);
    const truth = [...(await generateDetectorCorpus(share, random)), ...(await generateRecordCorpus(share, random))];
    const report = await scan({ roots: [share], keyFile: join(root, 'key'), workers: 1 });
    process.stdout.write(`Detector accuracy on the generated corpus (seed ${seed}, threshold ${DEFAULT_MIN_CONFIDENCE}, ${report.stats.items} files):\n\n`);
    const misses: string[] = [];
    process.stdout.write(`${formatTable(score(report, truth, misses))}\n\n`);
    process.stdout.write(`${formatTable(score(report, truth, undefined, 'format'), 'format')}\n`);
    // Places only, never values: the corpus is on disk with --keep for a closer look.
    if (argv.includes('--explain')) process.stdout.write(`\n${misses.sort().join('\n')}\n`);
    const errors = report.items.filter((i) => i.error);
    if (errors.length) process.stdout.write(`\n${errors.length} items had errors: ${errors.map((i) => `${i.path} (${i.error?.code})`).join(', ')}\n`);
  } finally {
    if (!keep) await rm(root, { recursive: true, force: true });
  }
}

if (process.argv[1] && import.meta.url.endsWith(process.argv[1].replace(/\\/g, '/').split('/').pop() as string)) {
  await main(process.argv.slice(2));
}
