/**
 * Child process of the benchmark: one scan, then its figures as JSON (peak RSS covers all worker
 * threads). The compile cache is on, as in the `inzage` executable (Node 22 and later), before the
 * scanner's modules load.
 */
import { enableCompileCache } from '../scanner/compile-cache.js';

enableCompileCache();
const { scan } = await import('../scanner/pipeline/scan.js');

const [root, workers] = process.argv.slice(2);
const started = process.hrtime.bigint();
const report = await scan({ roots: [root as string], workers: Number(workers) });
const seconds = Number(process.hrtime.bigint() - started) / 1e9;
process.stdout.write(
  JSON.stringify({
    seconds,
    items: report.stats.items,
    bytes: report.stats.bytes,
    findings: report.stats.findings,
    errors: report.stats.errors,
    read: report.stats.read,
    reused: report.stats.reused,
    peakRssMb: process.resourceUsage().maxRSS / 1024,
  }),
);
