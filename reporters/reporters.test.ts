import { createHash } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import type { Report, ReportItem } from '../scanner/model.js';
import { csvCell, excelDate, renderFindingsCsv, renderItemsCsv } from './csv.js';
import { pageData, renderHtml, scriptSafeJson, stripModuleSyntax } from './html.js';
import { reporterFor, reportFiles } from './index.js';
import { REGISTER_COLUMNS, registerLocation, registerRows, renderRegisterCsv } from './register.js';

function item(path: string, over: Partial<ReportItem> = {}): ReportItem {
  return {
    path,
    uri: `file:///share/${path}`,
    kind: 'file',
    mediaType: 'text/plain',
    size: 100,
    modified: '2024-03-01T10:00:00.000Z',
    access: { owner: 'jan', group: 'hr', mode: '0640', entries: [{ principal: 'user:jan', rights: 'read,write' }], broad: false, reasons: [] },
    findings: [],
    risk: { score: 0, level: 'none', reasons: [] },
    error: null,
    ...over,
  };
}

const iban = {
  type: 'iban',
  category: 'financial' as const,
  confidence: 0.97,
  masked: 'NL** **** **** **43 00',
  hash: 'a'.repeat(64),
  where: { sheet: 'Blad1', cell: 'C7' },
};
const health = { type: 'special-health', category: 'special' as const, confidence: 0.8, masked: 'diagnose: ***', hash: 'b'.repeat(64), where: { line: 3 } };

/** Fields the scan state adds to the contract; spread in, so the object fits the Report type before and after. */
const STATE_STATS = { suppressed: 0, read: 0, reused: 0 };
const STATE_FIELDS = { changes: { since: null, new: 0, resolved: 0, unchanged: 0, resolvedFindings: [] } };

function report(items: ReportItem[]): Report {
  return {
    ...STATE_FIELDS,
    schema: 'inzage.report/v1',
    tool: { name: 'inzage', version: '0.1.0' },
    scan: { id: 'test', startedAt: '2024-03-02T00:00:00.000Z', finishedAt: '2024-03-02T00:01:00.000Z', roots: ['/share'], minConfidence: 0.5 },
    stats: {
      items: items.length,
      itemsWithFindings: 0,
      findings: 0,
      bytes: 0,
      errors: 0,
      skipped: 0,
      durationMs: 1,
      byType: {},
      byErrorCode: {},
      ...STATE_STATS,
    },
    items,
  };
}

/** Parses our CSV back (quoted fields, doubled quotes, CRLF), to check what Excel would see. */
function parseCsv(text: string, delimiter: string): string[][] {
  const rows: string[][] = [];
  let row: string[] = [];
  let cell = '';
  let quoted = false;
  for (let i = 0; i < text.length; i++) {
    const c = text[i];
    if (quoted) {
      if (c === '"' && text[i + 1] === '"') {
        cell += '"';
        i++;
      } else if (c === '"') quoted = false;
      else cell += c;
    } else if (c === '"') quoted = true;
    else if (c === delimiter) {
      row.push(cell);
      cell = '';
    } else if (c === '\r' && text[i + 1] === '\n') {
      row.push(cell);
      rows.push(row);
      row = [];
      cell = '';
      i++;
    } else cell += c;
  }
  return rows;
}

describe('csv', () => {
  it('quotes delimiters, quotes and line breaks, and keeps formulas as text', () => {
    expect(csvCell('a;b', ';')).toBe('"a;b"');
    expect(csvCell('a;b', ',')).toBe('a;b');
    expect(csvCell('say "hi"', ',')).toBe('"say ""hi"""');
    expect(csvCell('two\nlines', ';')).toBe('"two\nlines"');
    expect(csvCell('=HYPERLINK("http://x")', ';')).toBe(`"'=HYPERLINK(""http://x"")"`);
    expect(csvCell('+31 6 ****', ';')).toBe("'+31 6 ****");
    expect(csvCell('@SUM(A1)', ';')).toBe("'@SUM(A1)");
    expect(csvCell(-3, ';')).toBe('-3');
    expect(csvCell(true, ';')).toBe('yes');
    expect(csvCell(undefined, ';')).toBe('');
  });

  it('writes dates Excel reads, in UTC', () => {
    expect(excelDate('2024-03-01T10:00:00.123+02:00')).toBe('2024-03-01 08:00:00');
    expect(excelDate(undefined)).toBe('');
    expect(excelDate('not a date')).toBe('');
  });

  it('writes items and findings with a BOM, CRLF and the chosen delimiter', () => {
    const r = report([item('HR/lijst;2024.xlsx', { findings: [iban], risk: { score: 40, level: 'medium', reasons: [] } }), item('Public/é.txt')]);
    for (const delimiter of [';', ','] as const) {
      const items = renderItemsCsv(r, delimiter);
      expect(items.startsWith('\uFEFFpath')).toBe(true);
      const rows = parseCsv(items.slice(1), delimiter);
      expect(rows).toHaveLength(3);
      expect(rows.every((row) => row.length === rows[0]?.length)).toBe(true);
      const header = rows[0] as string[];
      const first = Object.fromEntries(header.map((h, i) => [h, rows[1]?.[i]]));
      expect(first).toMatchObject({
        path: 'HR/lijst;2024.xlsx',
        risk_level: 'medium',
        findings: '1',
        types: 'iban',
        broad_access: 'no',
        modified_utc: '2024-03-01 10:00:00',
      });
      expect(rows[2]?.[0]).toBe('Public/é.txt');
      const findings = parseCsv(renderFindingsCsv(r, delimiter).slice(1), delimiter);
      const f = Object.fromEntries((findings[0] as string[]).map((h, i) => [h, findings[1]?.[i]]));
      expect(findings).toHaveLength(2);
      expect(f).toMatchObject({ type: 'iban', masked: 'NL** **** **** **43 00', confidence_pct: '97', sheet: 'Blad1', cell: 'C7', line: '' });
    }
  });

  it('writes items.csv and findings.csv for --format csv', () => {
    const reporter = reporterFor('csv');
    expect(reporter).toBeDefined();
    const files = reportFiles(reporter!, report([item('a.txt', { findings: [iban] })]), { csvDelimiter: ',' });
    expect(files.map((f) => f.fileName)).toEqual(['items.csv', 'findings.csv']);
    expect(files[0]?.content.split('\r\n')[0]).toContain('path,entry,kind');
  });
});

describe('Art. 30 register', () => {
  it('groups files per folder and mail per mailbox', () => {
    expect(registerLocation('HR/salaris/2024.xlsx')).toBe('HR/salaris');
    expect(registerLocation('readme.txt')).toBe('.');
    expect(registerLocation('mailbox/jan@example.nl/Inbox/subject-1')).toBe('mailbox/jan@example.nl');
  });

  it('lists only places with personal data, with categories, counts, dates, access and risk', () => {
    const rows = registerRows(
      report([
        item('HR/a.txt', { findings: [iban, iban], modified: '2020-05-01T00:00:00Z', risk: { score: 45, level: 'medium', reasons: [] } }),
        item('HR/b.txt', {
          findings: [health],
          modified: '2023-01-01T00:00:00Z',
          access: { entries: [], broad: true, reasons: ['everyone'] },
          risk: { score: 80, level: 'critical', reasons: [] },
        }),
        item('HR/c.txt', { modified: '2010-01-01T00:00:00Z' }),
        item('Public/d.txt'),
        item('mailbox/jan@example.nl/Inbox/x-1', { findings: [iban], risk: { score: 30, level: 'medium', reasons: [] } }),
      ]),
    );
    expect(rows.map((r) => r.location)).toEqual(['HR', 'mailbox/jan@example.nl']);
    expect(rows[0]).toEqual({
      location: 'HR',
      items: 3,
      itemsWithPersonalData: 2,
      findings: 3,
      categories: ['financial'],
      specialCategories: ['special-health'],
      types: ['iban', 'special-health'],
      oldest: '2020-05-01T00:00:00Z',
      newest: '2023-01-01T00:00:00Z',
      broadAccessItems: 1,
      highestRisk: 'critical',
    });
  });

  it('leaves the columns only the organisation can fill empty', () => {
    const csv = renderRegisterCsv(report([item('HR/a.txt', { findings: [iban] })]), ';');
    const [header, row] = parseCsv(csv.slice(1), ';');
    expect(header).toEqual([...REGISTER_COLUMNS]);
    const purpose = header!.indexOf('purpose (doel)');
    expect(row!.slice(purpose)).toEqual(['', '', '', '', '', '']);
    expect(row![0]).toBe('HR');
  });
});

describe('html', () => {
  it('embeds JSON that cannot end its script element and reads back unchanged', () => {
    const value = { path: '</script><script>alert(1)</script>', c: '<!-- & -->', ls: '\u2028\u2029' };
    const safe = scriptSafeJson(value);
    expect(safe).not.toMatch(/[<>&\u2028\u2029]/);
    expect(JSON.parse(safe)).toEqual(value);
  });

  it('turns the page modules into one script', () => {
    const src = "import { h } from './dom.js';\nexport function f() {}\nexport const x = 1;\nconst y = 'export const';\n";
    expect(stripModuleSyntax(src)).toBe("\nfunction f() {}\nconst x = 1;\nconst y = 'export const';\n");
  });

  it('stores shared access and uri prefixes once, and keeps what it cannot share', () => {
    const odd = item('b c.txt', { uri: 'file:///share/b%20c.txt', access: { entries: [], broad: true, reasons: ['everyone'] } });
    const r = report([item('HR/a.txt', { findings: [iban] }), item('HR/b.txt'), odd]);
    const data = pageData(r);
    expect(data.tables.access).toEqual([r.items[0]?.access, odd.access]);
    expect(data.items.map((i) => i.a)).toEqual([0, 0, 1]);
    expect(data.tables.uriPrefix).toEqual(['file:///share/']);
    expect(data.items.map((i) => [i.u, i.uri])).toEqual([
      [0, undefined],
      [0, undefined],
      [undefined, 'file:///share/b%20c.txt'],
    ]);
    expect(data.items[0]?.findings[0]?.hash).toBe('a'.repeat(16));
  });

  it("shows the folder's entries on items whose access rolled up into it", () => {
    const folderAccess = {
      owner: 'jan',
      group: 'hr',
      mode: '0750',
      entries: [
        { principal: 'user:jan', rights: 'read,write,execute' },
        { principal: 'group:hr', rights: 'read,execute' },
        { principal: 'group:users', rights: 'read,execute', default: true },
      ],
      broad: false,
      reasons: [],
    };
    const rolled = { owner: 'jan', group: 'hr', mode: '0640', entries: [], broad: false, reasons: [], sameAsFolder: 'file:///share/HR' };
    const r = report([item('HR/a.txt', { access: rolled }), item('HR/b.txt', { access: rolled }), item('HR/c.txt')]);
    r.folders = [
      {
        path: 'HR',
        uri: 'file:///share/HR',
        access: folderAccess,
        items: 3,
        itemsSameAccess: 2,
        itemsWithFindings: 0,
        findings: 0,
        distinctValues: 0,
        broadItems: 0,
        risk: { score: 0, level: 'none', reasons: [] },
      },
    ];
    const data = pageData(r);
    expect(data.items.map((i) => i.a)).toEqual([0, 0, 1]);
    expect(data.tables.access[0]).toEqual({ ...rolled, entries: folderAccess.entries.slice(0, 2) });
    expect(data.tables.access[1]).toEqual(r.items[2]?.access);
  });

  it('allows exactly its own inline script and style by hash, and nothing remote', () => {
    const html = renderHtml(report([item('</script><b>x</b>.txt', { findings: [iban] })]));
    const csp = /<meta http-equiv="Content-Security-Policy" content="([^"]+)">/.exec(html)?.[1] ?? '';
    const script = /<script>([\s\S]*?)<\/script>/.exec(html)?.[1] ?? '';
    const style = /<style>([\s\S]*?)<\/style>/.exec(html)?.[1] ?? '';
    const hash = (text: string) => `'sha256-${createHash('sha256').update(text).digest('base64')}'`;
    expect(csp).toContain("default-src 'none'");
    expect(csp).toContain(`script-src ${hash(script)}`);
    expect(csp).toContain(`style-src ${hash(style)}`);
    expect(csp).not.toMatch(/unsafe|https?:|\*/);
    // The hostile name appears only inside the JSON, escaped.
    expect(html).not.toContain('<b>x</b>');
    expect(html.match(/<\/script>/g)).toHaveLength(2);
    const json = /<script type="application\/json" id="inzage-data">([\s\S]*?)<\/script>/.exec(html)?.[1] ?? '';
    expect(JSON.parse(json).items[0].path).toBe('</script><b>x</b>.txt');
    expect(JSON.parse(json).items[0].findings[0].hash).toBe('a'.repeat(16));
  });
});
