/**
 * The keyword prefilter: one Aho–Corasick pass over a segment tells which keyword-gated detectors
 * can match at all, whatever their number. Without it every detector would scan every segment;
 * with it a detector whose keywords (its context words, its terms) are absent costs nothing.
 *
 * The automaton is compiled to a dense DFA over the keywords' own alphabet (every other
 * character is one symbol), case-folded at build time: scanning is one table look-up per
 * character, with no lower-casing of the text and no failure-link walks. Keywords match as
 * substrings: a false "maybe" only costs a detector run, a missed keyword would cost a finding.
 */

export interface Prefilter {
  /**
   * Marks in `eligible` (indexed like the keyword lists given) which lists have a keyword in
   * `text`; case-insensitive. With `lastStart`, also notes there where each list's last keyword
   * starts (-1: none): the lists with a keyword in the text's last N characters are then those
   * whose start is at least `text.length - N`, with no second pass over that tail.
   */
  scan(text: string, eligible: Uint8Array, lastStart?: Int32Array): void;
  /** Number of automaton states, for diagnostics. */
  readonly size: number;
}

/** Builds the automaton for keyword lists; list `i` is eligible when any of its keywords occurs. */
export function buildPrefilter(lists: readonly (readonly string[] | undefined)[]): Prefilter {
  const keywords: { text: string; owner: number }[] = [];
  lists.forEach((list, owner) => {
    for (const k of list ?? []) {
      const text = k.toLowerCase();
      if (text) keywords.push({ text, owner });
    }
  });
  const { symbols, delta, width, out, outLength, states } = compileAutomaton(keywords, false);
  // `rows[row + symbol]` is the next state times the width, so a step needs no multiplication,
  // and it is complemented (negative) when that state ends a keyword: the test needs no second table.
  const rows = delta.map((next) => ((out[next] as Int32Array).length > 0 ? ~(next * width) : next * width));
  const gatedCount = new Set(keywords.map((k) => k.owner)).size;

  return {
    size: states,
    scan(text: string, eligible: Uint8Array, lastStart?: Int32Array): void {
      if (gatedCount === 0) return;
      let found = 0;
      for (let i = 0; i < eligible.length; i++) if (eligible[i] !== 0) found++;
      // Noting the starts reads to the end, as a later keyword of a list may start later.
      lastStart?.fill(-1);
      // `row` is a state times the width: one look-up per character, no multiplication.
      let row = 0;
      for (let i = 0; i < text.length; i++) {
        row = rows[row + (symbols[text.charCodeAt(i)] as number)] as number;
        if (row >= 0) continue;
        row = ~row;
        const state = (row / width) | 0;
        const owners = out[state] as Int32Array;
        const shortest = outLength[state] as Int32Array;
        for (let j = 0; j < owners.length; j++) {
          const owner = owners[j] as number;
          if (eligible[owner] === 0) {
            eligible[owner] = 1;
            found++;
          }
          if (lastStart) {
            const start = i + 1 - (shortest[j] as number);
            if (start > (lastStart[owner] as number)) lastStart[owner] = start;
          }
        }
        if (!lastStart && found >= gatedCount) return;
      }
    },
  };
}

/**
 * Every occurrence of a set of words in a text, as parallel arrays in order of their end: one
 * pass, whatever the number of words. The engine finds context words this way once per segment
 * and looks them up by offset for each candidate, instead of running a context regex over the
 * text around every candidate.
 */
export interface WordHits {
  count: number;
  start: Int32Array;
  end: Int32Array;
  word: Int32Array;
}

export interface WordIndex {
  /** Every occurrence of every word in `text` (case-insensitive, as a substring; callers check word edges), into `into`. */
  scan(text: string, into: WordHits): void;
  /** The words, lower-case, by id (their index in the list given). */
  readonly words: readonly string[];
}

export function newWordHits(): WordHits {
  return { count: 0, start: new Int32Array(64), end: new Int32Array(64), word: new Int32Array(64) };
}

/**
 * Builds the index for `words` (lower-case). Case is folded as a case-insensitive Unicode regex
 * does: a character matches a word character when its lower-case form, or that of its upper-case
 * form (`ſ` → `S` → `s`), is that character.
 */
export function buildWordIndex(words: readonly string[]): WordIndex {
  const { symbols, delta, width, out } = compileAutomaton(
    words.map((text, owner) => ({ text, owner })).filter((w) => w.text.length > 0),
    true,
  );
  const lengths = Int32Array.from(words, (w) => w.length);
  // As in the prefilter: next state times the width, complemented when that state ends a word.
  const rows = delta.map((next) => ((out[next] as Int32Array).length > 0 ? ~(next * width) : next * width));
  return {
    words,
    scan(text: string, into: WordHits): void {
      into.count = 0;
      let row = 0;
      for (let i = 0; i < text.length; i++) {
        row = rows[row + (symbols[text.charCodeAt(i)] as number)] as number;
        if (row >= 0) continue;
        row = ~row;
        const o = out[(row / width) | 0] as Int32Array;
        for (let j = 0; j < o.length; j++) {
          const w = o[j] as number;
          if (into.count === into.start.length) grow(into);
          into.start[into.count] = i + 1 - (lengths[w] as number);
          into.end[into.count] = i + 1;
          into.word[into.count] = w;
          into.count++;
        }
      }
    },
  };
}

function grow(hits: WordHits): void {
  const size = hits.start.length * 2;
  for (const key of ['start', 'end', 'word'] as const) {
    const bigger = new Int32Array(size);
    bigger.set(hits[key]);
    hits[key] = bigger;
  }
}

/**
 * The dense DFA for keywords (lower-case) with their owners: `delta[state * width + symbol]`,
 * `out[state]` the owners of the keywords that end in that state.
 */
function compileAutomaton(keywords: readonly { text: string; owner: number }[], foldUpper: boolean) {
  // Symbols: 0 for any character in no keyword, 1.. for each lower-case character keywords use.
  const symbolOf = new Map<number, number>();
  for (const { text } of keywords) {
    for (let i = 0; i < text.length; i++) if (!symbolOf.has(text.charCodeAt(i))) symbolOf.set(text.charCodeAt(i), symbolOf.size + 1);
  }
  const width = symbolOf.size + 1;
  // Every UTF-16 unit whose lower-case form is a keyword character maps to that character's symbol.
  const { lower, folded } = caseTables();
  const symbols = new Uint16Array(65536);
  for (let c = 0; c < 65536; c++) {
    const direct = symbolOf.get(c);
    if (direct !== undefined) {
      symbols[c] = direct;
      continue;
    }
    const l = lower[c] as number;
    if (l !== 0) symbols[c] = symbolOf.get(l) ?? 0;
    if (foldUpper && symbols[c] === 0 && folded[c] !== 0) symbols[c] = symbolOf.get(folded[c] as number) ?? 0;
  }

  // The trie, as growable arrays of transitions (-1: none).
  let goto: Int32Array = new Int32Array(width).fill(-1);
  let states = 1;
  const outputs: number[][] = [[]];
  // Per state, beside each owner in `outputs`: the length of its shortest keyword that ends there.
  const lengths: number[][] = [[]];
  for (const { text, owner } of keywords) {
    let node = 0;
    for (let i = 0; i < text.length; i++) {
      const sym = symbolOf.get(text.charCodeAt(i)) as number;
      let next = goto[node * width + sym] as number;
      if (next === -1) {
        if ((states + 1) * width > goto.length) {
          const grown = new Int32Array(goto.length * 2).fill(-1);
          grown.set(goto);
          goto = grown;
        }
        next = states++;
        outputs.push([]);
        lengths.push([]);
        goto[node * width + sym] = next;
      }
      node = next;
    }
    const out = outputs[node] as number[];
    if (!out.includes(owner)) {
      out.push(owner);
      (lengths[node] as number[]).push(text.length);
    }
  }

  // Breadth-first: fill the missing transitions from the failure state, turning the trie into a
  // DFA, and merge each state's outputs with its failure state's (so "ziek" inside "ziekmelding" counts).
  const delta = new Int32Array(states * width);
  const fail = new Int32Array(states);
  const queue: number[] = [];
  for (let sym = 0; sym < width; sym++) {
    const next = goto[sym] as number;
    delta[sym] = next === -1 ? 0 : next;
    if (next > 0) queue.push(next);
  }
  for (let qi = 0; qi < queue.length; qi++) {
    const node = queue[qi] as number;
    const f = fail[node] as number;
    // A failure state is shallower, so its keywords are the shorter ones.
    const own = outputs[node] as number[];
    const ownLengths = lengths[node] as number[];
    (outputs[f] as number[]).forEach((o, k) => {
      const length = (lengths[f] as number[])[k] as number;
      const at = own.indexOf(o);
      if (at === -1) {
        own.push(o);
        ownLengths.push(length);
      } else if (length < (ownLengths[at] as number)) ownLengths[at] = length;
    });
    for (let sym = 0; sym < width; sym++) {
      const next = goto[node * width + sym] as number;
      if (next === -1) {
        delta[node * width + sym] = delta[f * width + sym] as number;
      } else {
        fail[next] = delta[f * width + sym] as number;
        delta[node * width + sym] = next;
        queue.push(next);
      }
    }
  }
  return {
    symbols,
    delta,
    width,
    states,
    out: outputs.map((o) => Int32Array.from(o)),
    outLength: lengths.map((l) => Int32Array.from(l)),
  };
}

let cases: { lower: Uint16Array; folded: Uint16Array } | undefined;
/** Per UTF-16 unit: its lower-case form and that of its upper-case form, when each is one unit (else 0). Built once. */
function caseTables(): { lower: Uint16Array; folded: Uint16Array } {
  if (cases) return cases;
  const lower = new Uint16Array(65536);
  const folded = new Uint16Array(65536);
  for (let c = 0; c < 65536; c++) {
    if (c >= 0xd800 && c <= 0xdfff) continue;
    const ch = String.fromCharCode(c);
    const l = ch.toLowerCase();
    if (l.length === 1) lower[c] = l.charCodeAt(0);
    const f = ch.toUpperCase().toLowerCase();
    if (f.length === 1) folded[c] = f.charCodeAt(0);
  }
  cases = { lower, folded };
  return cases;
}
