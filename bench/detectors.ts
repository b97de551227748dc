/**
 * `npm run bench:detectors`: detection throughput in MB/s, in one thread, on text that looks like
 * a file share (mostly ordinary office prose and tables, with the detector corpus mixed in).
 * Three runs show what the keyword prefilter buys:
 *   - the 6 core detectors;
 *   - all built-in detectors, with the Aho–Corasick keyword prefilter (as scans run);
 *   - all built-in detectors with their keywords removed, so every detector scans every line.
 * Each on two texts: office prose with 10% of its lines from the detector corpus, and plain office
 * prose (where most gated detectors never run). Options: --mb N (text size per run, default 4).
 */
import { createHmac } from 'node:crypto';
import { mkdtemp, readdir, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createEngine } from '../detectors/engine.js';
import { builtinDetectors, coreDetectors } from '../detectors/registry.js';
import type { Detector, Segment } from '../detectors/types.js';
import { generateDetectorCorpus } from '../fixtures/detector-corpus.js';
import { int, pick, type Random, seeded } from '../fixtures/identifiers.js';

const WORDS = `de het een van en in is op te dat voor met zijn aan er niet om ook als bij of nog naar uit dan wordt kan door over tot project planning
overleg budget kosten offerte levering contract afspraak rapport kwartaal resultaat medewerkers afdeling systeem update versie server netwerk
klant product bestelling week maand jaar totaal bedrag procent nieuwe oude team directie beleid proces controle document bijlage`.split(/\s+/);

function officeLine(random: Random): string {
  const words: string[] = [];
  const n = int(random, 6, 18);
  for (let i = 0; i < n; i++) {
    const r = random();
    if (r < 0.06) words.push(String(int(random, 1, 99999)));
    else if (r < 0.09) words.push(`${int(random, 1, 28)}-${int(random, 1, 12)}-2024`);
    else if (r < 0.14) words.push(pick(random, ['Project', 'Team', 'Noord', 'Zuid', 'Planning', 'Intranet', 'Teams', 'Excel']));
    else words.push(pick(random, WORDS));
  }
  return `${words.join(' ')}.`;
}

async function corpusLines(): Promise<string[]> {
  const dir = await mkdtemp(join(tmpdir(), 'inzage-bench-'));
  try {
    await generateDetectorCorpus(dir, seeded(4));
    const lines: string[] = [];
    const walk = async (d: string): Promise<void> => {
      for (const e of await readdir(d, { withFileTypes: true })) {
        if (e.isDirectory()) await walk(join(d, e.name));
        else lines.push(...(await readFile(join(d, e.name), 'utf8')).split('\n').filter(Boolean));
      }
    };
    await walk(dir);
    return lines;
  } finally {
    await rm(dir, { recursive: true, force: true });
  }
}

/** Lines of about `mb` megabytes: office prose, with a share `dense` of lines from the detector corpus. */
function buildText(mb: number, corpus: readonly string[], random: Random, dense: number): Segment[] {
  const segments: Segment[] = [];
  let bytes = 0;
  let line = 0;
  while (bytes < mb * 1024 * 1024) {
    const text = random() < dense ? pick(random, corpus) : officeLine(random);
    bytes += Buffer.byteLength(text) + 1;
    segments.push({ text, where: { line: ++line } });
  }
  return segments;
}

function run(name: string, detectors: readonly Detector[], segments: readonly Segment[], bytes: number): void {
  const hasher = (type: string, value: string) => createHmac('sha256', 'bench').update(`${type}\0${value}`).digest('hex');
  const engine = createEngine(detectors, hasher);
  // Warm up the regex compiler and the JIT on a slice before timing.
  for (const s of segments.slice(0, 2000)) engine.detect(s);
  const started = process.hrtime.bigint();
  let findings = 0;
  for (const s of segments) findings += engine.detect(s).length;
  const seconds = Number(process.hrtime.bigint() - started) / 1e9;
  process.stdout.write(
    `${name.padEnd(44)} ${String(detectors.length).padStart(3)} detectors  ${(bytes / 1024 / 1024 / seconds).toFixed(1).padStart(6)} MB/s  ${String(findings).padStart(7)} findings\n`,
  );
}

const argv = process.argv.slice(2);
const mbAt = argv.indexOf('--mb');
const mb = mbAt >= 0 ? Number(argv[mbAt + 1]) : 4;
const corpus = await corpusLines();
const unfiltered = builtinDetectors.map((d) => {
  const { keywords: _keywords, ...rest } = d;
  return rest as Detector;
});
for (const [label, dense] of [
  ['office text, 10% of lines full of personal data', 0.1],
  ['plain office text', 0],
] as const) {
  const segments = buildText(mb, corpus, seeded(7), dense);
  const bytes = segments.reduce((s, x) => s + Buffer.byteLength(x.text) + 1, 0);
  process.stdout.write(`\nOne thread, ${(bytes / 1024 / 1024).toFixed(1)} MB of ${label}:\n`);
  run('core (email, phone, iban, card, ip, bsn)', coreDetectors, segments, bytes);
  run('all built-in, keyword prefilter', builtinDetectors, segments, bytes);
  run('all built-in, no prefilter (every detector)', unfiltered, segments, bytes);
}
