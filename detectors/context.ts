/**
 * Context words by offset. Every detector's context and negative-context words go into one word
 * index (prefilter.ts); a window is scanned once, on its first candidate, and each candidate then
 * looks up the words before and after it by offset. The answer is the one the engine's context
 * rule has always given (a context regex over the 64 characters before and the 32 after the
 * candidate, joined by a space, with the segment's context appended when the candidate opens
 * its segment), without building that text or running a regex per candidate.
 */
import { hasLetter, wordCharAt, wordCharBefore } from './chars.js';
import { buildWordIndex, newWordHits } from './prefilter.js';
import type { ContextWords } from './types.js';

/** The result of a look-up: bit 1 a context word is near, bit 2 a negative one; -1 when only the regex can tell (see `ambiguous`). */
export const NEAR_POSITIVE = 1;
export const NEAR_NEGATIVE = 2;
export const ASK_REGEX = -1;

interface Lists {
  /** Per word id: 1 when it is one of this detector's context words, 2 negative, 3 both. */
  role: Uint8Array;
  /** Lower-case characters right before / after a space inside a multi-word phrase of this detector. */
  beforeSpace: Set<string>;
  afterSpace: Set<string>;
}

export interface ContextLookup {
  /**
   * Starts a new window (`text`) with its segment context (or none). Scanning waits for the
   * first look-up, so a window without candidates costs nothing.
   */
  reset(text: string, segmentContext: string | undefined): void;
  /** Context words around the candidate [start, end) of detector `detector`: NEAR_POSITIVE | NEAR_NEGATIVE, or ASK_REGEX. */
  lookup(detector: number, start: number, end: number, before: number, after: number): number;
}

/** One look-up for the context word lists of many detectors (indexed as given; undefined: none). */
export function buildContextLookup(detectors: readonly { context?: ContextWords; negative?: ContextWords }[]): ContextLookup {
  const ids = new Map<string, number>();
  const idOf = (w: string) => {
    let id = ids.get(w);
    if (id === undefined) {
      id = ids.size;
      ids.set(w, id);
    }
    return id;
  };
  const wordsOf = (words: ContextWords | undefined) => [...new Set(Object.values(words ?? {}).flat())].map((w) => w.toLowerCase()).filter(Boolean);
  const perDetector = detectors.map((d) => {
    const positive = wordsOf(d.context).map((w) => [idOf(w), w] as const);
    const negative = wordsOf(d.negative).map((w) => [idOf(w), w] as const);
    return { positive, negative };
  });
  const index = buildWordIndex([...ids.keys()]);
  const lists: Lists[] = perDetector.map(({ positive, negative }) => {
    const role = new Uint8Array(ids.size);
    const beforeSpace = new Set<string>();
    const afterSpace = new Set<string>();
    for (const [id] of positive) role[id] = (role[id] as number) | NEAR_POSITIVE;
    for (const [id] of negative) role[id] = (role[id] as number) | NEAR_NEGATIVE;
    for (const [, word] of [...positive, ...negative]) {
      for (let i = word.indexOf(' '); i > 0 && i < word.length - 1; i = word.indexOf(' ', i + 1)) {
        beforeSpace.add(word[i - 1] as string);
        afterSpace.add(word[i + 1] as string);
      }
    }
    return { role, beforeSpace, afterSpace };
  });

  const hits = newWordHits();
  const contextHits = newWordHits();
  let text = '';
  let segmentContext: string | undefined;
  let scanned = false;
  /** Per detector: bits of the words in the segment context (edges as in that string), or -1 when not yet computed. */
  let contextRoles = new Int8Array(detectors.length);

  function scan(): void {
    index.scan(text, hits);
    contextRoles = new Int8Array(detectors.length).fill(-1);
    if (segmentContext !== undefined) index.scan(segmentContext, contextHits);
    else contextHits.count = 0;
    scanned = true;
  }

  /** The roles of the words fully inside [from, to) of the text, with word edges as seen in that slice. */
  function rolesIn(role: Uint8Array, from: number, to: number, floor: number, ceil: number): number {
    let bits = 0;
    // Hits are in order of their end; the first that can lie inside ends after `from`.
    let lo = 0;
    let hi = hits.count;
    while (lo < hi) {
      const mid = (lo + hi) >>> 1;
      if ((hits.end[mid] as number) <= from) lo = mid + 1;
      else hi = mid;
    }
    for (let k = lo; k < hits.count; k++) {
      const we = hits.end[k] as number;
      if (we > to) break;
      const ws = hits.start[k] as number;
      if (ws < from) continue;
      const r = role[hits.word[k] as number] as number;
      if (r === 0 || (bits & r) === r) continue;
      if (ws > floor && wordCharBefore(text, ws, floor)) continue;
      if (we < ceil && wordCharAt(text, we, ceil)) continue;
      bits |= r;
    }
    return bits;
  }

  return {
    reset(t: string, context: string | undefined): void {
      text = t;
      segmentContext = context;
      scanned = false;
    },
    lookup(detector: number, start: number, end: number, before: number, after: number): number {
      const l = lists[detector] as Lists;
      const lo = Math.max(0, start - before);
      const hi = Math.min(text.length, end + after);
      // A phrase could run across the space that joins the text before and after the candidate:
      // rare enough to leave to the regex.
      if (
        l.beforeSpace.size > 0 &&
        start > lo &&
        end < hi &&
        l.beforeSpace.has((text[start - 1] as string).toLowerCase()) &&
        l.afterSpace.has((text[end] as string).toLowerCase())
      )
        return ASK_REGEX;
      if (!scanned) scan();
      // Before: the slice [lo, start), followed by the joining space. After: [end, hi), after that space.
      let bits = rolesIn(l.role, lo, start, lo, start) | rolesIn(l.role, end, hi, end, hi);
      if (segmentContext !== undefined && (bits & NEAR_POSITIVE) === 0 && !hasLetter(text, lo, start)) {
        // The candidate opens its segment: the segment context counts, after another joining space.
        if (
          l.beforeSpace.size > 0 &&
          hi > end &&
          segmentContext.length > 0 &&
          l.beforeSpace.has((text[hi - 1] as string).toLowerCase()) &&
          l.afterSpace.has((segmentContext[0] as string).toLowerCase())
        )
          return ASK_REGEX;
        let roles = contextRoles[detector] as number;
        if (roles === -1) {
          roles = 0;
          for (let k = 0; k < contextHits.count; k++) {
            const r = l.role[contextHits.word[k] as number] as number;
            if ((r & NEAR_POSITIVE) === 0) continue;
            const ws = contextHits.start[k] as number;
            const we = contextHits.end[k] as number;
            if (ws > 0 && wordCharBefore(segmentContext, ws, 0)) continue;
            if (we < segmentContext.length && wordCharAt(segmentContext, we, segmentContext.length)) continue;
            roles = NEAR_POSITIVE;
            break;
          }
          contextRoles[detector] = roles;
        }
        bits |= roles;
      }
      return bits;
    },
  };
}
