/**
 * The detection engine: the one place where raw values exist. It runs the detectors whose
 * prefilter admits a segment, scores candidates (pattern, validator, context), resolves
 * overlaps between types once for all, and turns each survivor into a Finding that carries only
 * a masked form and a keyed hash.
 */

import { DEFAULT_MIN_CONFIDENCE } from './confidence.js';
import { ASK_REGEX, buildContextLookup, NEAR_NEGATIVE, NEAR_POSITIVE } from './context.js';
import type { Recognizer } from './ner.js';
import { needsOf, type PatternNeeds } from './pattern-gate.js';
import { buildPrefilter } from './prefilter.js';
import { RegionEvidence } from './region-hints.js';
import { type Gate, gateFor, type Shape, shapeOf } from './shape.js';
import type { Candidate, Category, ContextWords, Detector, DetectorPattern, Finding, Hasher, ItemHints, Segment, Where } from './types.js';

// In a module of their own, so the main thread reads them without loading the engine (and its tables).
export { type ConfidenceLevel, confidenceLevel, DEFAULT_MIN_CONFIDENCE, HIGH_CONFIDENCE } from './confidence.js';

export interface EngineOptions {
  /** Findings below this confidence are not reported. */
  minConfidence?: number;
  /** Model-based recognisers (NER) whose spans join the candidates in `detectAsync`. */
  recognizers?: readonly Recognizer[];
  /** Told when a recogniser fails on a segment; the segment keeps the pattern detectors' findings. */
  onRecognizerError?(recognizer: string, error: unknown): void;
}

/** Added when a context word sits near the match or in its column header. */
export const CONTEXT_BOOST = 0.35;
/** Subtracted when a negative context word (order, invoice, tracking…) sits near the match. */
export const NEGATIVE_CONTEXT_PENALTY = 0.35;
/**
 * Special-category (Art. 9/10) findings are raised to this in an item that also holds a finding
 * of an identifying category: a diagnosis in a file with a name and a BSN is about that person.
 */
export const SPECIAL_IN_IDENTIFIED_ITEM = 0.9;
export const IDENTIFYING_CATEGORIES: ReadonlySet<Category> = new Set(['identity', 'national-id', 'contact', 'financial']);
/** Characters before and after a match searched for context words. */
export const CONTEXT_BEFORE = 64;
export const CONTEXT_AFTER = 32;

/** Long texts are cut into windows so each regex pass stays small; matches never exceed OVERLAP. */
const WINDOW = 256 * 1024;
const OVERLAP = 1024;

interface Compiled {
  detector: Detector;
  /** Its position in the engine's list, for the context look-up. */
  index: number;
  keywords: string[] | undefined;
  /** `requires`, answered from the text's shape where that is enough. */
  gate: Gate | undefined;
  /** Per pattern: what a match needs (pattern-gate.ts). */
  needs: (PatternNeeds | undefined)[];
  /**
   * Whether the detector finds only with patterns whose needs are all known: then a text whose
   * shape meets none of them is skipped before its `requires` runs (often a regex).
   */
  patternsOnly: boolean;
  context: RegExp | undefined;
  negative: RegExp | undefined;
  /** Which of its `phrases` groups the window holds, for its `find`: a view of the engine's marks. */
  phrases: Uint8Array | undefined;
}

interface Scored {
  detector: Detector;
  start: number;
  end: number;
  normalized: string;
  raw: string;
  score: number;
  checksum: boolean;
  basis: string[];
  /** The score, and region, if the item turns out to be about that region (Candidate.inRegion). */
  inRegion?: { region: string; score: number };
}

/** The findings of a window without any: shared, never written to. */
const NONE: readonly Scored[] = [];

/** What a window's candidates came to (see `found` in createEngine). */
interface WindowFinds {
  scored: Scored[] | undefined;
  waiting: Scored[] | undefined;
}

/** Findings held back for a region per item, at most: a text full of such digit runs cannot grow memory without end. */
const MAX_PENDING = 10_000;

/**
 * One item (a file, an entry, a message) while its segments are detected: the regions it points at
 * (region-hints.ts), gathered over its segments, and the findings that are personal data only if
 * it points at their region, decided when the item closes.
 */
export interface ItemScope {
  readonly evidence: RegionEvidence;
  readonly pending: Map<string, Finding[]>;
  /** The hints given to its last segment: given again while its regions have not changed. */
  hints?: ItemHints;
}

export interface Engine {
  readonly detectors: readonly Detector[];
  /**
   * Starts an item whose segments are then detected with it: `regions` are what its path names
   * (region-hints.ts `regionsOfPath`); its text adds more as it is read.
   */
  openItem(regions?: readonly string[]): ItemScope;
  /** All findings in one segment, in text order. Without an item, the segment is an item of its own. */
  detect(segment: Segment, item?: ItemScope): Finding[];
  /** As `detect`, with the spans of the configured recognisers (NER) merged in. */
  detectAsync(segment: Segment, item?: ItemScope): Promise<Finding[]>;
  /** Whether recognisers are configured: without, `detect` finds what `detectAsync` does, without a promise per segment. */
  readonly recognizes: boolean;
  /**
   * Ends an item: the findings held back for a region the item turned out to point at (a Belgian
   * number in a list whose IBANs, further down, are Belgian), to add to the item's findings.
   */
  closeItem(item: ItemScope): Finding[];
  /**
   * The item step, called once with all findings of one item (a file, an entry, a message) when
   * its last segment is done: raises special-category findings when the item also identifies
   * someone. Returns the findings to keep.
   */
  finalizeItem(findings: Finding[]): Finding[];
  /** The text with every value a detector finds replaced by its masked form: for names that become paths (mail subjects). */
  redact(text: string): string;
}

export function createEngine(detectors: readonly Detector[], hasher: Hasher, options: EngineOptions = {}): Engine {
  const minConfidence = options.minConfidence ?? DEFAULT_MIN_CONFIDENCE;
  const seen = new Set<string>();
  for (const d of detectors) {
    if (seen.has(d.id)) throw new Error(`two detectors share the id "${d.id}"`);
    seen.add(d.id);
    for (const p of d.patterns ?? []) {
      if (!p.regex.global) throw new Error(`detector ${d.id}: pattern ${p.name} needs the g flag`);
    }
  }
  const compiled: Compiled[] = detectors.map((detector, index) => {
    const needs = (detector.patterns ?? []).map((p) => needsOf(p.regex));
    return {
      detector,
      index,
      keywords: detector.keywords?.map((k) => k.toLowerCase()),
      gate: detector.requires ? gateFor(detector.requires) : undefined,
      needs,
      patternsOnly: !detector.find && needs.length > 0 && needs.every((n) => n !== undefined),
      context: wordsRegex(detector.context),
      negative: wordsRegex(detector.negativeContext),
      phrases: undefined as Uint8Array | undefined,
    };
  });
  // Every detector's context words in one index, scanned once per window (context.ts).
  const context = buildContextLookup(detectors.map((d) => ({ context: d.context, negative: d.negativeContext })));
  // One Aho–Corasick pass over a segment decides which keyword-gated detectors run (prefilter.ts).
  // The detectors' phrase groups are lists of the same pass, after the detectors' own.
  const lists: (readonly string[] | undefined)[] = compiled.map((c) => c.keywords);
  const phraseLists: { c: Compiled; from: number; count: number }[] = [];
  for (const c of compiled) {
    const groups = c.detector.phrases;
    if (!groups?.length) continue;
    phraseLists.push({ c, from: lists.length, count: groups.length });
    lists.push(...groups);
  }
  const prefilter = buildPrefilter(lists);
  const anyKeywords = lists.some((l) => l?.length);
  const byId = new Map(compiled.map((c) => [c.detector.id, c]));
  const recognizers = options.recognizers ?? [];
  // Region evidence is gathered only when a detector reads it.
  const regional = detectors.some((d) => d.regional === true);

  /** The candidates of one detector in a window, appended to `out`. */
  function candidatesIn(c: Compiled, text: string, shape: Shape, hints: ItemHints | undefined, out: Candidate[]): void {
    const d = c.detector;
    const patterns = d.patterns ?? [];
    for (let k = 0; k < patterns.length; k++) {
      const p = patterns[k] as DetectorPattern;
      const needs = c.needs[k];
      if (needs && !meets(shape, needs)) continue;
      // exec on the shared regex, not matchAll, which clones the regex on every call.
      const re = p.regex;
      re.lastIndex = 0;
      for (let m = re.exec(text); m !== null; m = re.exec(text)) {
        if (m[0].length === 0) re.lastIndex++;
        else out.push({ start: m.index, end: m.index + m[0].length, score: p.score, pattern: p.name });
      }
    }
    if (d.find) {
      const found = c.phrases ? d.find(text, hints, c.phrases) : d.find(text, hints);
      // Most finders return an array: read by index, without an iterator per call.
      if (Array.isArray(found)) for (let k = 0; k < found.length; k++) out.push(found[k] as Candidate);
      else for (const cand of found) out.push(cand);
    }
  }

  function score(c: Compiled, cand: Candidate, text: string, segment: Segment, hints: ItemHints | undefined): Scored | undefined {
    const d = c.detector;
    const raw = text.slice(cand.start, cand.end);
    const normalized = d.normalize ? d.normalize(raw, hints) : raw;
    if (!normalized || d.invalidate?.(normalized)) return undefined;
    const verdict = d.validate?.(normalized);
    if (verdict === false) return undefined;
    const basis = [cand.pattern ?? 'match'];
    const base = cand.score ?? 0.5;
    let value = base;
    const checksum = verdict === true && d.checksum === true;
    if (checksum) basis.push('checksum');
    if (c.context || c.negative) {
      let near = context.lookup(c.index, cand.start, cand.end, CONTEXT_BEFORE, CONTEXT_AFTER);
      if (near === ASK_REGEX) near = nearByRegex(c, cand, text, segment);
      if (near & NEAR_POSITIVE) {
        value += CONTEXT_BOOST;
        basis.push('context');
      }
      if (near & NEAR_NEGATIVE) {
        value -= NEGATIVE_CONTEXT_PENALTY;
        basis.push('negative-context');
      }
    }
    const scored: Scored = { detector: d, start: cand.start, end: cand.end, normalized, raw, score: clampScore(value), checksum, basis };
    if (cand.inRegion) scored.inRegion = { region: cand.inRegion.region, score: clampScore(value - base + cand.inRegion.score) };
    return scored;
  }

  /** The context rule as a regex over the text around the candidate: what `context.lookup` answers by offset, for the rare case it cannot. */
  function nearByRegex(c: Compiled, cand: Candidate, text: string, segment: Segment): number {
    const near = `${text.slice(Math.max(0, cand.start - CONTEXT_BEFORE), cand.start)} ${text.slice(cand.end, cand.end + CONTEXT_AFTER)}`;
    // The segment's context (a column header, the line before) is a label for the value that
    // opens the segment, not for a date in the middle of the next sentence of prose.
    const opens = segment.context !== undefined && !/\p{L}/u.test(text.slice(Math.max(0, cand.start - CONTEXT_BEFORE), cand.start));
    const around = opens ? `${near} ${segment.context}` : near;
    return (c.context?.test(around) ? NEAR_POSITIVE : 0) | (c.negative?.test(near) ? NEAR_NEGATIVE : 0);
  }

  // Reused between windows: the eligibility marks (and after them the phrase marks) and the candidate list.
  const eligible = new Uint8Array(lists.length);
  for (const { c, from, count } of phraseLists) c.phrases = eligible.subarray(from, from + count);
  // A context scanned on its own marks here first: its phrases are not the text's.
  const contextMarks = new Uint8Array(lists.length);
  const candidates: Candidate[] = [];
  // The prefilter notes where each list's last keyword in the text starts. A segment's context is
  // most often the tail of the text before it (the end of the line before, extractors/text.ts):
  // its keywords are then read off those starts instead of scanned again.
  let starts: Int32Array = new Int32Array(lists.length);
  let previousText: string | undefined;
  let previousStarts: Int32Array = new Int32Array(lists.length);

  /** Marks the detectors with a keyword in a segment's context (phrases count in the text only). */
  function contextKeywords(context: string): void {
    const before = previousText;
    if (before !== undefined && context.length <= before.length && before.endsWith(context)) {
      const from = before.length - context.length;
      for (let i = 0; i < compiled.length; i++) if ((previousStarts[i] as number) >= from) eligible[i] = 1;
    } else {
      contextMarks.fill(0);
      prefilter.scan(context, contextMarks);
      for (let i = 0; i < compiled.length; i++) if (contextMarks[i] === 1) eligible[i] = 1;
    }
  }

  /**
   * What detectWindow gathered in the current window: the candidates that reach the threshold and
   * those held back for a region. One object for the engine (windows are detected one at a time),
   * its lists made on the first candidate that survives.
   */
  const found: WindowFinds = { scored: undefined, waiting: undefined };

  /** Scores one candidate of a window and files it in `found`, or drops it. */
  function consider(
    c: Compiled,
    cand: Candidate,
    text: string,
    segment: Segment,
    hints: ItemHints | undefined,
    ownedStart: number,
    ownedEnd: number,
    holds: boolean,
  ): void {
    if (cand.start < ownedStart || cand.start >= ownedEnd || cand.end <= cand.start) return;
    const s = score(c, cand, text, segment, hints);
    if (s === undefined) return;
    // A weak guess below the threshold must not hide a stronger type; a checksum pass may.
    if (s.score >= minConfidence || s.checksum) {
      found.scored ??= [];
      found.scored.push(s);
    } else if (holds && s.inRegion && s.inRegion.score >= minConfidence) {
      found.waiting ??= [];
      found.waiting.push(s);
    }
  }

  /**
   * The findings of one window. `hints` are the item's regions; a candidate that reaches the
   * threshold only in a region the item has not (yet) shown goes to `held` when nothing else
   * claims its span.
   */
  function detectWindow(
    segment: Segment,
    text: string,
    ownedStart: number,
    ownedEnd: number,
    hints?: ItemHints,
    held?: Scored[],
    external?: Map<Compiled, Candidate[]>,
  ): readonly Scored[] {
    // The text's shape decides, before any regex, which detectors and patterns can match at all.
    const shape = shapeOf(text);
    // Keywords count in the text and in its context (a column header, the line before), since
    // that is where a gated detector's context words, and so its confidence, come from.
    eligible.fill(0);
    if (anyKeywords) {
      prefilter.scan(text, eligible, starts);
      if (segment.context) contextKeywords(segment.context);
      // This text's keyword starts become the previous ones; the other array is written next.
      const written = starts;
      starts = previousStarts;
      previousStarts = written;
      previousText = text;
    }
    context.reset(text, segment.context);
    // Allocated on the first candidate that survives: most windows have none.
    found.scored = undefined;
    found.waiting = undefined;
    for (let i = 0; i < compiled.length; i++) {
      const c = compiled[i] as Compiled;
      if (c.keywords && eligible[i] === 0) continue;
      if (c.patternsOnly && !meetsAny(shape, c.needs as PatternNeeds[])) continue;
      if (c.gate && !c.gate(shape, text)) continue;
      if (candidates.length !== 0) candidates.length = 0;
      candidatesIn(c, text, shape, hints, candidates);
      for (let k = 0; k < candidates.length; k++) {
        consider(c, candidates[k] as Candidate, text, segment, hints, ownedStart, ownedEnd, held !== undefined);
      }
    }
    if (external) {
      for (const [c, cands] of external) for (const cand of cands) consider(c, cand, text, segment, hints, ownedStart, ownedEnd, held !== undefined);
    }
    // Read back as the type it has: the reset above narrows it for the compiler, not for consider().
    const { scored, waiting } = found as WindowFinds;
    if (scored === undefined) {
      if (held && waiting) for (const w of waiting) held.push(w);
      return NONE;
    }
    const kept = resolveOverlaps(scored);
    // Held back only where no other candidate, reported or not, claims the span.
    if (held && waiting) for (const w of waiting) if (!kept.some((k) => k.start < w.end && w.start < k.end)) held.push(w);
    let below = 0;
    for (const s of kept) if (s.score < minConfidence) below++;
    return below === 0 ? kept : kept.filter((s) => s.score >= minConfidence);
  }

  /** Asks every recogniser about a window; entity types map to detector ids, which supply normalise, validate and mask. */
  async function recognize(text: string): Promise<Map<Compiled, Candidate[]>> {
    const found = new Map<Compiled, Candidate[]>();
    for (const r of recognizers) {
      let entities: Awaited<ReturnType<Recognizer['recognize']>>;
      try {
        entities = await r.recognize(text);
      } catch (err) {
        options.onRecognizerError?.(r.id, err);
        continue;
      }
      for (const e of entities) {
        const c = byId.get(e.type);
        if (!c || !(e.start >= 0 && e.end <= text.length && e.end > e.start)) continue;
        const list = found.get(c) ?? [];
        list.push({ start: e.start, end: e.end, score: Math.min(0.99, Math.max(0, e.score)), pattern: `ner:${r.id}` });
        found.set(c, list);
      }
    }
    return found;
  }

  /**
   * Cuts a long text into windows. Each window owns the matches starting in [from, from + step)
   * and sees OVERLAP more on both sides, so a match crossing a cut is seen whole and a match's
   * tail is never mistaken for a match.
   */
  function windows(text: string, ownedStart: number, ownedEnd: number): { from: number; to: number; lead: number; owned: number }[] {
    if (text.length <= WINDOW) return [{ from: 0, to: text.length, lead: ownedStart, owned: ownedEnd }];
    const out: { from: number; to: number; lead: number; owned: number }[] = [];
    const step = WINDOW - 2 * OVERLAP;
    for (let start = ownedStart; start < ownedEnd; start += step) {
      const from = start - Math.min(start, OVERLAP);
      const to = Math.min(text.length, start + step + OVERLAP);
      out.push({ from, to, lead: start - from, owned: Math.min(ownedEnd, start + step) - from });
    }
    return out;
  }

  function openItem(regions: readonly string[] = []): ItemScope {
    return { evidence: new RegionEvidence(regions), pending: new Map() };
  }

  /**
   * The item's hints for a segment; its own text is read for evidence first (a Belgian IBAN beside
   * the number counts for it). In an item every segment is read, for numbers held back earlier;
   * a segment on its own is read only when a detector asks.
   */
  function hintsFor(scope: ItemScope | undefined, segment: Segment): ItemHints {
    if (scope) {
      // Taken here for the evidence to read; a segment of one window keeps it for that window.
      if (segment.text.length <= WINDOW) shapeOf(segment.text);
      scope.evidence.see(segment.text);
      const regions = scope.evidence.regions();
      if (scope.hints?.regions !== regions) scope.hints = { regions };
      return scope.hints;
    }
    return new SegmentHints(segment.text);
  }

  /**
   * Where a segment's held-back candidates go: only in an item, which can release them, and not
   * for text read by OCR, whose findings the worker tempers by the OCR's confidence as they come.
   */
  function holdsFor(item: ItemScope | undefined, hints: ItemHints | undefined, segment: Segment): Scored[] | undefined {
    return item && hints && !segment.ocr ? [] : undefined;
  }

  /** Keeps the held-back candidates as findings at their region's score, for `closeItem` to release. */
  function hold(item: ItemScope, held: Scored[], segment: Segment): void {
    for (const s of held) {
      const region = s.inRegion as { region: string; score: number };
      const list = item.pending.get(region.region) ?? [];
      if (list.length >= MAX_PENDING) continue;
      list.push(toFinding({ ...s, score: region.score, basis: [...s.basis, 'item-region'] }, segment));
      item.pending.set(region.region, list);
    }
  }

  /**
   * The place of the segment being detected, copied once for all its findings (set back at the
   * start of each detect): one object per segment instead of one per finding, and the worker's
   * packing sees at once that the findings share it.
   */
  let segmentWhere: Where | undefined;

  function toFinding(s: Scored, segment: Segment): Finding {
    segmentWhere ??= { ...segment.where };
    return {
      type: s.detector.id,
      category: s.detector.category,
      confidence: Math.round(s.score * 100) / 100,
      masked: s.detector.mask(s.normalized, s.raw),
      hash: hasher(s.detector.id, s.normalized),
      where: segmentWhere,
      basis: s.basis,
    };
  }

  return {
    detectors,
    recognizes: recognizers.length > 0,
    redact(text: string): string {
      const short = text.slice(0, WINDOW);
      let out = '';
      let at = 0;
      const hints = regional ? hintsFor(undefined, { text: short, where: {} }) : undefined;
      for (const s of detectWindow({ text: short, where: {} }, short, 0, short.length, hints)) {
        out += short.slice(at, s.start) + s.detector.mask(s.normalized, s.raw);
        at = s.end;
      }
      return out + short.slice(at);
    },
    openItem,
    detect(segment: Segment, item?: ItemScope): Finding[] {
      segmentWhere = undefined;
      const text = segment.text;
      const findings: Finding[] = [];
      const hints = regional ? hintsFor(item, segment) : undefined;
      const held = holdsFor(item, hints, segment);
      if (text.length <= WINDOW) {
        // One window, the common case: no list of windows to build.
        for (const s of detectWindow(segment, text, segment.ownedStart ?? 0, segment.ownedEnd ?? text.length, hints, held))
          findings.push(toFinding(s, segment));
      } else {
        for (const w of windows(text, segment.ownedStart ?? 0, segment.ownedEnd ?? text.length)) {
          const piece = w.from === 0 && w.to === text.length ? text : text.slice(w.from, w.to);
          for (const s of detectWindow(segment, piece, w.lead, w.owned, hints, held)) findings.push(toFinding(s, segment));
        }
      }
      if (item && held?.length) hold(item, held, segment);
      return findings;
    },
    async detectAsync(segment: Segment, item?: ItemScope): Promise<Finding[]> {
      if (recognizers.length === 0) return this.detect(segment, item);
      const text = segment.text;
      const findings: Finding[] = [];
      const hints = regional ? hintsFor(item, segment) : undefined;
      const held = holdsFor(item, hints, segment);
      for (const w of windows(text, segment.ownedStart ?? 0, segment.ownedEnd ?? text.length)) {
        const piece = w.from === 0 && w.to === text.length ? text : text.slice(w.from, w.to);
        const external = await recognize(piece);
        // Set back after each wait: another segment may have been detected meanwhile.
        segmentWhere = undefined;
        for (const s of detectWindow(segment, piece, w.lead, w.owned, hints, held, external)) findings.push(toFinding(s, segment));
      }
      segmentWhere = undefined;
      if (item && held?.length) hold(item, held, segment);
      return findings;
    },
    closeItem(item: ItemScope): Finding[] {
      const out: Finding[] = [];
      for (const [region, findings] of item.pending) if (item.evidence.has(region)) out.push(...findings);
      item.pending.clear();
      return out;
    },
    finalizeItem(findings: Finding[]): Finding[] {
      if (!findings.some((f) => IDENTIFYING_CATEGORIES.has(f.category))) return findings;
      for (const f of findings) {
        if (f.category === 'special' && f.confidence < SPECIAL_IN_IDENTIFIED_ITEM) {
          f.confidence = SPECIAL_IN_IDENTIFIED_ITEM;
          f.basis = [...(f.basis ?? []), 'identified-item'];
        }
      }
      return findings;
    },
  };
}

/** A segment's own hints, read from its text only when a detector asks (most segments hold no number that needs them). */
class SegmentHints implements ItemHints {
  private read: readonly string[] | undefined;
  constructor(private readonly text: string) {}
  get regions(): readonly string[] {
    if (!this.read) {
      const evidence = new RegionEvidence();
      evidence.see(this.text);
      this.read = evidence.regions();
    }
    return this.read;
  }
}

function meets(shape: Shape, needs: PatternNeeds): boolean {
  if (shape.longestDigitRun < needs.run) return false;
  const min = needs.min;
  const counts = shape.counts;
  for (let i = 0; i < min.length; i++) if ((counts[i] as number) < (min[i] as number)) return false;
  return true;
}

function meetsAny(shape: Shape, needs: readonly PatternNeeds[]): boolean {
  for (let k = 0; k < needs.length; k++) if (meets(shape, needs[k] as PatternNeeds)) return true;
  return false;
}

function clampScore(n: number): number {
  return Math.min(0.99, Math.max(0.01, n));
}

/** Keeps, of overlapping candidates, the checksum-validated one, then the higher score, then the longer. */
function resolveOverlaps(scored: Scored[]): Scored[] {
  if (scored.length < 2) return scored;
  const ranked = [...scored].sort(
    (a, b) => Number(b.checksum) - Number(a.checksum) || b.score - a.score || b.end - b.start - (a.end - a.start) || a.start - b.start,
  );
  // Claimed characters in a bitmap: linear in the spans, where comparing every pair was
  // quadratic in the findings (a 256 KB window can hold 100 000 of them).
  const from = ranked.reduce((m, s) => Math.min(m, s.start), Number.POSITIVE_INFINITY);
  const to = ranked.reduce((m, s) => Math.max(m, s.end), 0);
  const claimed = new Uint8Array(to - from);
  const kept: Scored[] = [];
  for (const s of ranked) {
    let free = true;
    for (let i = s.start - from; i < s.end - from; i++) {
      if (claimed[i]) {
        free = false;
        break;
      }
    }
    if (!free) continue;
    claimed.fill(1, s.start - from, s.end - from);
    kept.push(s);
  }
  return kept.sort((a, b) => a.start - b.start);
}

function wordsRegex(words: ContextWords | undefined): RegExp | undefined {
  const all = Object.values(words ?? {}).flat();
  if (all.length === 0) return undefined;
  const alternation = [...new Set(all.map((w) => w.toLowerCase()))]
    .sort((a, b) => b.length - a.length)
    .map((w) => w.replace(/[.*+?^${}()|[\]\\]/g, '\\$&'))
    .join('|');
  return new RegExp(`(?<![\\p{L}\\p{N}])(?:${alternation})(?![\\p{L}\\p{N}])`, 'iu');
}
