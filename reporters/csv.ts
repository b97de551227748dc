/**
 * CSV for spreadsheets: items.csv (one row per item) and findings.csv (one row per finding).
 * Written for Excel: a UTF-8 byte-order mark so accents survive, CRLF line ends, a chosen
 * delimiter (`;` where the decimal comma is the norm), no decimal fractions, and dates as
 * `YYYY-MM-DD HH:MM:SS` (UTC), which Excel reads as dates in any locale.
 */
import type { Report, ReportItem } from '../scanner/model.js';

export type CsvDelimiter = ',' | ';';
export type Cell = string | number | boolean | undefined | null;

const BOM = '\uFEFF';

/**
 * One cell. A value a spreadsheet would run as a formula (`=`, `+`, `-`, `@`, tab, CR first) gets
 * a leading apostrophe: file names come from the share and must stay text (CSV injection).
 */
export function csvCell(value: Cell, delimiter: CsvDelimiter): string {
  if (value === undefined || value === null) return '';
  let text = typeof value === 'boolean' ? (value ? 'yes' : 'no') : String(value);
  if (typeof value === 'string' && /^[=+\-@\t\r]/.test(text)) text = `'${text}`;
  if (text.includes(delimiter) || /["\r\n]/.test(text)) return `"${text.replace(/"/g, '""')}"`;
  return text;
}

/** The first line of a CSV file (with the byte-order mark). */
export function csvHeader(header: readonly string[], delimiter: CsvDelimiter): string {
  return `${BOM}${csvLine(header, delimiter)}`;
}

/** One CSV line, CRLF-terminated. */
export function csvLine(row: readonly Cell[], delimiter: CsvDelimiter): string {
  return `${row.map((c) => csvCell(c, delimiter)).join(delimiter)}\r\n`;
}

export function csvTable(header: readonly string[], rows: Iterable<readonly Cell[]>, delimiter: CsvDelimiter = ';'): string {
  const lines = [header.map((h) => csvCell(h, delimiter)).join(delimiter)];
  for (const row of rows) lines.push(row.map((c) => csvCell(c, delimiter)).join(delimiter));
  return `${BOM}${lines.join('\r\n')}\r\n`;
}

/** ISO 8601 → `2026-11-29 05:13:52`, in UTC as the column name says. */
export function excelDate(iso: string | undefined): string {
  if (!iso) return '';
  const d = new Date(iso);
  return Number.isNaN(d.getTime()) ? '' : d.toISOString().slice(0, 19).replace('T', ' ');
}

const unique = (values: string[]) => [...new Set(values)];

export const ITEM_COLUMNS = [
  'path',
  'entry',
  'kind',
  'media_type',
  'size_bytes',
  'modified_utc',
  'risk_level',
  'risk_score',
  'findings',
  'types',
  'categories',
  'broad_access',
  'access_reasons',
  'owner',
  'group',
  'mode',
  'error_code',
  'error_message',
  'uri',
] as const;

export function itemRow(item: ReportItem): Cell[] {
  return [
    item.path,
    item.entry,
    item.kind,
    item.mediaType,
    item.size,
    excelDate(item.modified),
    item.risk.level,
    item.risk.score,
    item.findings.length,
    unique(item.findings.map((f) => f.type)).join(', '),
    unique(item.findings.map((f) => f.category)).join(', '),
    item.access ? item.access.broad : undefined,
    item.access?.reasons.join(', '),
    item.access?.owner,
    item.access?.group,
    item.access?.mode,
    item.error?.code,
    item.error?.message,
    item.uri,
  ];
}

export function renderItemsCsv(report: Report, delimiter: CsvDelimiter = ';'): string {
  return csvTable(ITEM_COLUMNS, report.items.map(itemRow), delimiter);
}

export const FINDING_COLUMNS = [
  'path',
  'entry',
  'type',
  'category',
  'masked',
  'confidence_pct',
  'line',
  'page',
  'sheet',
  'cell',
  'paragraph',
  'slide',
  'part',
  'item_risk_level',
  'hash',
] as const;

function* findingRows(report: Report): Generator<Cell[]> {
  for (const item of report.items) yield* itemFindingRows(item);
}

/** The findings.csv rows of one item. */
export function* itemFindingRows(item: ReportItem): Generator<Cell[]> {
  for (const f of item.findings) {
    const w = f.where;
    yield [
      item.path,
      item.entry,
      f.type,
      f.category,
      f.masked,
      Math.round(f.confidence * 100),
      w.line,
      w.page,
      w.sheet,
      w.cell,
      w.paragraph,
      w.slide,
      w.part,
      item.risk.level,
      f.hash,
    ];
  }
}

export function renderFindingsCsv(report: Report, delimiter: CsvDelimiter = ';'): string {
  return csvTable(FINDING_COLUMNS, findingRows(report), delimiter);
}
