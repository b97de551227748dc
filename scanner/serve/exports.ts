/**
 * Files the workspace hands out: the subject answer (JSON, CSV, XML: the formats the AVG names),
 * the trend over scans (CSV, and HTML made for printing to PDF for a DPIA file), and the Art. 30
 * register (CSV, XLSX). CSV cells go through reporters/csv.ts, which guards against formulas.
 */
import { createHash } from 'node:crypto';
import * as XLSX from '@e965/xlsx';
import { csvTable, excelDate } from '../../reporters/csv.js';
import { REGISTER_COLUMNS } from '../../reporters/register.js';
import { formatHits, type SubjectHit } from '../commands/find.js';
import type { TrendFigures } from '../report/trend.js';
import type { RegisterEntry } from './queries.js';

const where = (w: Record<string, unknown>) =>
  Object.entries(w)
    .map(([k, v]) => `${k} ${v}`)
    .join(', ');

export function subjectExport(hits: SubjectHit[], format: 'json' | 'csv' | 'xml'): { body: string; type: string; name: string } {
  if (format === 'csv') {
    const body = csvTable(
      ['path', 'entry', 'type', 'masked', 'where', 'owner', 'broad access', 'status', 'uri'],
      hits.map((h) => [
        h.path,
        h.entry ?? '',
        h.type,
        h.masked,
        where(h.where),
        h.access?.owner ?? '',
        h.access?.broad === true ? 'yes' : h.access?.broad === 'unknown' ? 'unknown' : 'no',
        h.status ?? 'open',
        h.uri,
      ]),
    );
    return { body, type: 'text/csv; charset=utf-8', name: 'inzage-subject.csv' };
  }
  if (format === 'xml') return { body: formatHits(hits, 'xml'), type: 'application/xml; charset=utf-8', name: 'inzage-subject.xml' };
  return { body: formatHits(hits, 'json'), type: 'application/json; charset=utf-8', name: 'inzage-subject.json' };
}

type TrendRow = { scanId: string; finishedAt: string; figures: TrendFigures };
const CATEGORIES = ['special', 'national-id', 'financial', 'identity', 'contact', 'online'];

function trendTable(rows: TrendRow[]): { head: string[]; body: (string | number)[][] } {
  const cats = [...new Set([...CATEGORIES, ...rows.flatMap((r) => Object.keys(r.figures.byCategory))])].filter((c) =>
    rows.some((r) => (r.figures.byCategory[c] ?? 0) > 0),
  );
  return {
    head: [
      'scan',
      'finished UTC',
      'items',
      'items with personal data',
      'findings',
      ...cats.map((c) => `findings ${c}`),
      'high-risk items',
      'broad access items',
      'new',
      'resolved',
    ],
    body: rows.map((r) => [
      r.scanId,
      excelDate(r.finishedAt),
      r.figures.items,
      r.figures.itemsWithFindings,
      r.figures.findings,
      ...cats.map((c) => r.figures.byCategory[c] ?? 0),
      r.figures.highRisk,
      r.figures.broad,
      r.figures.new,
      r.figures.resolved,
    ]),
  };
}

export function trendCsv(rows: TrendRow[]): string {
  const t = trendTable(rows);
  return csvTable(t.head, t.body);
}

const esc = (v: unknown) => String(v).replace(/[&<>"']/g, (c) => ({ '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&#39;' })[c] as string);

const TREND_TEXT = {
  en: {
    title: 'Personal data over time',
    intro: 'Figures per scan, from the Inzage scan state.',
    chart: 'Items with personal data and high-risk items per scan',
  },
  nl: {
    title: 'Persoonsgegevens door de tijd',
    intro: 'Cijfers per scan, uit de scanstatus van Inzage.',
    chart: 'Items met persoonsgegevens en items met hoog risico per scan',
  },
};

/** A page made for printing (to PDF for the DPIA file): no script, styles by hash, nothing remote. */
export function trendHtml(rows: TrendRow[], lang: 'nl' | 'en'): string {
  const text = TREND_TEXT[lang];
  const t = trendTable(rows);
  const css =
    'body{font:12px system-ui,sans-serif;margin:2em;color:#111}table{border-collapse:collapse;margin-top:1em}th,td{border:1px solid #999;padding:3px 6px;text-align:right}th:first-child,td:first-child{text-align:left}.bar{fill:#3a6ea5}.hi{fill:#b03a2e}@media print{body{margin:0}}';
  const max = Math.max(1, ...rows.map((r) => r.figures.itemsWithFindings));
  const w = 24;
  const bars = rows
    .map((r, i) => {
      const h1 = Math.round((r.figures.itemsWithFindings / max) * 120);
      const h2 = Math.round((r.figures.highRisk / max) * 120);
      return `<rect class="bar" x="${i * w * 2 + 4}" y="${130 - h1}" width="${w - 4}" height="${h1}"><title>${esc(r.finishedAt)}: ${r.figures.itemsWithFindings}</title></rect><rect class="hi" x="${i * w * 2 + w}" y="${130 - h2}" width="${w - 4}" height="${h2}"><title>${esc(r.finishedAt)}: ${r.figures.highRisk}</title></rect>`;
    })
    .join('');
  const hash = createHash('sha256').update(css).digest('base64');
  return `<!doctype html>
<html lang="${lang}"><head><meta charset="utf-8">
<meta http-equiv="Content-Security-Policy" content="default-src 'none'; style-src 'sha256-${hash}'">
<title>${esc(text.title)}</title><style>${css}</style></head><body>
<h1>${esc(text.title)}</h1><p>${esc(text.intro)}</p>
<svg role="img" aria-label="${esc(text.chart)}" width="${Math.max(200, rows.length * w * 2 + 8)}" height="134">${bars}</svg>
<table><thead><tr>${t.head.map((h) => `<th>${esc(h)}</th>`).join('')}</tr></thead>
<tbody>${t.body.map((r) => `<tr>${r.map((v) => `<td>${esc(v)}</td>`).join('')}</tr>`).join('\n')}</tbody></table>
</body></html>
`;
}

function registerTable(rows: RegisterEntry[]): (string | number)[][] {
  return rows.map((r) => [
    r.location,
    r.categories.join(', '),
    r.specialCategories.join(', '),
    r.types.join(', '),
    '',
    r.itemsWithPersonalData,
    r.findings,
    excelDate(r.oldest),
    excelDate(r.newest),
    r.broadAccessItems,
    r.highestRisk,
    r.purpose,
    r.legalBasis,
    r.dataSubjects,
    r.recipients,
    r.retention,
    r.owner,
  ]);
}

export function registerCsv(rows: RegisterEntry[]): string {
  return csvTable(REGISTER_COLUMNS, registerTable(rows));
}

/** Cells are written as text (type s), so a value that starts with = is never a formula. */
export function registerXlsx(rows: RegisterEntry[]): Buffer {
  const sheet = XLSX.utils.aoa_to_sheet([[...REGISTER_COLUMNS], ...registerTable(rows)]);
  const book = XLSX.utils.book_new();
  XLSX.utils.book_append_sheet(book, sheet, 'Art. 30');
  return XLSX.write(book, { type: 'buffer', bookType: 'xlsx' }) as Buffer;
}
