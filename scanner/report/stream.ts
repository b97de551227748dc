/**
 * The report assembled item by item, as the state streams items: each stored item becomes its
 * report item at once (change marks, suppressions, risk, access roll-up) and feeds the
 * aggregates (stats, folders, hot spots); nothing else of it is kept. A share of any size is
 * reported in memory that grows with its folders, not its items or findings.
 */
import { randomUUID } from 'node:crypto';
import {
  type Access,
  type ErrorCode,
  type OcrCost,
  type Report,
  type ReportChanges,
  type ReportFinding,
  type ReportItem,
  type ReportStats,
  type ResolvedFinding,
  SKIP_CODES,
} from '../model.js';
import type { StoreCounts, StoredItem } from '../state/store.js';
import { VERSION } from '../version.js';
import type { SnapshotItem } from './changes.js';
import type { FindingsDigest } from './digest.js';
import { type Latin1Text, markedFindingsJson, markedFindingsLatin1 } from './findings-text.js';
import { isActive } from './gate.js';
import { type RetentionRule, type RiskOptions, scoreRisk, scoreRiskOf } from './risk.js';
import { RollupAccumulator } from './rollup.js';
import type { Suppressions } from './suppressions.js';

/** What access roll-up and risk depend on besides the items; kept with each scan in the state. */
export interface ReportSettings {
  /** Access of each folder, by uri. */
  folderAccess?: ReadonlyMap<string, Access>;
  /** Retention rules; default DEFAULT_RETENTION_RULES. */
  retention?: RetentionRule[];
  /** Length of the hot-spot list. */
  hotspots?: number;
}

/** Decides, per item, which findings are new, and lists the resolved ones at the end. */
export interface ChangeMarker {
  since: ReportChanges['since'];
  /**
   * True when marks compare the findings themselves (a snapshot), so an item given as text only
   * (StoredItem.digest) must be parsed first; the state marker needs only their number.
   */
  readsFindings?: boolean;
  /** Per finding of the item: new or unchanged. Asking twice for one item gives the same answer. */
  marks(item: StoredItem): ('new' | 'unchanged')[];
  /** The findings that were there before and are no more; asked once, after every item. */
  resolved(): ResolvedFinding[];
}

/**
 * Against the state before the scan: the scan that read an item stored which of its findings were
 * new (ScanStore `newFindings`); an item it did not read is unchanged; resolved findings were
 * collected where items were read again or went.
 */
export function stateMarker(scanId: string, since: ReportChanges['since'], resolved: ResolvedFinding[]): ChangeMarker {
  return {
    since,
    marks(item) {
      const count = item.digest?.count ?? item.findings.length;
      if (item.marksScan !== scanId) return new Array<'unchanged'>(count).fill('unchanged');
      const fresh = new Set(item.newFindings ?? []);
      const marks = new Array<'new' | 'unchanged'>(count);
      for (let i = 0; i < count; i++) marks[i] = fresh.has(i) ? 'new' : 'unchanged';
      return marks;
    },
    resolved: () => resolved,
  };
}

const itemKey = (i: { path: string; entry?: string }) => `${i.path}\0${i.entry ?? ''}`;
const findingKey = (f: { type: string; hash: string }) => `${f.type}\0${f.hash}`;

/**
 * Against a snapshot held in memory (a baseline report, or the findings a test gives): findings
 * are matched per item as a multiset of type and hash, so a value that moved within the item is
 * unchanged and a second occurrence is new. Without a snapshot every finding is new.
 */
export function snapshotMarker(previous: readonly SnapshotItem[] | undefined, since: ReportChanges['since']): ChangeMarker {
  const before = new Map<string, { item: SnapshotItem; left: Map<string, SnapshotItem['findings']> }>();
  for (const item of previous ?? []) {
    const entry = before.get(itemKey(item)) ?? { item, left: new Map() };
    for (const f of item.findings) entry.left.set(findingKey(f), [...(entry.left.get(findingKey(f)) ?? []), f]);
    before.set(itemKey(item), entry);
  }
  const done = new Map<string, ('new' | 'unchanged')[]>();
  return {
    since,
    readsFindings: true,
    marks(item) {
      const key = itemKey(item);
      const known = done.get(key);
      if (known) return known;
      const pool = before.get(key)?.left;
      const marks = item.findings.map((f) => {
        const left = pool?.get(findingKey(f));
        if (left && left.length > 0) {
          left.pop();
          return 'unchanged' as const;
        }
        return 'new' as const;
      });
      // Kept for baselines only (they are in memory anyway), so an item shown twice is marked the same.
      done.set(key, marks);
      return marks;
    },
    resolved() {
      const out: ResolvedFinding[] = [];
      for (const { item, left } of before.values()) {
        for (const list of left.values()) {
          for (const f of list) {
            out.push({
              path: item.path,
              ...(item.entry !== undefined ? { entry: item.entry } : {}),
              type: f.type,
              category: f.category,
              masked: f.masked,
              hash: f.hash,
            });
          }
        }
      }
      return out;
    },
  };
}

export interface StreamContext {
  scanId?: string;
  roots: string[];
  startedAt: Date;
  finishedAt: Date;
  minConfidence: number;
  suppressions?: Suppressions;
  marker: ChangeMarker;
  read?: number;
  reused?: number;
  /** OCR done in this scan; left out of reports rendered from the state, which do not know it. */
  ocr?: OcrCost;
  settings?: ReportSettings;
}

/** An item's findings as text: see ReportAssembler.briefs. */
interface FindingsBrief {
  json?: string;
  marked?: string | Latin1Text | undefined;
  changes: readonly ('new' | 'unchanged')[];
  digest?: FindingsDigest;
}

/** The report without its items: what the assembler knows once every item went by. */
export type ReportSummary = Omit<Report, 'items'>;
/** What report.json opens with, before its items. */
export type ReportHead = Pick<Report, 'schema' | 'tool' | 'scan' | 'stats'>;

export class ReportAssembler {
  private readonly rollup: RollupAccumulator;
  private readonly riskOptions: RiskOptions;
  private readonly scanId: string;
  private lastTop: { uri: string; access: Access | undefined } | undefined;
  private readonly stats = {
    items: 0,
    itemsWithFindings: 0,
    findings: 0,
    bytes: 0,
    errors: 0,
    skipped: 0,
    suppressed: 0,
    byType: {} as Record<string, number>,
    byErrorCode: {} as Record<string, number>,
  };
  private added = 0;
  private unchanged = 0;
  /**
   * Per report item whose findings can be written from text: the stored text, the marked text
   * (made on first ask), the marks, and the digest when the item came as text only (`findings` empty).
   */
  private readonly briefs = new WeakMap<ReportItem, FindingsBrief>();

  constructor(private readonly ctx: StreamContext) {
    const settings = ctx.settings ?? {};
    // Ages are measured at the end of the scan, so a report rendered later from the state is the same.
    this.riskOptions = { now: ctx.finishedAt, ...(settings.retention ? { retention: settings.retention } : {}) };
    this.rollup = new RollupAccumulator({
      ...(settings.folderAccess ? { folderAccess: settings.folderAccess } : {}),
      risk: this.riskOptions,
      ...(settings.hotspots !== undefined ? { hotspots: settings.hotspots } : {}),
      counts: isActive,
    });
    this.scanId = ctx.scanId ?? randomUUID();
  }

  /** The report item of one stored item (items in uri order, a container before its entries); counted in the aggregates. */
  add(s: StoredItem): ReportItem {
    const item = this.itemOf(s);
    const brief = this.briefs.get(item);
    this.rollup.add({ item, root: s.root, parentUri: s.parentUri, ...(brief?.digest ? { digest: brief.digest } : {}) });
    this.count(item, brief);
    return item;
  }

  /**
   * The report item again, for a second look at an item already added (the HTML's riskiest
   * items): the same marks and risk; `access` is the item's access as add() left it.
   */
  again(s: StoredItem, access: Access | undefined): ReportItem {
    const item = this.itemOf(s, access ?? null);
    return item;
  }

  private itemOf(given: StoredItem, accessOverride?: Access | null): ReportItem {
    // Findings given as text only (StoredItem.digest) are parsed where something must read them.
    const suppressions = this.ctx.suppressions?.none ? undefined : this.ctx.suppressions;
    const s = given.digest && (suppressions || this.ctx.marker.readsFindings) ? parsed(given) : given;
    const itemMarks = this.ctx.marker.marks(s);
    let marked: Latin1Text | undefined;
    let digest = s.digest;
    if (digest && s.findingsBytes) {
      marked = markedFindingsLatin1(s.findingsBytes, itemMarks);
      if (marked === undefined) return this.itemOf(parsed(s), accessOverride);
    } else digest = undefined;
    // The stored findings are this item's own copies (parsed for this pass), so the marks are set on
    // them rather than on a spread copy of each: a third less garbage per finding in a report.
    const findings = s.findings as ReportFinding[];
    let suppressed = false;
    const changes: ('new' | 'unchanged')[] = new Array(findings.length);
    for (let i = 0; i < findings.length; i++) {
      const f = findings[i] as ReportFinding;
      f.change = changes[i] = itemMarks[i] ?? 'new';
      const reason = suppressions?.match(s, f);
      if (reason) {
        f.suppressed = reason;
        suppressed = true;
      }
    }
    let access: Access | undefined;
    if (accessOverride !== undefined) access = accessOverride ?? undefined;
    else {
      // Entries inside a container are as readable as the container; the state keeps access on the container only.
      if (!s.parentUri) this.lastTop = { uri: s.uri, access: s.access };
      access = s.access ?? (s.parentUri && this.lastTop?.uri === s.parentUri ? this.lastTop.access : undefined);
    }
    // Risk is scored on the access as stored (roll-up only changes how it is written down).
    const riskAccess = accessOverride !== undefined ? (s.access ?? access) : access;
    const facts = { path: s.path, ...(s.modified ? { modified: s.modified } : {}) };
    const risk = digest
      ? scoreRiskOf(
          { categories: new Set(digest.categories), types: new Set(Object.keys(digest.byType)), distinct: digest.distinct },
          riskAccess,
          s.error,
          facts,
          this.riskOptions,
        )
      : scoreRisk(findings.filter(isActive), riskAccess, s.error, facts, this.riskOptions);
    // Counted beyond the cap, so the reader knows the list is not all of it.
    if (s.truncated) risk.reasons.push(`${s.truncated.total} findings in all, the first ${s.truncated.kept} listed (--max-findings)`);
    const item: ReportItem = {
      path: s.path,
      ...(s.entry !== undefined ? { entry: s.entry } : {}),
      uri: s.uri,
      kind: s.kind,
      ...(s.mediaType ? { mediaType: s.mediaType } : {}),
      size: s.size,
      ...(s.modified ? { modified: s.modified } : {}),
      ...(access ? { access } : {}),
      findings,
      ...(s.truncated ? { truncated: s.truncated } : {}),
      risk,
      error: s.error,
    };
    if (digest && marked !== undefined) this.briefs.set(item, { digest, marked, changes: itemMarks });
    // The stored text plus the marks is the findings exactly, unless a suppression added a key.
    else if (s.findingsJson !== undefined && !suppressed && findings.length > 0) this.briefs.set(item, { json: s.findingsJson, changes });
    return item;
  }

  /**
   * The item's findings as JSON text with their change marks, when that text is exactly the
   * item's findings: always for an item given as text only, whose `findings` is then empty, and
   * then as its UTF-8 bytes in a latin1 string (Latin1Text).
   */
  findingsText(item: ReportItem): string | Latin1Text | undefined {
    const brief = this.briefs.get(item);
    if (brief && brief.marked === undefined && brief.json !== undefined) brief.marked = markedFindingsJson({ json: brief.json, changes: brief.changes });
    return brief?.marked;
  }

  private count(item: ReportItem, brief: FindingsBrief | undefined): void {
    const st = this.stats;
    st.items++;
    if (item.entry === undefined) st.bytes += item.size;
    if (brief?.digest) {
      // Given as text only: every finding counts, none is suppressed.
      if (brief.digest.count > 0) st.itemsWithFindings++;
      st.findings += brief.digest.count;
      for (const type in brief.digest.byType) st.byType[type] = (st.byType[type] ?? 0) + (brief.digest.byType[type] as number);
      for (const c of brief.changes) {
        if (c === 'unchanged') this.unchanged++;
        else this.added++;
      }
    } else {
      if (item.findings.length > 0) st.itemsWithFindings++;
      st.findings += item.findings.length;
    }
    for (const f of item.findings) {
      st.byType[f.type] = (st.byType[f.type] ?? 0) + 1;
      if (f.suppressed) st.suppressed++;
      if (f.change === 'unchanged') this.unchanged++;
      else this.added++;
    }
    if (item.error) {
      st.byErrorCode[item.error.code] = (st.byErrorCode[item.error.code] ?? 0) + 1;
      if (SKIP_CODES.has(item.error.code)) st.skipped++;
      else st.errors++;
    }
  }

  finish(): ReportSummary {
    const { folders, hotspots } = this.rollup.finish();
    const resolvedFindings = this.ctx.marker.resolved();
    const st = this.stats;
    return {
      ...this.head({ ...st, errors: st.errors, skipped: st.skipped }),
      changes: { since: this.ctx.marker.since, new: this.added, resolved: resolvedFindings.length, unchanged: this.unchanged, resolvedFindings },
      folders,
      hotspots,
    };
  }

  /**
   * The head report.json opens with, told before any item from the store's counts: what finish()
   * will give when those counts hold for the items that follow and no suppression applies
   * (suppressed counts are known only item by item). Undefined when the counts lack `byType`.
   */
  predictHead(counts: StoreCounts): ReportHead | undefined {
    if (!counts.byType || (this.ctx.suppressions && !this.ctx.suppressions.none)) return undefined;
    let errors = 0;
    let skipped = 0;
    for (const [code, n] of Object.entries(counts.byErrorCode)) {
      if (SKIP_CODES.has(code as ErrorCode)) skipped += n;
      else errors += n;
    }
    return this.head({ ...counts, byType: counts.byType, errors, skipped, suppressed: 0 });
  }

  private head(st: Omit<ReportStats, 'durationMs' | 'read' | 'reused' | 'ocr'>): ReportHead {
    return {
      schema: 'inzage.report/v1',
      tool: { name: 'inzage', version: VERSION },
      scan: {
        id: this.scanId,
        startedAt: this.ctx.startedAt.toISOString(),
        finishedAt: this.ctx.finishedAt.toISOString(),
        roots: this.ctx.roots,
        minConfidence: this.ctx.minConfidence,
      },
      stats: {
        items: st.items,
        itemsWithFindings: st.itemsWithFindings,
        findings: st.findings,
        bytes: st.bytes,
        errors: st.errors,
        skipped: st.skipped,
        durationMs: Math.max(0, this.ctx.finishedAt.getTime() - this.ctx.startedAt.getTime()),
        // In key order, so a report's counts read the same whichever order its items came in.
        byType: sortedKeys(st.byType),
        byErrorCode: sortedKeys(st.byErrorCode),
        suppressed: st.suppressed,
        read: this.ctx.read ?? 0,
        reused: this.ctx.reused ?? 0,
        ...(this.ctx.ocr ? { ocr: this.ctx.ocr } : {}),
      },
    };
  }
}

function sortedKeys(counts: Record<string, number>): Record<string, number> {
  const out: Record<string, number> = {};
  for (const key of Object.keys(counts).sort()) out[key] = counts[key] as number;
  return out;
}

/** A stored item given as text only, with its findings parsed (the text is exactly them, none triaged). */
function parsed(s: StoredItem): StoredItem {
  const { digest: _digest, findingsBytes, ...rest } = s;
  const json = findingsBytes ? findingsBytes.toString('utf8') : s.findingsJson;
  return {
    ...rest,
    findings: json !== undefined ? (JSON.parse(json) as StoredItem['findings']) : s.findings,
    ...(json !== undefined ? { findingsJson: json } : {}),
  };
}

/** A whole report in memory, for the library API and small states; the CLI streams (reporters/stream.ts). */
export async function collectReport(items: AsyncIterable<StoredItem> | Iterable<StoredItem>, ctx: StreamContext): Promise<Report> {
  const assembler = new ReportAssembler(ctx);
  const out: ReportItem[] = [];
  for await (const s of items) out.push(assembler.add(s));
  const summary = assembler.finish();
  return { schema: summary.schema, tool: summary.tool, scan: summary.scan, stats: summary.stats, items: out, ...rest(summary) };
}

function rest(summary: ReportSummary): Omit<ReportSummary, 'schema' | 'tool' | 'scan' | 'stats'> {
  const { schema: _s, tool: _t, scan: _c, stats: _st, ...others } = summary;
  return others;
}
