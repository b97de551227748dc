/**
 * Reports of the last finished scan from the state, without scanning (`inzage report`): the same
 * items, marks and resolved findings as when the scan wrote them (plus triage decisions made
 * since). Which findings were new is kept per item by the scan that read it; the resolved ones are
 * kept with the scan.
 */
import { existsSync } from 'node:fs';
import { InzageError } from '../errors.js';
import type { Access, ReportChanges } from '../model.js';
import { stateDir } from '../state/state.js';
import type { ScanStore } from '../state/store.js';
import { snapshotOf } from './assemble.js';
import { loadBaseline } from './baseline.js';
import { type ChangeMarker, type ReportSettings, type StreamContext, snapshotMarker, stateMarker } from './stream.js';
import { loadSuppressions } from './suppressions.js';

/** One value, overwritten by each scan: folder access for a whole share is too large to keep per scan. */
export const SETTINGS_KEY = 'report-settings';

/** Kept with the scan so `inzage report` lists the same resolved findings (new ones are marked per item). */
export interface StoredChanges {
  changes: ReportChanges;
  /** A scan compared with `--baseline`: that file, so `inzage report` compares with it again (marks are per item against the state otherwise). */
  baseline?: string;
  /** Written by versions before schema 3 only: every new finding of the scan. */
  newFindings?: { path: string; entry?: string; type: string; hash: string }[];
}

export async function saveReportSettings(store: ScanStore, scanId: string, settings: ReportSettings): Promise<void> {
  await store.setValue(SETTINGS_KEY, JSON.stringify({ scanId, ...settings, folderAccess: [...(settings.folderAccess ?? [])] }));
}

/** The report settings a scan used, so a report rendered later from the state shows the same roll-up and risk. */
export async function storedSettings(store: ScanStore, scanId: string): Promise<ReportSettings> {
  const raw = await store.getValue(SETTINGS_KEY);
  if (!raw) return {};
  const {
    scanId: savedBy,
    folderAccess,
    ...rest
  } = JSON.parse(raw) as Omit<ReportSettings, 'folderAccess'> & {
    scanId?: string;
    folderAccess?: [string, Access][];
  };
  // Written by a scan that did not finish (or watch mode finished last): not this scan's settings.
  if (savedBy !== scanId) return {};
  return { ...rest, folderAccess: new Map(folderAccess ?? []) };
}

/** What the report of the last finished scan is assembled with. */
export async function lastScanContext(
  store: ScanStore,
  options: { stateDir?: string; suppressionsFile?: string /** How messages name a store other than the local state. */; storeDescription?: string },
): Promise<StreamContext> {
  const last = await store.lastFinishedScan();
  if (!last) {
    throw new InzageError(
      'no-scan',
      `${options.storeDescription ?? `the scan state in ${stateDir(options.stateDir)}`} holds no finished scan; run inzage scan first`,
    );
  }
  const kept = (last.changes ?? { changes: { since: null, resolvedFindings: [] } }) as StoredChanges;
  return {
    scanId: last.id,
    roots: last.roots,
    startedAt: new Date(last.startedAt),
    finishedAt: new Date(last.finishedAt ?? last.startedAt),
    minConfidence: last.minConfidence,
    suppressions: await loadSuppressions(options.suppressionsFile),
    marker: baselineMarker(kept) ?? stateMarker(last.id, kept.changes.since, kept.changes.resolvedFindings ?? []),
    settings: await storedSettings(store, last.id),
  };
}

/** The baseline a scan was compared with, read again while it is still there. */
function baselineMarker(kept: StoredChanges): ChangeMarker | undefined {
  if (!kept.baseline || !existsSync(kept.baseline)) return undefined;
  const { report } = loadBaseline(kept.baseline);
  return snapshotMarker(snapshotOf(report.items), kept.changes.since);
}
