/**
 * Roll-up: a folder's access is shown once in the report's `folders`, with counts for what lies
 * under it, and an item whose readers are exactly its folder's refers to the folder
 * (`access.sameAsFolder`) instead of repeating the same list on every file. Folders also get a
 * risk score from their whole subtree, and the riskiest items and folders become `hotspots`.
 *
 * Folders are named by `file://` URIs, which carry a path's exact bytes (percent-encoded), so a
 * folder's location can be recovered from its URI even when its name is not valid UTF-8.
 */
import type { Category } from '../../detectors/types.js';
import type { Access, Hotspot, ReportFolder, ReportItem } from '../model.js';
import { fileUri } from '../sources/filesystem.js';
import { combineRisk, type RiskOptions, riskCategory } from './risk.js';

export const DEFAULT_HOTSPOTS = 25;
const DAY_MS = 86_400_000;

/** What roll-up needs to know about an item besides the report item itself. */
export interface RollupItem {
  item: ReportItem;
  /** The scan root the item was found under, absolute. */
  root: string;
  /** For an entry inside a container: the container's uri. */
  parentUri?: string | null;
}

/** A folder on the way from an item up to its root. */
export interface FolderRef {
  uri: string;
  /** Relative to the root, `/`-separated; `''` for the root. */
  path: string;
}

/** The bytes of a `file://` URI made by fileUri. */
export function locationOfFileUri(uri: string): Buffer | undefined {
  if (!uri.startsWith('file://')) return undefined;
  const text = uri.slice('file://'.length);
  const bytes: number[] = [];
  for (let i = 0; i < text.length; i++) {
    if (text[i] === '%' && /^[0-9A-Fa-f]{2}$/.test(text.slice(i + 1, i + 3))) {
      bytes.push(Number.parseInt(text.slice(i + 1, i + 3), 16));
      i += 2;
    } else bytes.push(text.charCodeAt(i));
  }
  return Buffer.from(bytes);
}

/** An item as foldersOf sees it. */
export interface FolderSubject {
  uri: string;
  path: string;
  kind: string;
  root: string;
  parentUri?: string | null;
}

/**
 * The folders holding a file item, nearest first, up to its root. Undefined for items that are
 * not files under a folder root (a scanned single file, a mail message).
 */
export function foldersOf(item: FolderSubject): FolderRef[] | undefined {
  const fileUriOfItem = item.parentUri ?? item.uri;
  if (!fileUriOfItem.startsWith('file://') || item.kind === 'folder') return undefined;
  const rootUri = fileUri(Buffer.from(item.root));
  const chain: FolderRef[] = [];
  let uri = fileUriOfItem;
  let path = item.path;
  for (;;) {
    const cut = uri.lastIndexOf('/');
    if (cut <= 'file://'.length) return undefined;
    uri = uri.slice(0, cut);
    const relCut = path.lastIndexOf('/');
    path = relCut < 0 ? '' : path.slice(0, relCut);
    if (uri.length < rootUri.length) return undefined;
    chain.push({ uri, path });
    if (uri === rootUri) return chain;
    if (path === '' && relCut < 0) return undefined;
  }
}

interface FolderAcc {
  path: string;
  files: Set<string>;
  sameAccess: Set<string>;
  itemsWithFindings: number;
  findings: number;
  hashes: Set<string>;
  categories: Set<Category>;
  broadItems: number;
  overdueItems: number;
  oldestDays?: number;
}

/** Who can read, as a comparable key; undefined when unknown. */
function readersKey(access: Access | undefined): string | undefined {
  if (!access?.readers) return undefined;
  return `${access.source}|${[...access.readers].sort().join('\n')}`;
}

export interface RollupOptions {
  /** Access of each folder, by uri, as the scan read it. */
  folderAccess?: ReadonlyMap<string, Access>;
  risk?: RiskOptions;
  /** Length of the hot-spot list; default 25. */
  hotspots?: number;
  /** Which findings count (not suppressed or triaged away); default all. */
  counts?: (finding: ReportItem['findings'][number]) => boolean;
}

/**
 * Builds `folders` and `hotspots`, and replaces the access of items whose readers equal their
 * folder's with a reference to the folder. Items are changed in place.
 */
export function rollUp(items: readonly RollupItem[], options: RollupOptions = {}): { folders: ReportFolder[]; hotspots: Hotspot[] } {
  const folders = new Map<string, FolderAcc>();
  const counts = options.counts ?? (() => true);
  const now = (options.risk?.now ?? new Date()).getTime();

  for (const r of items) {
    const chain = foldersOf({ uri: r.item.uri, path: r.item.path, kind: r.item.kind, root: r.root, parentUri: r.parentUri ?? null });
    if (!chain) continue;
    const fileKey = r.parentUri ?? r.item.uri;
    for (const [depth, ref] of chain.entries()) {
      let f = folders.get(ref.uri);
      if (!f) {
        f = {
          path: ref.path,
          files: new Set(),
          sameAccess: new Set(),
          itemsWithFindings: 0,
          findings: 0,
          hashes: new Set(),
          categories: new Set(),
          broadItems: 0,
          overdueItems: 0,
        };
        folders.set(ref.uri, f);
      }
      if (depth === 0) {
        f.files.add(fileKey);
        const folderAccess = options.folderAccess?.get(ref.uri);
        const key = readersKey(r.item.access);
        if (r.item.access && key !== undefined && key === readersKey(folderAccess)) {
          const { owner, group, mode, broad, reasons, source } = r.item.access;
          r.item.access = {
            ...(owner !== undefined ? { owner } : {}),
            ...(group !== undefined ? { group } : {}),
            ...(mode !== undefined ? { mode } : {}),
            entries: [],
            broad,
            reasons,
            ...(source ? { source } : {}),
            sameAsFolder: ref.uri,
          };
          f.sameAccess.add(fileKey);
        }
      }
      const active = r.item.findings.filter(counts);
      if (active.length === 0) continue;
      // Counts go to the folder and every folder above it up to the root.
      f.itemsWithFindings++;
      f.findings += active.length;
      for (const finding of active) {
        f.hashes.add(finding.hash);
        const category = riskCategory(finding);
        if (category) f.categories.add(category);
      }
      if (r.item.access?.broad) f.broadItems++;
      if (r.item.risk.retention) f.overdueItems++;
      const modified = r.item.modified ? Date.parse(r.item.modified) : Number.NaN;
      if (!Number.isNaN(modified)) f.oldestDays = Math.max(f.oldestDays ?? 0, Math.max(0, Math.floor((now - modified) / DAY_MS)));
    }
  }

  const report: ReportFolder[] = [...folders.entries()]
    .sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0))
    .map(([uri, f]) => {
      const access = options.folderAccess?.get(uri);
      return {
        path: f.path,
        uri,
        ...(access ? { access } : {}),
        items: f.files.size,
        itemsSameAccess: f.sameAccess.size,
        itemsWithFindings: f.itemsWithFindings,
        findings: f.findings,
        distinctValues: f.hashes.size,
        broadItems: f.broadItems,
        risk: combineRisk({
          categories: f.categories,
          distinct: f.hashes.size,
          broad: f.broadItems > 0 ? [`${f.broadItems} item${f.broadItems === 1 ? '' : 's'} with personal data readable by broad groups`] : [],
          ...(f.oldestDays !== undefined ? { ageDays: f.oldestDays } : {}),
          overdueItems: f.overdueItems,
        }),
      };
    });
  return {
    folders: report,
    hotspots: rankHotspots(
      items.map((r) => r.item),
      report,
      options.hotspots ?? DEFAULT_HOTSPOTS,
      counts,
    ),
  };
}

/**
 * The riskiest items and folders, highest score first. A folder is listed only when it holds
 * more than one item with findings (with one, it would repeat that item) and when they are not
 * all in one of its subfolders (it would repeat that subfolder: `Archief` over `Archief/2019`).
 */
export function rankHotspots(
  items: readonly ReportItem[],
  folders: readonly ReportFolder[],
  limit: number,
  counts: (finding: ReportItem['findings'][number]) => boolean = () => true,
): Hotspot[] {
  const spots: Hotspot[] = [];
  for (const item of items) {
    if (item.risk.score <= 0) continue;
    const active = item.findings.filter(counts);
    spots.push({
      kind: 'item',
      path: item.path,
      ...(item.entry !== undefined ? { entry: item.entry } : {}),
      uri: item.uri,
      score: item.risk.score,
      level: item.risk.level,
      reasons: item.risk.reasons,
      findings: active.length,
      distinctValues: new Set(active.map((f) => f.hash)).size,
      broad: item.access?.broad ?? false,
    });
  }
  const byUri = new Map(folders.map((f) => [f.uri, f]));
  const repeats = new Set<string>();
  for (const f of folders) {
    if (f.path === '') continue;
    const parent = byUri.get(f.uri.slice(0, f.uri.lastIndexOf('/')));
    if (parent && parent.itemsWithFindings === f.itemsWithFindings) repeats.add(parent.uri);
  }
  for (const folder of folders) {
    if (folder.risk.score <= 0 || folder.itemsWithFindings < 2 || repeats.has(folder.uri)) continue;
    spots.push({
      kind: 'folder',
      path: folder.path,
      uri: folder.uri,
      score: folder.risk.score,
      level: folder.risk.level,
      reasons: folder.risk.reasons,
      findings: folder.findings,
      distinctValues: folder.distinctValues,
      broad: folder.broadItems > 0,
    });
  }
  spots.sort((a, b) => b.score - a.score || b.distinctValues - a.distinctValues || (a.uri < b.uri ? -1 : a.uri > b.uri ? 1 : 0));
  return spots.slice(0, limit);
}
