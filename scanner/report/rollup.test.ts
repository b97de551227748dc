/** Roll-up over report items: folder chains, subtree counts, same-as-folder access, hot spots. */
import { describe, expect, it } from 'vitest';
import type { Category } from '../../detectors/types.js';
import type { Access, ReportItem } from '../model.js';
import { fileUri } from '../sources/filesystem.js';
import { scoreRisk } from './risk.js';
import { foldersOf, locationOfFileUri, type RollupItem, rollUp } from './rollup.js';

const ROOT = '/srv/share';
const NOW = new Date('2026-06-01T00:00:00Z');

function access(readers: string[], broad = false): Access {
  return {
    owner: 'alice',
    group: 'hr',
    mode: '0640',
    entries: [{ principal: 'user:alice', rights: 'read' }],
    broad,
    reasons: broad ? ['world-readable'] : [],
    source: 'posix-mode',
    readers,
  };
}

function item(path: string, opts: { access?: Access; findings?: [string, Category, string][]; entry?: string; parentUri?: string } = {}): RollupItem {
  const uri = fileUri(Buffer.from(`${ROOT}/${path}`));
  const findings = (opts.findings ?? []).map(([type, category, hash]) => ({
    type,
    category,
    confidence: 0.9,
    masked: '***',
    hash: hash.padStart(64, '0'),
    where: { line: 1 },
  }));
  const report: ReportItem = {
    path,
    ...(opts.entry !== undefined ? { entry: opts.entry } : {}),
    uri: opts.entry !== undefined ? `${uri}#${opts.entry}` : uri,
    kind: opts.entry !== undefined ? 'archive-entry' : 'file',
    size: 1,
    modified: '2026-05-01T00:00:00Z',
    ...(opts.access ? { access: opts.access } : {}),
    findings,
    risk: scoreRisk(findings, opts.access, null, { path }, { now: NOW }),
    error: null,
  };
  return { item: report, root: ROOT, parentUri: opts.entry !== undefined ? uri : null };
}

describe('foldersOf', () => {
  it('lists the folders from an item up to its root, and none for a single-file root', () => {
    expect(foldersOf({ uri: 'file:///srv/share/HR/2024/a.txt', path: 'HR/2024/a.txt', kind: 'file', root: ROOT })).toEqual([
      { uri: 'file:///srv/share/HR/2024', path: 'HR/2024' },
      { uri: 'file:///srv/share/HR', path: 'HR' },
      { uri: 'file:///srv/share', path: '' },
    ]);
    expect(foldersOf({ uri: 'file:///srv/share/a.txt', path: 'a.txt', kind: 'file', root: ROOT })).toEqual([{ uri: 'file:///srv/share', path: '' }]);
    expect(foldersOf({ uri: 'file:///srv/a.txt', path: 'a.txt', kind: 'file', root: '/srv/a.txt' })).toBeUndefined();
    expect(foldersOf({ uri: 'https://graph.microsoft.com/x', path: 'mailbox/x', kind: 'message', root: 'm365' })).toBeUndefined();
  });

  it('recovers exact path bytes from a file URI, also for names that are not UTF-8', () => {
    const bytes = Buffer.from([0x2f, 0x74, 0x6d, 0x70, 0x2f, 0x63, 0x61, 0x66, 0xe9, 0x20, 0x25, 0x23, 0x5c]);
    expect(locationOfFileUri(fileUri(bytes))?.equals(bytes)).toBe(true);
  });

  it('escapes every byte but the unreserved ones and the slash, whichever way the path is taken', () => {
    const all = Buffer.from(Array.from({ length: 256 }, (_, i) => i));
    const uri = fileUri(all);
    expect(uri.startsWith('file://%00%01')).toBe(true);
    expect(locationOfFileUri(uri)?.equals(all)).toBe(true);
    for (const byte of all) {
      const one = fileUri(Buffer.from([byte])).slice('file://'.length);
      const plain = /[A-Za-z0-9\-._~/]/.test(String.fromCharCode(byte));
      expect(one).toBe(plain ? String.fromCharCode(byte) : `%${byte.toString(16).toUpperCase().padStart(2, '0')}`);
    }
    expect(fileUri(Buffer.from('/srv/share/Map 1/a.txt'))).toBe('file:///srv/share/Map%201/a.txt');
    expect(fileUri(Buffer.from('/srv/share/plain-name_1.txt'))).toBe('file:///srv/share/plain-name_1.txt');
  });
});

describe('rollUp', () => {
  const open = access(['user:alice', 'group:hr', 'everyone'], true);
  const closed = access(['user:alice']);
  const folderAccess = new Map<string, Access>([
    ['file:///srv/share/HR', open],
    ['file:///srv/share', closed],
  ]);

  it('refers items with the folder readers to the folder, keeps the others, counts files once', () => {
    const items = [
      item('HR/a.csv', { access: open, findings: [['nl-bsn', 'national-id', '1']] }),
      item('HR/b.txt', { access: open }),
      item('HR/c.txt', { access: closed, findings: [['email', 'contact', '2']] }),
      item('HR/d.zip', { access: open }),
      item('HR/d.zip', { access: open, entry: 'x.csv', findings: [['iban', 'financial', '3']] }),
    ];
    const { folders } = rollUp(items, { folderAccess, risk: { now: NOW } });
    const hr = folders.find((f) => f.path === 'HR');
    expect(hr).toMatchObject({ items: 4, itemsSameAccess: 3, itemsWithFindings: 3, findings: 3, distinctValues: 3, broadItems: 2 });
    expect(items[0]?.item.access).toEqual({
      owner: 'alice',
      group: 'hr',
      mode: '0640',
      entries: [],
      broad: true,
      reasons: ['world-readable'],
      source: 'posix-mode',
      sameAsFolder: 'file:///srv/share/HR',
    });
    expect(items[2]?.item.access?.sameAsFolder).toBeUndefined();
    expect(items[2]?.item.access?.entries).toHaveLength(1);
    // The root holds no files itself, but counts everything below it.
    expect(folders.find((f) => f.path === '')).toMatchObject({ items: 0, itemsWithFindings: 3, access: closed });
  });

  it('scores a folder over its subtree and counts only findings that count', () => {
    const items = [
      item('HR/a.csv', { access: open, findings: [['nl-bsn', 'national-id', '1']] }),
      item('HR/b.csv', { access: open, findings: [['nl-bsn', 'national-id', '1']] }),
      item('notes/n.txt', { access: closed, findings: [['email', 'contact', '9']] }),
    ];
    const { folders, hotspots } = rollUp(items, { folderAccess, risk: { now: NOW }, counts: (f) => f.type !== 'email' });
    const root = folders.find((f) => f.path === '');
    expect(root).toMatchObject({ itemsWithFindings: 2, findings: 2, distinctValues: 1 });
    expect(root?.risk.reasons).toContain('broad access: 2 items with personal data readable by broad groups');
    // Folders with one item with findings are left out of the hot spots: they would repeat the item;
    // so is the root here, as everything that counts sits in HR.
    expect(hotspots.map((h) => [h.kind, h.path])).toEqual([
      ['folder', 'HR'],
      ['item', 'HR/a.csv'],
      ['item', 'HR/b.csv'],
      ['item', 'notes/n.txt'],
    ]);
    expect(rollUp(items, { folderAccess, risk: { now: NOW }, hotspots: 2 }).hotspots).toHaveLength(2);
  });

  it('leaves out a folder whose findings all sit in one subfolder', () => {
    const items = [
      item('Archief/2019/a.csv', { access: open, findings: [['nl-bsn', 'national-id', '1']] }),
      item('Archief/2019/b.csv', { access: open, findings: [['nl-bsn', 'national-id', '2']] }),
    ];
    const { folders, hotspots } = rollUp(items, { folderAccess, risk: { now: NOW } });
    expect(folders.map((f) => [f.path, f.itemsWithFindings])).toEqual([
      ['', 2],
      ['Archief', 2],
      ['Archief/2019', 2],
    ]);
    expect(hotspots.filter((h) => h.kind === 'folder').map((h) => h.path)).toEqual(['Archief/2019']);
  });
});
