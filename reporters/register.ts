/**
 * A draft of the GDPR Art. 30 register of processing activities, one row per folder or mailbox
 * that holds personal data: what the scan can know (categories, special categories, counts,
 * oldest and newest item, broad access), and empty columns for what only the organisation can
 * say (purpose, legal basis, data subjects, recipients, retention), for the privacy officer to fill in.
 * Column names carry the Dutch term beside the English one, as the officer will use either.
 */
import type { Report, ReportItem } from '../scanner/model.js';
import { type CsvDelimiter, csvTable, excelDate } from './csv.js';

export interface RegisterRow {
  /** Folder path relative to the root (`.` for the root itself), or `mailbox/<name>`. */
  location: string;
  items: number;
  itemsWithPersonalData: number;
  findings: number;
  categories: string[];
  specialCategories: string[];
  types: string[];
  oldest?: string;
  newest?: string;
  broadAccessItems: number;
  highestRisk: string;
}

const LEVEL_ORDER = ['none', 'low', 'medium', 'high', 'critical'];

/** The register groups mail per mailbox (`mailbox/<name>/…`) and files per folder. */
export function registerLocation(path: string): string {
  const parts = path.split('/');
  if (parts[0] === 'mailbox' && parts.length > 2) return `mailbox/${parts[1]}`;
  return parts.length > 1 ? parts.slice(0, -1).join('/') : '.';
}

export function registerRows(report: Report): RegisterRow[] {
  const groups = new Map<string, ReportItem[]>();
  for (const item of report.items) {
    const key = registerLocation(item.path);
    const list = groups.get(key);
    if (list) list.push(item);
    else groups.set(key, [item]);
  }
  const rows: RegisterRow[] = [];
  for (const [location, items] of groups) {
    const withData = items.filter((i) => i.findings.length > 0);
    if (withData.length === 0) continue;
    const findings = withData.flatMap((i) => i.findings);
    const dates = withData.map((i) => i.modified).filter((m): m is string => Boolean(m) && !Number.isNaN(Date.parse(m as string)));
    dates.sort((a, b) => Date.parse(a) - Date.parse(b));
    rows.push({
      location,
      items: items.length,
      itemsWithPersonalData: withData.length,
      findings: findings.length,
      categories: [...new Set(findings.filter((f) => f.category !== 'special').map((f) => f.category))].sort(),
      specialCategories: [...new Set(findings.filter((f) => f.category === 'special').map((f) => f.type))].sort(),
      types: [...new Set(findings.map((f) => f.type))].sort(),
      oldest: dates[0],
      newest: dates[dates.length - 1],
      broadAccessItems: withData.filter((i) => i.access?.broad === true).length,
      highestRisk: withData.reduce((top, i) => (LEVEL_ORDER.indexOf(i.risk.level) > LEVEL_ORDER.indexOf(top) ? i.risk.level : top), 'none'),
    });
  }
  return rows.sort((a, b) => (a.location < b.location ? -1 : a.location > b.location ? 1 : 0));
}

export const REGISTER_COLUMNS = [
  'location (locatie)',
  'categories of personal data (categorieën persoonsgegevens)',
  'special categories (bijzondere persoonsgegevens)',
  'finding types (soorten)',
  'items',
  'items with personal data (items met persoonsgegevens)',
  'findings (vondsten)',
  'oldest item UTC (oudste item)',
  'newest item UTC (nieuwste item)',
  'items with broad access (items met ruime toegang)',
  'highest risk (hoogste risico)',
  'purpose (doel)',
  'legal basis (grondslag)',
  'data subjects (betrokkenen)',
  'recipients (ontvangers)',
  'retention period (bewaartermijn)',
  'owner (eigenaar)',
] as const;

export function renderRegisterCsv(report: Report, delimiter: CsvDelimiter = ';'): string {
  return csvTable(
    REGISTER_COLUMNS,
    registerRows(report).map((r) => [
      r.location,
      r.categories.join(', '),
      r.specialCategories.join(', '),
      r.types.join(', '),
      r.items,
      r.itemsWithPersonalData,
      r.findings,
      excelDate(r.oldest),
      excelDate(r.newest),
      r.broadAccessItems,
      r.highestRisk,
      '',
      '',
      '',
      '',
      '',
      '',
    ]),
    delimiter,
  );
}
