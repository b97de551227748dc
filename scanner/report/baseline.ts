/** `--baseline FILE`: a report to compare with instead of the previous scan in the state. */
import { readFileSync } from 'node:fs';
import { InzageError } from '../errors.js';
import type { Report } from '../model.js';

export function loadBaseline(file: string): { file: string; report: Report } {
  try {
    const report = JSON.parse(readFileSync(file, 'utf8')) as Report;
    if (report.schema !== 'inzage.report/v1' || !Array.isArray(report.items)) throw new Error('not an inzage.report/v1 report');
    return { file, report };
  } catch (err) {
    throw new InzageError('bad-baseline', `cannot use ${file} as a baseline: ${(err as Error).message}`);
  }
}
