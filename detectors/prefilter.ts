/**
 * The keyword prefilter: one Aho–Corasick pass over a segment tells which keyword-gated detectors
 * can match at all, whatever their number. Without it every detector would scan every segment;
 * with it a detector whose keywords (its context words, its terms) are absent costs nothing.
 * Keywords are matched lower-case and as substrings: a false "maybe" only costs a detector run,
 * while a missed keyword would cost a finding.
 */

export interface Prefilter {
  /** Marks in `eligible` (indexed like the keyword lists given) which lists have a keyword in `lower`. */
  scan(lower: string, eligible: Uint8Array): void;
  readonly size: number;
}

/** Builds the automaton for keyword lists; list `i` is eligible when any of its keywords occurs. */
export function buildPrefilter(lists: readonly (readonly string[] | undefined)[]): Prefilter {
  const next: Map<number, number>[] = [new Map()];
  const fail: number[] = [0];
  const out: number[][] = [[]];
  lists.forEach((keywords, owner) => {
    for (const keyword of keywords ?? []) {
      const k = keyword.toLowerCase();
      if (!k) continue;
      let node = 0;
      for (let i = 0; i < k.length; i++) {
        const c = k.charCodeAt(i);
        let to = next[node]?.get(c);
        if (to === undefined) {
          to = next.length;
          next.push(new Map());
          fail.push(0);
          out.push([]);
          next[node]?.set(c, to);
        }
        node = to;
      }
      const o = out[node] as number[];
      if (!o.includes(owner)) o.push(owner);
    }
  });
  // Breadth-first: each node's failure link is the longest proper suffix that is also a path;
  // outputs are merged along it so a match of "ziek" inside "ziekmelding" is not lost.
  const queue: number[] = [...(next[0] as Map<number, number>).values()];
  for (let qi = 0; qi < queue.length; qi++) {
    const node = queue[qi] as number;
    for (const [c, child] of next[node] as Map<number, number>) {
      let f = fail[node] as number;
      while (f !== 0 && !next[f]?.has(c)) f = fail[f] as number;
      const target = next[f]?.get(c);
      fail[child] = target !== undefined && target !== child ? target : 0;
      for (const o of out[fail[child] as number] as number[]) if (!(out[child] as number[]).includes(o)) (out[child] as number[]).push(o);
      queue.push(child);
    }
  }
  const gatedCount = lists.filter((l) => l && l.length > 0).length;
  // Outputs as typed arrays, and the root's transitions as a dense table (most characters of a text leave the root at once).
  const outputs = out.map((o) => Int32Array.from(o));
  const rootTable = new Int32Array(65536);
  for (const [c, to] of next[0] as Map<number, number>) rootTable[c] = to;

  return {
    size: next.length,
    scan(lower: string, eligible: Uint8Array): void {
      if (gatedCount === 0) return;
      let found = 0;
      let node = 0;
      for (let i = 0; i < lower.length; i++) {
        const c = lower.charCodeAt(i);
        if (node === 0) {
          node = rootTable[c] as number;
          if (node === 0) continue;
        } else {
          let to = (next[node] as Map<number, number>).get(c);
          while (to === undefined && node !== 0) {
            node = fail[node] as number;
            to = node === 0 ? rootTable[c] || undefined : (next[node] as Map<number, number>).get(c);
          }
          node = to ?? 0;
          if (node === 0) continue;
        }
        const o = outputs[node] as Int32Array;
        for (let j = 0; j < o.length; j++) {
          const owner = o[j] as number;
          if (eligible[owner] === 0) {
            eligible[owner] = 1;
            if (++found === gatedCount) return;
          }
        }
      }
    },
  };
}
