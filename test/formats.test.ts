/**
 * Every format through the built pipeline (worker pool from dist/): the planted values are found
 * with the right type and `where`, containers list their children, unreadable files carry the
 * right error code, and nothing raw reaches the report. Needs `npm run build` first (`npm test` does it).
 */
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { scan } from '../dist/scanner/pipeline/scan.js';
import type { ExpectedItem } from '../fixtures/expected.js';
import { generateFormatFixtures } from '../fixtures/formats.js';
import { composeEml } from '../fixtures/mail.js';
import { zipBytes } from '../fixtures/zip-writer.js';
import type { Report, ReportItem } from '../scanner/model.js';

let dir: string;
let expected: ExpectedItem[];
let report: Report;
let prototypeKeysBefore: string[];

function itemsAt(path: string, entry?: string): ReportItem[] {
  return report.items.filter((i) => i.path === path && i.entry === entry);
}

beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), 'inzage-formats-'));
  const share = join(dir, 'share');
  expected = await generateFormatFixtures(share, () => 0.5);
  // Crafted names that would pollute Object.prototype if any code kept them as plain-object keys.
  await writeFile(
    join(share, 'proto.zip'),
    await zipBytes([
      { name: '__proto__', data: Buffer.from('polluted=yes\n') },
      { name: 'constructor/prototype/polluted.txt', data: Buffer.from('x\n') },
    ]),
  );
  await writeFile(
    join(share, 'proto.eml'),
    composeEml({
      headers: { From: 'a@example.com', To: 'b@example.com', Subject: '__proto__', ['__proto__']: '{"polluted":true}' },
      text: 'constructor.prototype.polluted = true\n',
      attachments: [{ name: '__proto__', type: 'application/json', data: Buffer.from('{"__proto__":{"polluted":true}}') }],
    }),
  );
  prototypeKeysBefore = Object.getOwnPropertyNames(Object.prototype);
  report = await scan({ roots: [share], workers: 2, keyFile: join(dir, 'key') });
});

afterAll(async () => {
  if (dir) await rm(dir, { recursive: true, force: true });
});

describe('format fixtures through the pipeline', () => {
  it('has fixtures for every format', () => {
    const extensions = new Set(expected.map((e) => /\.([a-z]+)$/.exec(e.path)?.[1] ?? 'none'));
    for (const ext of ['docx', 'dotx', 'doc', 'xlsx', 'xlsb', 'xls', 'ods', 'pdf', 'pptx', 'odt', 'odp', 'rtf', 'eml', 'msg', 'zip', 'none'])
      expect(extensions).toContain(ext);
  });

  it('lists every item exactly once', () => {
    const uris = report.items.map((i) => i.uri);
    expect(new Set(uris).size).toBe(uris.length);
    for (const e of expected) expect(itemsAt(e.path, e.entry), `${e.path} ${e.entry ?? ''}`).toHaveLength(1);
  });

  it('finds each planted value with its type and location', () => {
    for (const e of expected) {
      const [item] = itemsAt(e.path, e.entry);
      for (const f of e.findings) {
        const found = item?.findings.some((g) => g.type === f.type && JSON.stringify(g.where) === JSON.stringify(f.where));
        expect(
          found,
          `${f.type} at ${JSON.stringify(f.where)} in ${e.path} ${e.entry ?? ''}; got ${JSON.stringify(item?.findings.map((g) => [g.type, g.where]))}`,
        ).toBe(true);
      }
    }
  });

  it('ends unreadable items with the expected error code, and readable ones with none', () => {
    for (const e of expected) {
      const [item] = itemsAt(e.path, e.entry);
      expect(item?.error?.code ?? null, `${e.path} ${e.entry ?? ''}: ${item?.error?.message}`).toBe(e.error ?? null);
    }
  });

  it('tells Office formats apart by content, also when magic bytes say only zip or OLE', () => {
    expect(itemsAt('kantoor/medewerkers.xlsx')[0]?.mediaType).toBe('application/vnd.openxmlformats-officedocument.spreadsheetml.sheet');
    expect(itemsAt('kantoor/medewerkers.xls')[0]?.mediaType).toBe('application/vnd.ms-excel');
    expect(itemsAt('kantoor/brief-zonder-extensie')[0]?.mediaType).toBe('application/vnd.openxmlformats-officedocument.wordprocessingml.document');
    expect(itemsAt('mail/salaris.msg')[0]?.mediaType).toBe('application/vnd.ms-outlook');
    expect(itemsAt('mail/Inbox')[0]?.mediaType).toBe('application/mbox');
    expect(itemsAt('archief/export.zip', 'brieven/dossier.docx')[0]?.kind).toBe('archive-entry');
    expect(itemsAt('mail/rekening.eml', 'lijst.csv')[0]?.kind).toBe('attachment');
    expect(itemsAt('mail/Inbox', 'message-1.eml')[0]?.kind).toBe('message');
  });

  it('never writes a planted value into the report', () => {
    const json = JSON.stringify(report);
    for (const e of expected) for (const f of e.findings) expect(json).not.toContain(f.value);
  });

  it('is not polluted by crafted names and keys', () => {
    expect(Object.getOwnPropertyNames(Object.prototype)).toEqual(prototypeKeysBefore);
    expect(({} as Record<string, unknown>).polluted).toBeUndefined();
    expect(itemsAt('proto.zip', '__proto__')).toHaveLength(1);
    expect(itemsAt('proto.zip', 'constructor/prototype/polluted.txt')).toHaveLength(1);
    expect(itemsAt('proto.eml', '__proto__')).toHaveLength(1);
    for (const item of report.items) expect(Object.getPrototypeOf(item)).toBe(Object.prototype);
  });
});
