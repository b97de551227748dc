/**
 * The compact hand-off of findings from a worker thread: columns instead of objects. Posting
 * thousands of small finding objects costs a structured clone of each (about 8 µs a finding, and
 * garbage on both sides); packed, an item's findings are one string table, one index column and one
 * number column and the masked forms and hashes end to end, cloned as a handful of values. `packItems` runs in the worker, `unpackItems` on
 * the main thread, and what comes out equals what went in (as JSON: `where` keeps its keys and values).
 */
import type { Category, Finding, Where } from './types.js';

export interface PackedFindings {
  /** The distinct strings that repeat (types, categories, `where` and `basis` as JSON), end to end. */
  text: string;
  /** Where each string of that table ends in `text`. */
  ends: Uint32Array;
  /** Per finding its masked form and its hash, end to end, and where each of those ends. */
  values: string;
  valueEnds: Uint32Array;
  /** Per finding, four table indices: type, category, where, basis (NONE: no basis). */
  rows: Uint32Array;
  confidence: Float64Array;
}

/** Items as a worker posts them: each item's `findings` empty, their findings packed, `counts[i]` of them for item i. */
export interface PackedItems<T> {
  items: T[];
  counts: Uint32Array;
  findings: PackedFindings;
}

const NONE = 0xffffffff;
const COLUMNS = 4;
const KEYS: ReadonlySet<string> = new Set(['type', 'category', 'confidence', 'masked', 'hash', 'where', 'basis']);

/** Packs every item's findings; items are copied with `findings: []`. */
export function packItems<T extends { findings: Finding[] }>(items: readonly T[]): PackedItems<T> {
  const table = new Map<string, number>();
  const strings: string[] = [];
  const id = (s: string) => {
    let i = table.get(s);
    if (i === undefined) {
      i = strings.length;
      strings.push(s);
      table.set(s, i);
    }
    return i;
  };
  const total = items.reduce((n, item) => n + item.findings.length, 0);
  const rows = new Uint32Array(total * COLUMNS);
  // Masked forms and hashes are unique per finding: no table, just end to end.
  const values: string[] = new Array(total * 2);
  const valueEnds = new Uint32Array(total * 2);
  let valuesEnd = 0;
  const confidence = new Float64Array(total);
  const counts = new Uint32Array(items.length);
  let k = 0;
  let lastWhere: Where | undefined;
  let lastWhereId = 0;
  items.forEach((item, i) => {
    counts[i] = item.findings.length;
    for (const f of item.findings) {
      // for-in reads the shape's cached keys; Object.keys made an array per finding.
      for (const key in f) if (!KEYS.has(key)) throw new Error(`packItems: a finding has an unknown field "${key}"`);
      const at = k * COLUMNS;
      rows[at] = id(f.type);
      rows[at + 1] = id(f.category);
      // Findings of one segment share their place: its JSON is made once.
      if (lastWhere === undefined || !samePlace(lastWhere, f.where)) {
        lastWhere = f.where;
        lastWhereId = id(JSON.stringify(f.where));
      }
      rows[at + 2] = lastWhereId;
      rows[at + 3] = f.basis === undefined ? NONE : id(JSON.stringify(f.basis));
      values[k * 2] = f.masked;
      valuesEnd += f.masked.length;
      valueEnds[k * 2] = valuesEnd;
      values[k * 2 + 1] = f.hash;
      valuesEnd += f.hash.length;
      valueEnds[k * 2 + 1] = valuesEnd;
      confidence[k] = f.confidence;
      k++;
    }
  });
  const ends = new Uint32Array(strings.length);
  let end = 0;
  strings.forEach((s, i) => {
    end += s.length;
    ends[i] = end;
  });
  return {
    items: items.map((item) => ({ ...item, findings: [] })),
    counts,
    findings: { text: strings.join(''), ends, values: values.join(''), valueEnds, rows, confidence },
  };
}

function samePlace(a: Where, b: Where): boolean {
  if (a === b) return true;
  // Same keys in the same order (JSON keeps the order), same values.
  const keys = Object.keys(a);
  const other = Object.keys(b);
  if (keys.length !== other.length) return false;
  for (let i = 0; i < keys.length; i++) {
    const key = keys[i] as keyof Where;
    if (other[i] !== key || a[key] !== b[key]) return false;
  }
  return true;
}

/** The items with their findings back, as they were before `packItems`. */
export function unpackItems<T extends { findings: Finding[] }>(packed: PackedItems<T>): T[] {
  const { text, ends, values, valueEnds, rows, confidence } = packed.findings;
  const strings: string[] = new Array(ends.length);
  let start = 0;
  for (let i = 0; i < ends.length; i++) {
    strings[i] = text.slice(start, ends[i]);
    start = ends[i] as number;
  }
  // `where` and `basis` are parsed once per distinct string, then copied per finding.
  const parsed = new Map<number, unknown>();
  const json = <V>(i: number): V => {
    let v = parsed.get(i);
    if (v === undefined) {
      v = JSON.parse(strings[i] as string);
      parsed.set(i, v);
    }
    return v as V;
  };
  let k = 0;
  return packed.items.map((item, i) => {
    const findings: Finding[] = [];
    const count = packed.counts[i] as number;
    for (let n = 0; n < count; n++, k++) {
      const at = k * COLUMNS;
      const basis = rows[at + 3] as number;
      const maskedStart = k === 0 ? 0 : (valueEnds[k * 2 - 1] as number);
      const finding: Finding = {
        type: strings[rows[at] as number] as string,
        category: strings[rows[at + 1] as number] as Category,
        confidence: confidence[k] as number,
        masked: values.slice(maskedStart, valueEnds[k * 2]),
        hash: values.slice(valueEnds[k * 2], valueEnds[k * 2 + 1]),
        where: { ...json<Where>(rows[at + 2] as number) },
      };
      if (basis !== NONE) finding.basis = [...json<string[]>(basis)];
      findings.push(finding);
    }
    return { ...item, findings };
  });
}
