/** The JSON reporter: the `inzage.report/v1` contract, as is. */
import type { Report } from '../scanner/model.js';

export const REPORT_SCHEMA_ID = 'inzage.report/v1';

export function renderJson(report: Report): string {
  return `${JSON.stringify(report, null, 2)}\n`;
}
