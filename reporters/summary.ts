/** `--summary json`: one line on stdout for CI (`inzage.summary/v1`): the gate, the stats, the changes, the files written. */
import type { FailRule } from '../scanner/report/gate.js';
import type { ReportSummary } from '../scanner/report/stream.js';

export interface SummaryFacts {
  failed: boolean;
  failOn: FailRule[] | null;
  failingItems: string[];
  byLevel: Record<string, number>;
  written: string[];
}

export function renderSummaryJson(report: ReportSummary, facts: SummaryFacts): string {
  const c = report.changes;
  return `${JSON.stringify({
    schema: 'inzage.summary/v1',
    scanId: report.scan.id,
    failed: facts.failed,
    failOn: facts.failOn,
    failingItems: facts.failingItems,
    stats: report.stats,
    changes: { since: c.since, new: c.new, resolved: c.resolved, unchanged: c.unchanged },
    itemsByRisk: facts.byLevel,
    reports: facts.written,
  })}\n`;
}
