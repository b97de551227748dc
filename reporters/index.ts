/** Reporters by format name; each is a pure function of the report. */
import type { Report } from '../scanner/model.js';
import { renderJson } from './json.js';

export interface Reporter {
  format: string;
  fileName: string;
  render(report: Report): string;
}

export const reporters: readonly Reporter[] = [{ format: 'json', fileName: 'report.json', render: renderJson }];

export function reporterFor(format: string): Reporter | undefined {
  return reporters.find((r) => r.format === format);
}
