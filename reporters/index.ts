/** Reporters by format name; each is a pure function of the report (and the output options). */
import type { Report } from '../scanner/model.js';
import { renderFindingsCsv, renderItemsCsv } from './csv.js';
import { renderHtml } from './html.js';
import { renderJson } from './json.js';
import { renderRegisterCsv } from './register.js';

export interface ReporterOptions {
  /** Field separator for CSV files: `;` for Excel in Dutch (and most European) locales, `,` elsewhere. */
  csvDelimiter: ',' | ';';
}

export const DEFAULT_REPORTER_OPTIONS: ReporterOptions = { csvDelimiter: ';' };

export interface ReportFile {
  fileName: string;
  content: string;
}

export interface Reporter {
  format: string;
  /** The main file this format writes. */
  fileName: string;
  render(report: Report, options?: ReporterOptions): string;
  /** Further files a format writes beside its main one (CSV: findings beside items). */
  extraFiles?(report: Report, options?: ReporterOptions): ReportFile[];
}

export const reporters: readonly Reporter[] = [
  { format: 'json', fileName: 'report.json', render: renderJson },
  { format: 'html', fileName: 'report.html', render: renderHtml },
  {
    format: 'csv',
    fileName: 'items.csv',
    render: (report, options) => renderItemsCsv(report, options?.csvDelimiter),
    extraFiles: (report, options) => [{ fileName: 'findings.csv', content: renderFindingsCsv(report, options?.csvDelimiter) }],
  },
  { format: 'register', fileName: 'register.csv', render: (report, options) => renderRegisterCsv(report, options?.csvDelimiter) },
];

export function reporterFor(format: string): Reporter | undefined {
  return reporters.find((r) => r.format === format);
}

/** Every file a reporter writes, main file first. */
export function reportFiles(reporter: Reporter, report: Report, options: ReporterOptions = DEFAULT_REPORTER_OPTIONS): ReportFile[] {
  return [{ fileName: reporter.fileName, content: reporter.render(report, options) }, ...(reporter.extraFiles?.(report, options) ?? [])];
}
