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

interface Group {
  items: number;
  withData: number;
  findings: number;
  categories: Set<string>;
  special: Set<string>;
  types: Set<string>;
  oldest?: string;
  newest?: string;
  broad: number;
  highest: string;
}

/** The register built item by item: memory grows with the locations, not the items. */
export class RegisterAccumulator {
  private readonly groups = new Map<string, Group>();

  add(item: ReportItem): void {
    const key = registerLocation(item.path);
    let g = this.groups.get(key);
    if (!g) {
      g = { items: 0, withData: 0, findings: 0, categories: new Set(), special: new Set(), types: new Set(), broad: 0, highest: 'none' };
      this.groups.set(key, g);
    }
    g.items++;
    if (item.findings.length === 0) return;
    g.withData++;
    g.findings += item.findings.length;
    for (const f of item.findings) {
      if (f.category === 'special') g.special.add(f.type);
      else g.categories.add(f.category);
      g.types.add(f.type);
    }
    const m = item.modified;
    if (m && !Number.isNaN(Date.parse(m))) {
      if (g.oldest === undefined || Date.parse(m) < Date.parse(g.oldest)) g.oldest = m;
      if (g.newest === undefined || Date.parse(m) >= Date.parse(g.newest)) g.newest = m;
    }
    if (item.access?.broad === true) g.broad++;
    if (LEVEL_ORDER.indexOf(item.risk.level) > LEVEL_ORDER.indexOf(g.highest)) g.highest = item.risk.level;
  }

  rows(): RegisterRow[] {
    const rows: RegisterRow[] = [];
    for (const [location, g] of this.groups) {
      if (g.withData === 0) continue;
      rows.push({
        location,
        items: g.items,
        itemsWithPersonalData: g.withData,
        findings: g.findings,
        categories: [...g.categories].sort(),
        specialCategories: [...g.special].sort(),
        types: [...g.types].sort(),
        oldest: g.oldest,
        newest: g.newest,
        broadAccessItems: g.broad,
        highestRisk: g.highest,
      });
    }
    return rows.sort((a, b) => (a.location < b.location ? -1 : a.location > b.location ? 1 : 0));
  }
}

export function registerRows(report: Report): RegisterRow[] {
  const acc = new RegisterAccumulator();
  for (const item of report.items) acc.add(item);
  return acc.rows();
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
  return registerCsv(registerRows(report), delimiter);
}

export function registerCsv(rows: RegisterRow[], delimiter: CsvDelimiter = ';'): string {
  return csvTable(
    REGISTER_COLUMNS,
    rows.map((r) => [
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
