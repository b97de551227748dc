/**
 * Roll-up: a folder's access is shown once in the report's `folders`, with counts for what lies
 * under it, and an item whose readers are exactly its folder's refers to the folder
 * (`access.sameAsFolder`) instead of repeating the same list on every file. Folders also get a
 * risk score from their whole subtree, and the riskiest items and folders become `hotspots`.
 */
import type { Category } from '../detectors/types.js';
import type { AccessCollector } from './access/collector.js';
import type { Access, Hotspot, ReportFolder, ReportItem, SourceItem } from './model.js';
import { combineRisk, type RiskOptions } from './risk.js';
import { fileUri } from './sources/filesystem.js';

export interface RollupOptions {
  risk?: RiskOptions;
  /** Length of the hot-spot list; default 25. */
  hotspots?: number;
}

export const DEFAULT_HOTSPOTS = 25;
const DAY_MS = 86_400_000;

interface FolderAcc {
  root: string;
  rel: string;
  abs: Buffer;
  parent?: string;
  files: Set<string>;
  sameAccess: Set<string>;
  itemsWithFindings: number;
  findings: number;
  hashes: Set<string>;
  categories: Set<Category>;
  broadItems: number;
  overdueItems: number;
  oldestDays?: number;
  access?: Access;
}

function parentOf(abs: Buffer, rel: string): { abs: Buffer; rel: string } {
  const cut = abs.lastIndexOf(0x2f);
  const relCut = rel.lastIndexOf('/');
  return { abs: abs.subarray(0, Math.max(cut, 1)), rel: relCut < 0 ? '' : rel.slice(0, relCut) };
}

/** Who can read, as a comparable key; undefined when unknown. */
function readersKey(access: Access | undefined): string | undefined {
  if (!access?.readers) return undefined;
  return `${access.source}|${[...access.readers].sort().join('\n')}`;
}

export async function rollUp(
  pairs: readonly { item: ReportItem; source: SourceItem }[],
  collector: AccessCollector,
  options: RollupOptions = {},
): Promise<{ folders: ReportFolder[]; hotspots: Hotspot[] }> {
  const folders = new Map<string, FolderAcc>();
  const folderOf = new Map<ReportItem, { folder: FolderAcc; file: string }>();

  const ensure = (root: string, abs: Buffer, rel: string): FolderAcc => {
    const uri = fileUri(abs);
    let folder = folders.get(uri);
    if (!folder) {
      folder = {
        root,
        rel,
        abs,
        files: new Set(),
        sameAccess: new Set(),
        itemsWithFindings: 0,
        findings: 0,
        hashes: new Set(),
        categories: new Set(),
        broadItems: 0,
        overdueItems: 0,
      };
      folders.set(uri, folder);
      if (rel !== '') {
        const up = parentOf(abs, rel);
        folder.parent = fileUri(up.abs);
        ensure(root, up.abs, up.rel);
      }
    }
    return folder;
  };

  const now = (options.risk?.now ?? new Date()).getTime();
  for (const { item, source } of pairs) {
    if (!source.location || source.kind === 'folder') continue;
    const rel = source.path.includes('/') ? source.path.slice(0, source.path.lastIndexOf('/')) : '';
    const abs = parentOf(source.location, source.path).abs;
    const folder = ensure(source.root, abs, rel);
    folder.files.add(source.uri);
    folderOf.set(item, { folder, file: source.uri });
    if (item.findings.length === 0) continue;
    // Counts go to the folder and every folder above it up to the root.
    const modified = item.modified ? Date.parse(item.modified) : Number.NaN;
    for (let f: FolderAcc | undefined = folder; f; f = f.parent ? folders.get(f.parent) : undefined) {
      f.itemsWithFindings++;
      f.findings += item.findings.length;
      for (const finding of item.findings) {
        f.hashes.add(finding.hash);
        f.categories.add(finding.category);
      }
      if (item.access?.broad) f.broadItems++;
      if (item.risk.retention) f.overdueItems++;
      if (!Number.isNaN(modified)) {
        const days = Math.max(0, Math.floor((now - modified) / DAY_MS));
        f.oldestDays = Math.max(f.oldestDays ?? 0, days);
      }
    }
  }

  await Promise.all(
    [...folders.values()].map(async (f) => {
      const access = await collector.folder(f.abs);
      if (access) f.access = access;
    }),
  );

  for (const [item, { folder, file }] of folderOf) {
    const key = readersKey(item.access);
    if (!item.access || key === undefined || key !== readersKey(folder.access)) continue;
    const { owner, group, mode, broad, reasons, source } = item.access;
    item.access = {
      ...(owner !== undefined ? { owner } : {}),
      ...(group !== undefined ? { group } : {}),
      ...(mode !== undefined ? { mode } : {}),
      entries: [],
      broad,
      reasons,
      ...(source ? { source } : {}),
      sameAsFolder: fileUri(folder.abs),
    };
    folder.sameAccess.add(file);
  }

  const report: ReportFolder[] = [...folders.entries()]
    .sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0))
    .map(([uri, f]) => ({
      path: f.rel,
      uri,
      ...(f.access ? { access: f.access } : {}),
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
    }));
  return {
    folders: report,
    hotspots: rankHotspots(
      pairs.map((p) => p.item),
      report,
      options.hotspots ?? DEFAULT_HOTSPOTS,
    ),
  };
}

/**
 * The riskiest items and folders, highest score first. A folder is listed only when it holds
 * more than one item with findings: with one, it would repeat that item.
 */
export function rankHotspots(items: readonly ReportItem[], folders: readonly ReportFolder[], limit: number): Hotspot[] {
  const spots: Hotspot[] = [];
  for (const item of items) {
    if (item.risk.score <= 0) continue;
    spots.push({
      kind: 'item',
      path: item.path,
      ...(item.entry !== undefined ? { entry: item.entry } : {}),
      uri: item.uri,
      score: item.risk.score,
      level: item.risk.level,
      reasons: item.risk.reasons,
      findings: item.findings.length,
      distinctValues: new Set(item.findings.map((f) => f.hash)).size,
      broad: item.access?.broad ?? false,
    });
  }
  for (const folder of folders) {
    if (folder.risk.score <= 0 || folder.itemsWithFindings < 2) continue;
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
