/**
 * Risk per item and per folder, 0..100, from parts that docs/access-and-risk.md documents:
 *   sensitivity  the most sensitive category found (special 45 … online 5)
 *   volume       distinct values (≈ distinct persons), 12 × log10(1 + n), at most 30
 *   exposure     +20 when broad principals can read it; +10 when who can read it is unknown
 *                (permissions not read): not safe, and not proven broad either
 *   age          +3 / +6 / +10 when not modified for 1 / 2 / 5 years: old data is forgotten data
 *   retention    +10 when a retention rule says it is kept too long (`retention-overdue`)
 * Items that could not be read are not scored but say so, since they may hold personal data.
 * The settings are plain objects with defaults, so the config file can feed them.
 */
import picomatch from 'picomatch';
import { HIGH_CONFIDENCE } from '../../detectors/confidence.js';
import type { Category, Finding } from '../../detectors/types.js';
import { type Access, type ItemError, type Risk, type RiskLevel, SKIP_CODES } from '../model.js';

export const SENSITIVITY: Record<Category, number> = {
  special: 45,
  'national-id': 35,
  financial: 25,
  identity: 15,
  contact: 10,
  online: 5,
};
const VOLUME_MAX = 30;
const BROAD_ACCESS = 20;
const UNKNOWN_ACCESS = 10;
const RETENTION_OVERDUE = 10;
/** A whole ID document (photo, number, birth date, nationality) is worth more to an identity thief than a number in a list. */
const IDENTITY_COPY = 10;
/** Years without modification → points. */
const AGE_STEPS: readonly [number, number][] = [
  [5, 10],
  [2, 6],
  [1, 3],
];
const DAY_MS = 86_400_000;

export const RISK_LEVELS: readonly RiskLevel[] = ['none', 'low', 'medium', 'high', 'critical'];

export function levelFor(score: number): RiskLevel {
  if (score <= 0) return 'none';
  if (score < 30) return 'low';
  if (score < 50) return 'medium';
  if (score < 75) return 'high';
  return 'critical';
}

export function levelAtLeast(level: RiskLevel, min: RiskLevel): boolean {
  return RISK_LEVELS.indexOf(level) >= RISK_LEVELS.indexOf(min);
}

/**
 * A retention rule: data matching it (any of `categories` found, if given, and the path matching
 * any of `paths`, if given) should be gone `maxAgeDays` after it was last modified. The last
 * modification stands in for the end of the procedure or the fiscal year, which a file does not tell.
 */
export interface RetentionRule {
  id: string;
  description: string;
  categories?: readonly Category[];
  /** Globs on the item's path relative to its root, case-insensitive. */
  paths?: readonly string[];
  /** Finding types that make an item fall under the rule whatever its path and categories (an OCR'd ID copy). */
  types?: readonly string[];
  maxAgeDays: number;
}

export const DEFAULT_RETENTION_RULES: readonly RetentionRule[] = [
  {
    id: 'job-applicants',
    description: "Job applicants' data: 4 weeks after the procedure ends (AP guidance; 1 year with the applicant's consent)",
    paths: ['**/*sollicit*/**', '**/*sollicit*', '**/*applicant*/**', '**/*applicant*', '**/*recruit*/**', '**/*werving*/**'],
    maxAgeDays: 28,
  },
  {
    id: 'id-copies',
    description: 'Copies of identity documents in personnel files: 5 years after employment ends (Wet op de loonbelasting 1964, art. 28)',
    categories: ['national-id'],
    paths: ['**/*paspoort*', '**/*passport*', '**/*id-bewijs*', '**/*identiteitsbewijs*', '**/*kopie*id*'],
    types: ['identity-document'],
    maxAgeDays: 5 * 365,
  },
  {
    id: 'financial-records',
    description: 'Financial records: 7 years (fiscal retention duty, Algemene wet inzake rijksbelastingen art. 52)',
    categories: ['financial'],
    maxAgeDays: 7 * 365,
  },
];

export interface RiskOptions {
  retention?: readonly RetentionRule[];
  /** The moment ages are measured against; default: now. */
  now?: Date;
}

/** What an item's score is computed from, besides its findings. */
export interface ItemFacts {
  path?: string;
  modified?: string;
}

interface CompiledRule {
  rule: RetentionRule;
  matches: (path: string) => boolean;
}

const compiled = new WeakMap<readonly RetentionRule[], CompiledRule[]>();

function compile(rules: readonly RetentionRule[]): CompiledRule[] {
  let list = compiled.get(rules);
  if (!list) {
    list = rules.map((rule) => ({
      rule,
      matches: rule.paths?.length ? picomatch([...rule.paths], { nocase: true, dot: true }) : () => true,
    }));
    compiled.set(rules, list);
  }
  return list;
}

/** The rule that an item breaks, if any (the strictest when several do). */
export function retentionOverdue(
  categories: ReadonlySet<Category>,
  facts: ItemFacts,
  options: RiskOptions = {},
  types: ReadonlySet<string> = new Set(),
): { rule: string; maxAgeDays: number; ageDays: number } | undefined {
  const ageDays = ageInDays(facts.modified, options.now);
  if (ageDays === undefined) return undefined;
  let found: { rule: string; maxAgeDays: number; ageDays: number } | undefined;
  for (const { rule, matches } of compile(options.retention ?? DEFAULT_RETENTION_RULES)) {
    const byType = rule.types?.some((t) => types.has(t)) ?? false;
    if (byType) {
      if (ageDays > rule.maxAgeDays && (!found || rule.maxAgeDays < found.maxAgeDays)) found = { rule: rule.id, maxAgeDays: rule.maxAgeDays, ageDays };
      continue;
    }
    if (rule.categories?.length && !rule.categories.some((c) => categories.has(c))) continue;
    if (rule.paths?.length && !matches(facts.path ?? '')) continue;
    if (ageDays > rule.maxAgeDays && (!found || rule.maxAgeDays < found.maxAgeDays)) found = { rule: rule.id, maxAgeDays: rule.maxAgeDays, ageDays };
  }
  return found;
}

function ageInDays(modified: string | undefined, now: Date | undefined): number | undefined {
  if (!modified) return undefined;
  const t = Date.parse(modified);
  if (Number.isNaN(t)) return undefined;
  return Math.max(0, Math.floor(((now ?? new Date()).getTime() - t) / DAY_MS));
}

function topCategory(categories: Iterable<Category>): Category | undefined {
  let top: Category | undefined;
  for (const c of categories) if (top === undefined || SENSITIVITY[c] > SENSITIVITY[top]) top = c;
  return top;
}

function formatDays(days: number): string {
  if (days >= 730) return `${Math.floor(days / 365)} years`;
  if (days >= 60) return `${Math.floor(days / 30)} months`;
  if (days >= 14) return `${Math.floor(days / 7)} weeks`;
  return `${days} days`;
}

/** The parts of a score; items and folders fill them differently. */
export interface RiskParts {
  categories: ReadonlySet<Category>;
  distinct: number;
  /** Why it is broadly readable; empty when it is not. */
  broad: readonly string[];
  /** Who can read it was not read (`access.broad: 'unknown'`). */
  accessUnknown?: boolean;
  /** Days since the (oldest) data was last modified. */
  ageDays?: number;
  retention?: { rule: string; maxAgeDays: number; ageDays: number };
  /** Items under a folder past their retention; reported instead of one item's rule. */
  overdueItems?: number;
  /** The item is a copy of a passport or ID card (an `identity-document` finding). */
  identityCopy?: boolean;
}

export function combineRisk(parts: RiskParts): Risk {
  const top = topCategory(parts.categories);
  if (top === undefined) return { score: 0, level: 'none', reasons: [] };
  const reasons: string[] = [];
  let score = SENSITIVITY[top];
  reasons.push(`holds ${top} data`);
  score += Math.min(VOLUME_MAX, Math.round(12 * Math.log10(1 + parts.distinct)));
  reasons.push(`${parts.distinct} distinct value${parts.distinct === 1 ? '' : 's'}`);
  if (parts.broad.length > 0) {
    score += BROAD_ACCESS;
    reasons.push(`broad access: ${parts.broad.join(', ')}`);
  } else if (parts.accessUnknown) {
    score += UNKNOWN_ACCESS;
    reasons.push('access unknown: who can read it was not read');
  }
  if (parts.ageDays !== undefined) {
    const step = AGE_STEPS.find(([years]) => parts.ageDays !== undefined && parts.ageDays >= years * 365);
    if (step) {
      score += step[1];
      reasons.push(`not modified for ${formatDays(parts.ageDays)}`);
    }
  }
  if (parts.identityCopy) {
    score += IDENTITY_COPY;
    reasons.push('copy of an identity document');
  }
  const risk: Risk = { score: 0, level: 'none', reasons };
  if (parts.retention) {
    score += RETENTION_OVERDUE;
    reasons.push(
      `retention-overdue: ${parts.retention.rule} (kept ${formatDays(parts.retention.maxAgeDays)}, this is ${formatDays(parts.retention.ageDays)} old)`,
    );
    risk.retention = parts.retention;
  } else if (parts.overdueItems) {
    score += RETENTION_OVERDUE;
    reasons.push(`retention-overdue: ${parts.overdueItems} item${parts.overdueItems === 1 ? '' : 's'} kept past their retention period`);
  }
  risk.score = Math.min(100, score);
  risk.level = levelFor(risk.score);
  return risk;
}

/**
 * The category a finding adds to an item's sensitivity. A special-category term (health, religion…)
 * in a text that identifies nobody, such as a sick-leave policy, is below high confidence (the
 * engine raises it only when the same item identifies people) and is not personal data: it is
 * reported but does not make the item sensitive.
 */
export function riskCategory(f: Pick<Finding, 'category' | 'confidence'>): Category | undefined {
  return f.category === 'special' && f.confidence < HIGH_CONFIDENCE ? undefined : f.category;
}

export function scoreRisk(
  findings: readonly Finding[],
  access: Access | undefined,
  error: ItemError | null,
  facts: ItemFacts = {},
  options: RiskOptions = {},
): Risk {
  if (findings.length === 0) return scoreRiskOf(undefined, access, error, facts, options);
  // One pass over the findings: an item can hold thousands, and every report scores every item.
  const categories = new Set<Category>();
  const types = new Set<string>();
  const hashes = new Set<string>();
  for (const f of findings) {
    const category = riskCategory(f);
    if (category) categories.add(category);
    types.add(f.type);
    hashes.add(f.hash);
  }
  return scoreRiskOf({ categories, types, distinct: hashes.size }, access, error, facts, options);
}

/** What an item's score takes from its findings; undefined for an item without findings. */
export interface FindingsBrief {
  /** Categories that count for risk (riskCategory). */
  categories: ReadonlySet<Category>;
  types: ReadonlySet<string>;
  /** Distinct hashes. */
  distinct: number;
}

/** scoreRisk from the findings in brief (a stored digest, scanner/report/digest.ts), so they need not be parsed. */
export function scoreRiskOf(
  brief: FindingsBrief | undefined,
  access: Access | undefined,
  error: ItemError | null,
  facts: ItemFacts = {},
  options: RiskOptions = {},
): Risk {
  if (!brief) {
    const reasons: string[] = [];
    if (error && !SKIP_CODES.has(error.code)) reasons.push(`not scanned (${error.code}); may hold personal data`);
    return { score: 0, level: 'none', reasons };
  }
  const { categories, types } = brief;
  const retention = retentionOverdue(categories, facts, options, types);
  const ageDays = ageInDays(facts.modified, options.now);
  return combineRisk({
    identityCopy: types.has('identity-document'),
    categories,
    distinct: brief.distinct,
    broad: access?.broad === true ? access.reasons : [],
    ...(access?.broad === 'unknown' ? { accessUnknown: true } : {}),
    ...(ageDays !== undefined ? { ageDays } : {}),
    ...(retention ? { retention } : {}),
  });
}

/** `28d`, `4w`, `6m` (30 days), `7y` (365 days) → days. */
export function parseDuration(text: string): number {
  const m = /^\s*(\d+)\s*([dwmy])\s*$/i.exec(text);
  if (!m) throw new Error(`"${text}" is not a duration; write a number and d, w, m or y (28d, 4w, 6m, 7y)`);
  const n = Number(m[1]);
  const unit = (m[2] ?? 'd').toLowerCase();
  return n * (unit === 'y' ? 365 : unit === 'm' ? 30 : unit === 'w' ? 7 : 1);
}

/**
 * Applies `RULE=DURATION` or `RULE=off` overrides to retention rules (the CLI's `--retention`).
 * Unknown rule ids are an error, so a typo does not silently keep the default.
 */
export function overrideRetention(rules: readonly RetentionRule[], overrides: readonly string[]): RetentionRule[] {
  let result = [...rules];
  for (const override of overrides) {
    const [id, value] = override.split('=', 2).map((s) => s.trim());
    if (!id || !value) throw new Error(`"${override}" is not RULE=DURATION; for example financial-records=7y or job-applicants=off`);
    if (!result.some((r) => r.id === id)) throw new Error(`no retention rule "${id}"; rules: ${result.map((r) => r.id).join(', ')}`);
    if (value === 'off') result = result.filter((r) => r.id !== id);
    else {
      const maxAgeDays = parseDuration(value);
      result = result.map((r) => (r.id === id ? { ...r, maxAgeDays } : r));
    }
  }
  return result;
}
