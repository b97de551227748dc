/**
 * `--fail-on`: when a scan should make CI fail. `high` fails when any item reaches risk level high
 * or above; `new:high` only when such an item has a finding that is new since the previous scan
 * (or the baseline). Findings that are suppressed or triaged as false-positive or accepted never
 * count: risk is scored on the remaining ones.
 */
import { InzageError } from '../errors.js';
import type { Report, ReportFinding, RiskLevel } from '../model.js';

const LEVELS: RiskLevel[] = ['none', 'low', 'medium', 'high', 'critical'];

export interface FailRule {
  onlyNew: boolean;
  level: RiskLevel;
}

export function parseFailOn(spec: string): FailRule[] {
  return spec.split(',').map((part) => {
    const m = /^(new:)?(low|medium|high|critical)$/.exec(part.trim());
    if (!m) throw new InzageError('usage', `--fail-on "${part}" is not a rule; write a level (low, medium, high, critical), optionally as new:LEVEL`);
    return { onlyNew: Boolean(m[1]), level: m[2] as RiskLevel };
  });
}

export function isActive(f: ReportFinding): boolean {
  return !f.suppressed && f.status !== 'false-positive' && f.status !== 'accepted';
}

export interface GateResult {
  failed: boolean;
  /** Items that met a rule, as `path` or `path!entry`. */
  items: string[];
}

export function evaluateGate(report: Report, rules: FailRule[]): GateResult {
  const hits: string[] = [];
  for (const item of report.items) {
    const met = rules.some((rule) => {
      if (LEVELS.indexOf(item.risk.level) < LEVELS.indexOf(rule.level)) return false;
      return !rule.onlyNew || item.findings.some((f) => isActive(f) && f.change === 'new');
    });
    if (met) hits.push(item.entry ? `${item.path}!${item.entry}` : item.path);
  }
  return { failed: hits.length > 0, items: hits };
}
