// What the page derives from the report: per-item facts for fast filtering, the folder and
// mailbox trees with their counts and heat, and the hot spot lists. Computed here from the items
// so the page works with any report that has them; fields added later (report.hotspots) are used
// when present.

export const LEVELS = ['none', 'low', 'medium', 'high', 'critical'];
/** Error codes that mean "deliberately not read" (mirrors SKIP_CODES in scanner/model.ts). */
const SKIP_CODES = new Set(['symlink', 'not-regular-file', 'empty', 'unsupported-format']);
const MAILBOX_PREFIX = 'mailbox/';

function unique(values) {
  return [...new Set(values)];
}

function dirname(path) {
  const i = path.lastIndexOf('/');
  return i < 0 ? '' : path.slice(0, i);
}

/** Whether the scan (or a later retention rule) says the item is kept longer than allowed. */
function pastRetention(item) {
  const r = item.retention;
  if (r && typeof r === 'object' && (r.expired === true || r.past === true || r.overdue === true)) return true;
  return (item.risk?.reasons ?? []).some((reason) => /retention|bewaartermijn/i.test(String(reason)));
}

function newNode(name, path) {
  return { name, path, children: new Map(), items: 0, withFindings: 0, findings: 0, broad: 0, maxRank: 0, mass: 0, direct: null };
}

/** One row per item: the facts the explorer filters and sorts on, computed once. */
function toRow(item, index) {
  const findings = item.findings ?? [];
  const level = item.risk?.level ?? 'none';
  const error = item.error && !SKIP_CODES.has(item.error.code) ? item.error : null;
  return {
    index,
    item,
    name: item.entry ? `${item.path} › ${item.entry}` : item.path,
    folder: dirname(item.path),
    types: unique(findings.map((f) => f.type)),
    categories: unique(findings.map((f) => f.category)),
    findings: findings.length,
    hasNew: findings.some((f) => f.change === 'new'),
    score: item.risk?.score ?? 0,
    rank: Math.max(0, LEVELS.indexOf(level)),
    level,
    broad: item.access?.broad === true,
    // Who can read it was not read: shown as unknown, never as "not broad".
    accessUnknown: item.access?.broad === 'unknown',
    error,
    skipped: Boolean(item.error && SKIP_CODES.has(item.error.code)),
    retention: pastRetention(item),
    modified: item.modified ? Date.parse(item.modified) || 0 : 0,
    size: item.size ?? 0,
    text: null,
  };
}

/** Adds a row to every folder on its path; the deepest folder also keeps its direct rows. */
function addToTree(root, row) {
  const path = row.folder;
  const isMail = path === 'mailbox' || path.startsWith(MAILBOX_PREFIX);
  const parts = path === '' ? [] : path.split('/');
  let node = root;
  const visit = (n) => {
    n.items++;
    if (row.findings > 0) n.withFindings++;
    n.findings += row.findings;
    if (row.broad && row.findings > 0) n.broad++;
    if (row.rank > n.maxRank) n.maxRank = row.rank;
    n.mass += row.score;
  };
  visit(node);
  for (let i = 0; i < parts.length; i++) {
    const key = parts[i];
    let child = node.children.get(key);
    if (!child) {
      child = newNode(key, parts.slice(0, i + 1).join('/'));
      child.mail = isMail;
      node.children.set(key, child);
    }
    node = child;
    visit(node);
  }
  if (!node.direct) node.direct = { items: 0, withFindings: 0, findings: 0, broad: 0, maxRank: 0, mass: 0 };
  const d = node.direct;
  d.items++;
  if (row.findings > 0) d.withFindings++;
  d.findings += row.findings;
  if (row.broad && row.findings > 0) d.broad++;
  if (row.rank > d.maxRank) d.maxRank = row.rank;
  d.mass += row.score;
}

function eachNode(node, visit) {
  visit(node);
  for (const child of node.children.values()) eachNode(child, visit);
}

/**
 * Folder hot spots rank folders by the risk in their own items (the sum of the items' scores), not
 * the subtree's: otherwise the share's root would always come first and say nothing.
 */
function folderHotspots(root, limit) {
  const list = [];
  eachNode(root, (n) => {
    if (n.direct && n.direct.mass > 0) list.push({ path: n.path, ...n.direct, level: LEVELS[n.direct.maxRank] });
  });
  return list.sort((a, b) => b.mass - a.mass || b.findings - a.findings).slice(0, limit);
}

/** report.hotspots from a later scanner, if it has the shape we can show. */
function givenHotspots(report) {
  const given = report.hotspots;
  if (!Array.isArray(given)) return null;
  const usable = given.filter((h) => h && typeof h === 'object' && typeof h.path === 'string');
  return usable.length > 0 ? usable : null;
}

/** Undoes the embedding's sharing (reporters/html.ts pageData): items get their access and uri back. */
export function hydrate(report) {
  const tables = report.tables ?? { access: [], uriPrefix: [] };
  for (const item of report.items) {
    if (item.a !== undefined) {
      item.access = tables.access[item.a];
      delete item.a;
    }
    if (item.u !== undefined) {
      item.uri = tables.uriPrefix[item.u] + item.path;
      delete item.u;
    }
  }
  delete report.tables;
  return report;
}

export function prepare(report) {
  const rows = report.items.map(toRow);
  const root = newNode('', '');
  for (const row of rows) addToTree(root, row);
  // Mailboxes get their own tree: their paths start with "mailbox/".
  const mailRoot = root.children.get('mailbox');
  if (mailRoot?.mail) root.children.delete('mailbox');
  const byType = new Map();
  const byCategory = new Map();
  const byLevel = LEVELS.map(() => 0);
  for (const row of rows) {
    byLevel[row.rank]++;
    for (const f of row.item.findings ?? []) {
      byType.set(f.type, (byType.get(f.type) ?? 0) + 1);
      byCategory.set(f.category, (byCategory.get(f.category) ?? 0) + 1);
    }
  }
  const ranked = rows.filter((r) => r.score > 0).sort((a, b) => b.score - a.score || b.findings - a.findings);
  const given = givenHotspots(report);
  return {
    report,
    rows,
    tree: root,
    mailTree: mailRoot?.mail ? mailRoot : null,
    byType: [...byType].sort((a, b) => b[1] - a[1]),
    byCategory: [...byCategory].sort((a, b) => b[1] - a[1]),
    byLevel,
    types: [...byType.keys()].sort(),
    categories: [...byCategory.keys()].sort(),
    hotItems: ranked.slice(0, 20),
    hotFolders: given
      ? given.slice(0, 20).map((h) => ({ path: h.path, mass: Number(h.score) || 0, findings: Number(h.findings) || 0, level: h.level ?? '' }))
      : folderHotspots(mailRoot?.mail ? { ...root, children: new Map([...root.children, ['mailbox', mailRoot]]) } : root, 20),
    broad: ranked.filter((r) => r.broad),
    retention: rows.filter((r) => r.retention).sort((a, b) => b.score - a.score),
    unscannable: rows.filter((r) => r.error),
    skipped: rows.filter((r) => r.skipped).length,
    valueCounts: null,
  };
}

/** The lower-cased text the free-text filter searches: path, entry, types and masked values. */
export function searchText(row) {
  if (row.text === null) {
    const f = row.item.findings ?? [];
    row.text = [row.name, ...row.types, ...f.map((x) => x.masked), row.item.error?.code ?? ''].join('\n').toLowerCase();
  }
  return row.text;
}

/** How many items hold a finding with the same keyed hash: built on first use, for the item view. */
export function itemsWithValue(data, hash) {
  if (!data.valueCounts) {
    const counts = new Map();
    for (const row of data.rows) {
      for (const h of new Set((row.item.findings ?? []).map((f) => f.hash))) counts.set(h, (counts.get(h) ?? 0) + 1);
    }
    data.valueCounts = counts;
  }
  return data.valueCounts.get(hash) ?? 0;
}
