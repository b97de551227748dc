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
import { DistinctKeys, type FindingsDigest, hashKey } from './digest.js';
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
  /**
   * The item's findings in brief, when `item.findings` is left empty because the report copies
   * their stored text (digest.ts): every finding then counts.
   */
  digest?: FindingsDigest;
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

/** A scan root's URI, made once per root: every item of a report asks for its root's. */
const rootUris = new Map<string, string>();
function rootUriOf(root: string): string {
  let uri = rootUris.get(root);
  if (uri === undefined) {
    uri = fileUri(Buffer.from(root));
    if (rootUris.size > 1000) rootUris.clear();
    rootUris.set(root, uri);
  }
  return uri;
}

/**
 * The folders holding a file item, nearest first, up to its root. Undefined for items that are
 * not files under a folder root (a scanned single file, a mail message).
 */
export function foldersOf(item: FolderSubject): FolderRef[] | undefined {
  const fileUriOfItem = item.parentUri ?? item.uri;
  if (!fileUriOfItem.startsWith('file://') || item.kind === 'folder') return undefined;
  const rootUri = rootUriOf(item.root);
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
  files: number;
  /** The last file counted: a file's entries follow it, so a file is counted once. */
  lastFile?: string;
  sameAccess: number;
  lastSame?: string;
  itemsWithFindings: number;
  findings: number;
  /** Distinct values while the folder's subtree is being read (52-bit hash keys); then only their count. */
  hashes: DistinctKeys | undefined;
  distinct: number;
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
 * Roll-up in one pass over items in uri order, the order the state streams them in: a folder's
 * subtree is then one run of items, so a folder's set of distinct values is dropped (kept as a
 * count) as soon as the run ends, and only the folders on the current path hold sets. Item
 * hot-spots are kept as a bounded top list. Memory grows with the number of folders, not items.
 */
export class RollupAccumulator {
  private readonly folders = new Map<string, FolderAcc>();
  /** Folder uris on the current path, root first. */
  private open: string[] = [];
  private readonly counts: (finding: ReportItem['findings'][number]) => boolean;
  private readonly now: number;
  private readonly top: TopItems;

  constructor(private readonly options: RollupOptions = {}) {
    this.counts = options.counts ?? (() => true);
    this.now = (options.risk?.now ?? new Date()).getTime();
    this.top = new TopItems(options.hotspots ?? DEFAULT_HOTSPOTS);
  }

  /** Adds one item; its access is replaced by a reference to its folder's where the readers are the same. */
  add(r: RollupItem): void {
    this.top.add(r.item, this.counts, r.digest);
    const chain = foldersOf({ uri: r.item.uri, path: r.item.path, kind: r.item.kind, root: r.root, parentUri: r.parentUri ?? null });
    if (!chain) return;
    this.enter(chain);
    const fileKey = r.parentUri ?? r.item.uri;
    // Worked out once per item, then added to each folder above it.
    const { count, keys, categories } = r.digest ? { ...r.digest, categories: new Set(r.digest.categories) } : this.brief(r.item);
    for (const [depth, ref] of chain.entries()) {
      let f = this.folders.get(ref.uri);
      if (!f) {
        f = {
          path: ref.path,
          files: 0,
          sameAccess: 0,
          itemsWithFindings: 0,
          findings: 0,
          hashes: new DistinctKeys(),
          distinct: 0,
          categories: new Set(),
          broadItems: 0,
          overdueItems: 0,
        };
        this.folders.set(ref.uri, f);
      }
      if (depth === 0) {
        if (f.lastFile !== fileKey) {
          f.files++;
          f.lastFile = fileKey;
        }
        const folderAccess = this.options.folderAccess?.get(ref.uri);
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
          if (f.lastSame !== fileKey) {
            f.sameAccess++;
            f.lastSame = fileKey;
          }
        }
      }
      if (count === 0) continue;
      // Counts go to the folder and every folder above it up to the root.
      f.itemsWithFindings++;
      f.findings += count;
      if (f.hashes) {
        if (keys instanceof Float64Array) f.hashes.addAll(keys);
        else for (const key of keys) f.hashes.add(key);
      }
      for (const category of categories) f.categories.add(category);
      if (r.item.access?.broad === true) f.broadItems++;
      if (r.item.risk.retention) f.overdueItems++;
      const modified = r.item.modified ? Date.parse(r.item.modified) : Number.NaN;
      if (!Number.isNaN(modified)) f.oldestDays = Math.max(f.oldestDays ?? 0, Math.max(0, Math.floor((this.now - modified) / DAY_MS)));
    }
  }

  /** What the folders above an item take from its findings that count. */
  private brief(item: ReportItem): { count: number; keys: (number | string)[]; categories: Set<Category> } {
    const active = item.findings.filter(this.counts);
    const categories = new Set<Category>();
    for (const finding of active) {
      const category = riskCategory(finding);
      if (category) categories.add(category);
    }
    return { count: active.length, keys: active.map((finding) => hashKey(finding.hash)), categories };
  }

  /** Closes the folders left behind on the way to this chain (nearest first). */
  private enter(chain: FolderRef[]): void {
    const path = chain.map((c) => c.uri).reverse();
    let keep = 0;
    while (keep < this.open.length && keep < path.length && this.open[keep] === path[keep]) keep++;
    for (const uri of this.open.slice(keep)) this.close(uri);
    this.open = path;
  }

  private close(uri: string): void {
    const f = this.folders.get(uri);
    if (!f?.hashes) return;
    f.distinct = f.hashes.size;
    f.hashes = undefined;
  }

  finish(): { folders: ReportFolder[]; hotspots: Hotspot[] } {
    for (const uri of this.open) this.close(uri);
    this.open = [];
    const report: ReportFolder[] = [...this.folders.entries()]
      .sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0))
      .map(([uri, f]) => {
        const access = this.options.folderAccess?.get(uri);
        const distinct = f.hashes ? f.hashes.size : f.distinct;
        return {
          path: f.path,
          uri,
          ...(access ? { access } : {}),
          items: f.files,
          itemsSameAccess: f.sameAccess,
          itemsWithFindings: f.itemsWithFindings,
          findings: f.findings,
          distinctValues: distinct,
          broadItems: f.broadItems,
          risk: combineRisk({
            categories: f.categories,
            distinct,
            broad: f.broadItems > 0 ? [`${f.broadItems} item${f.broadItems === 1 ? '' : 's'} with personal data readable by broad groups`] : [],
            ...(f.oldestDays !== undefined ? { ageDays: f.oldestDays } : {}),
            overdueItems: f.overdueItems,
          }),
        };
      });
    return { folders: report, hotspots: rankHotspots(this.top.items(), report, this.options.hotspots ?? DEFAULT_HOTSPOTS, () => true, true) };
  }
}

/** The items with the highest risk, at most `limit`, as hot-spot entries. */
class TopItems {
  private spots: Hotspot[] = [];
  constructor(private readonly limit: number) {}

  add(item: ReportItem, counts: (finding: ReportItem['findings'][number]) => boolean, digest: FindingsDigest | undefined): void {
    if (item.risk.score <= 0) return;
    if (digest) this.spots.push(itemSpot(item, digest.count, digest.distinct));
    else {
      const active = item.findings.filter(counts);
      this.spots.push(itemSpot(item, active.length, new Set(active.map((f) => f.hash)).size));
    }
    // Sorted and cut now and then, so the list never holds more than a few times the limit.
    if (this.spots.length >= Math.max(64, this.limit * 4)) this.spots = sortSpots(this.spots).slice(0, this.limit);
  }

  items(): Hotspot[] {
    return this.spots;
  }
}

function itemSpot(item: ReportItem, findings: number, distinctValues: number): Hotspot {
  return {
    kind: 'item',
    path: item.path,
    ...(item.entry !== undefined ? { entry: item.entry } : {}),
    uri: item.uri,
    score: item.risk.score,
    level: item.risk.level,
    reasons: item.risk.reasons,
    findings,
    distinctValues,
    broad: item.access?.broad ?? false,
  };
}

function sortSpots(spots: Hotspot[]): Hotspot[] {
  return spots.sort((a, b) => b.score - a.score || b.distinctValues - a.distinctValues || (a.uri < b.uri ? -1 : a.uri > b.uri ? 1 : 0));
}

/**
 * Builds `folders` and `hotspots`, and replaces the access of items whose readers equal their
 * folder's with a reference to the folder. Items are changed in place.
 */
export function rollUp(items: readonly RollupItem[], options: RollupOptions = {}): { folders: ReportFolder[]; hotspots: Hotspot[] } {
  const acc = new RollupAccumulator(options);
  // The accumulator wants a folder's items together; the state gives them so, a caller may not.
  const key = (r: RollupItem) => r.parentUri ?? r.item.uri;
  const ordered = [...items].sort((a, b) => (key(a) < key(b) ? -1 : key(a) > key(b) ? 1 : 0));
  for (const r of ordered) acc.add(r);
  return acc.finish();
}

/**
 * The riskiest items and folders, highest score first. A folder is listed only when it holds
 * more than one item with findings (with one, it would repeat that item) and when they are not
 * all in one of its subfolders (it would repeat that subfolder: `Archief` over `Archief/2019`).
 */
export function rankHotspots(
  items: readonly ReportItem[] | readonly Hotspot[],
  folders: readonly ReportFolder[],
  limit: number,
  counts: (finding: ReportItem['findings'][number]) => boolean = () => true,
  itemsAreSpots = false,
): Hotspot[] {
  const spots: Hotspot[] = itemsAreSpots
    ? [...(items as readonly Hotspot[])]
    : (items as readonly ReportItem[])
        .filter((item) => item.risk.score > 0)
        .map((item) => {
          const active = item.findings.filter(counts);
          return itemSpot(item, active.length, new Set(active.map((f) => f.hash)).size);
        });
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
  return sortSpots(spots).slice(0, limit);
}
