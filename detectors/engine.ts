/**
 * The detection engine: the one place where raw values exist. It runs the detectors whose
 * prefilter admits a segment, scores candidates (pattern, validator, context), resolves
 * overlaps between types once for all, and turns each survivor into a Finding that carries only
 * a masked form and a keyed hash.
 */
import type { Candidate, ContextWords, Detector, Finding, Hasher, Segment } from './types.js';

export interface EngineOptions {
  /** Findings below this confidence are not reported. */
  minConfidence?: number;
}

/** The default reporting threshold: "likely personal data". */
export const DEFAULT_MIN_CONFIDENCE = 0.5;
/** Added when a context word sits near the match or in its column header. */
export const CONTEXT_BOOST = 0.35;
/** Subtracted when a negative context word (order, invoice, tracking…) sits near the match. */
export const NEGATIVE_CONTEXT_PENALTY = 0.35;
/** Characters before and after a match searched for context words. */
export const CONTEXT_BEFORE = 64;
export const CONTEXT_AFTER = 32;

/** Long texts are cut into windows so each regex pass stays small; matches never exceed OVERLAP. */
const WINDOW = 256 * 1024;
const OVERLAP = 1024;

interface Compiled {
  detector: Detector;
  keywords: string[] | undefined;
  context: RegExp | undefined;
  negative: RegExp | undefined;
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
}

export interface Engine {
  readonly detectors: readonly Detector[];
  /** All findings in one segment, in text order. */
  detect(segment: Segment): Finding[];
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
  const compiled: Compiled[] = detectors.map((detector) => ({
    detector,
    keywords: detector.keywords?.map((k) => k.toLowerCase()),
    context: wordsRegex(detector.context),
    negative: wordsRegex(detector.negativeContext),
  }));
  const anyKeywords = compiled.some((c) => c.keywords);

  function candidatesIn(c: Compiled, text: string): Candidate[] {
    const d = c.detector;
    const out: Candidate[] = [];
    for (const p of d.patterns ?? []) {
      // exec on the shared regex, not matchAll, which clones the regex on every call.
      const re = p.regex;
      re.lastIndex = 0;
      for (let m = re.exec(text); m !== null; m = re.exec(text)) {
        if (m[0].length === 0) re.lastIndex++;
        else out.push({ start: m.index, end: m.index + m[0].length, score: p.score, pattern: p.name });
      }
    }
    if (d.find) for (const cand of d.find(text)) out.push(cand);
    return out;
  }

  function score(c: Compiled, cand: Candidate, text: string, segment: Segment): Scored | undefined {
    const d = c.detector;
    const raw = text.slice(cand.start, cand.end);
    const normalized = d.normalize ? d.normalize(raw) : raw;
    if (!normalized || d.invalidate?.(normalized)) return undefined;
    const verdict = d.validate?.(normalized);
    if (verdict === false) return undefined;
    const basis = [cand.pattern ?? 'match'];
    let value = cand.score ?? 0.5;
    const checksum = verdict === true && d.checksum === true;
    if (checksum) basis.push('checksum');
    if (c.context || c.negative) {
      const near = `${text.slice(Math.max(0, cand.start - CONTEXT_BEFORE), cand.start)} ${text.slice(cand.end, cand.end + CONTEXT_AFTER)}`;
      const negative = c.negative?.test(near) === true;
      // A label beside the match beats a word on the line before or in the header: "release 2.4.1.0"
      // under a line mentioning an IP is a version, but "BSN" next to the number is a BSN even in an "order" list.
      const around = segment.context && !negative ? `${near} ${segment.context}` : near;
      if (c.context?.test(around)) {
        value += CONTEXT_BOOST;
        basis.push('context');
      }
      if (negative) {
        value -= NEGATIVE_CONTEXT_PENALTY;
        basis.push('negative-context');
      }
    }
    value = Math.min(0.99, Math.max(0.01, value));
    return { detector: d, start: cand.start, end: cand.end, normalized, raw, score: value, checksum, basis };
  }

  function detectWindow(segment: Segment, text: string, ownedStart: number, ownedEnd: number): Scored[] {
    let lower: string | undefined;
    const scored: Scored[] = [];
    for (const c of compiled) {
      if (c.keywords) {
        lower ??= anyKeywords ? text.toLowerCase() : text;
        if (!c.keywords.some((k) => lower?.includes(k))) continue;
      }
      if (c.detector.requires && !c.detector.requires.test(text)) continue;
      for (const cand of candidatesIn(c, text)) {
        if (cand.start < ownedStart || cand.start >= ownedEnd || cand.end <= cand.start) continue;
        const s = score(c, cand, text, segment);
        // A weak guess below the threshold must not hide a stronger type; a checksum pass may.
        if (s && (s.score >= minConfidence || s.checksum)) scored.push(s);
      }
    }
    return resolveOverlaps(scored).filter((s) => s.score >= minConfidence);
  }

  function toFinding(s: Scored, segment: Segment): Finding {
    return {
      type: s.detector.id,
      category: s.detector.category,
      confidence: Math.round(s.score * 100) / 100,
      masked: s.detector.mask(s.normalized, s.raw),
      hash: hasher(s.detector.id, s.normalized),
      where: { ...segment.where },
      basis: s.basis,
    };
  }

  return {
    detectors,
    redact(text: string): string {
      const short = text.slice(0, WINDOW);
      let out = '';
      let at = 0;
      for (const s of detectWindow({ text: short, where: {} }, short, 0, short.length)) {
        out += short.slice(at, s.start) + s.detector.mask(s.normalized, s.raw);
        at = s.end;
      }
      return out + short.slice(at);
    },
    detect(segment: Segment): Finding[] {
      const text = segment.text;
      const ownedStart = segment.ownedStart ?? 0;
      const ownedEnd = segment.ownedEnd ?? text.length;
      if (text.length <= WINDOW) {
        return detectWindow(segment, text, ownedStart, ownedEnd).map((s) => toFinding(s, segment));
      }
      // Each window owns [from, from + WINDOW - 2 * OVERLAP) and sees OVERLAP more on both sides.
      const findings: Finding[] = [];
      const step = WINDOW - 2 * OVERLAP;
      for (let from = ownedStart; from < ownedEnd; from += step) {
        const lead = Math.min(from, OVERLAP);
        const to = Math.min(text.length, from + step + OVERLAP);
        const windowText = text.slice(from - lead, to);
        const owned = Math.min(ownedEnd, from + step) - (from - lead);
        for (const s of detectWindow(segment, windowText, lead, owned)) findings.push(toFinding(s, segment));
      }
      return findings;
    },
  };
}

/** Keeps, of overlapping candidates, the checksum-validated one, then the higher score, then the longer. */
function resolveOverlaps(scored: Scored[]): Scored[] {
  if (scored.length < 2) return scored;
  const ranked = [...scored].sort(
    (a, b) => Number(b.checksum) - Number(a.checksum) || b.score - a.score || b.end - b.start - (a.end - a.start) || a.start - b.start,
  );
  const kept: Scored[] = [];
  for (const s of ranked) {
    if (!kept.some((k) => s.start < k.end && k.start < s.end)) kept.push(s);
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
