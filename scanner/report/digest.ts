/**
 * An item's findings in brief: what risk, roll-up and the counts of a report read from them.
 * The state keeps it beside the findings when the item is written, so a report of an unchanged
 * item copies the findings' stored text and scores the item from this, without parsing a finding
 * (issue 12: an unchanged rescan spent most of its time parsing and walking findings it then
 * wrote out unchanged).
 *
 * Valid for an item whose findings all count: no triage decision and no suppression. The
 * report assembler checks that before it uses one.
 */
import type { Category, Finding } from '../../detectors/types.js';
import { riskCategory } from './risk.js';

export interface FindingsDigest {
  /** How many findings. */
  count: number;
  /** Findings per type, in the order the types first occur. */
  byType: Record<string, number>;
  /** The categories that count for risk (riskCategory of each finding). */
  categories: Category[];
  /** Distinct hashes among the findings. */
  distinct: number;
  /** Each distinct hash as a 52-bit number (hashKey), for the distinct values of the folders above. */
  keys: Float64Array;
}

const HEX13 = /^[0-9a-f]{13}$/;

/**
 * A value's hash as a number for a compact set: 52 bits of a keyed hash are as distinct as the
 * whole in any real share. A hash that does not end in 13 hex digits (a custom hasher) stays a string.
 */
export function hashKey(hash: string): number | string {
  // Only the last 13 characters are tested: an unanchored `[0-9a-f]{13}$` tried every position.
  const tail = hash.slice(-13);
  return HEX13.test(tail) ? Number.parseInt(tail, 16) : hash;
}

/** The digest of an item's findings; undefined when a hash has no numeric key (it then takes the slow path). */
export function digestOf(findings: readonly Finding[]): FindingsDigest | undefined {
  const byType: Record<string, number> = {};
  const categories = new Set<Category>();
  const hashes = new Set<string>();
  const keys = new DistinctKeys();
  for (const f of findings) {
    byType[f.type] = (byType[f.type] ?? 0) + 1;
    const category = riskCategory(f);
    if (category) categories.add(category);
    if (hashes.has(f.hash)) continue;
    hashes.add(f.hash);
    const key = hashKey(f.hash);
    if (typeof key === 'string') return undefined;
    keys.add(key);
  }
  return { count: findings.length, byType, categories: [...categories], distinct: hashes.size, keys: keys.toArray() };
}

/** The digest as stored: its counts as JSON text and its keys as the bytes of a Float64Array. */
export function encodeDigest(d: FindingsDigest): { text: string; keys: Buffer } {
  return {
    text: JSON.stringify({ count: d.count, byType: d.byType, categories: d.categories, distinct: d.distinct }),
    keys: Buffer.from(d.keys.buffer, d.keys.byteOffset, d.keys.byteLength),
  };
}

/** A stored digest again; undefined when either part is missing or malformed (the item then takes the slow path). */
export function decodeDigest(text: string | null | undefined, keys: Uint8Array | null | undefined): FindingsDigest | undefined {
  if (!text || !keys || keys.byteLength % 8 !== 0) return undefined;
  let head: Omit<FindingsDigest, 'keys'>;
  try {
    head = JSON.parse(text) as Omit<FindingsDigest, 'keys'>;
  } catch {
    return undefined;
  }
  if (typeof head.count !== 'number' || typeof head.distinct !== 'number' || !Array.isArray(head.categories) || typeof head.byType !== 'object') {
    return undefined;
  }
  if (keys.byteLength / 8 !== head.distinct) return undefined;
  // A copy: the row's buffer need not be 8-byte aligned.
  const copy = new Float64Array(head.distinct);
  new Uint8Array(copy.buffer).set(keys);
  return { ...head, keys: copy };
}

/**
 * A set of 52-bit hash keys in one Float64Array (open addressing): a folder high in a big share
 * gathers hundreds of thousands of keys, and a Set of numbers that large boxes each one, which
 * the collector then has to walk. Strings (hashes without a numeric key) go to a small Set beside it.
 */
export class DistinctKeys {
  private table = new Float64Array(64);
  private used = 0;
  private hasZero = false;
  private strings: Set<string> | undefined;

  get size(): number {
    return this.used + (this.hasZero ? 1 : 0) + (this.strings?.size ?? 0);
  }

  add(key: number | string): void {
    if (typeof key === 'string') {
      this.strings ??= new Set();
      this.strings.add(key);
      return;
    }
    // 0 marks an empty slot, so the key 0 is kept apart.
    if (key === 0) {
      this.hasZero = true;
      return;
    }
    if ((this.used + 1) * 2 > this.table.length) this.grow();
    this.put(this.table, key);
  }

  addAll(keys: Float64Array): void {
    for (let i = 0; i < keys.length; i++) this.add(keys[i] as number);
  }

  /** The numeric keys, in no particular order. */
  toArray(): Float64Array {
    const out = new Float64Array(this.used + (this.hasZero ? 1 : 0));
    let n = 0;
    for (let i = 0; i < this.table.length; i++) if (this.table[i] !== 0) out[n++] = this.table[i] as number;
    if (this.hasZero) out[n] = 0;
    return out;
  }

  private put(table: Float64Array, key: number): void {
    const mask = table.length - 1;
    // The low 32 bits of a keyed hash are as good a slot as any.
    let slot = (key % 4294967296) & mask;
    for (;;) {
      const at = table[slot] as number;
      if (at === 0) {
        table[slot] = key;
        if (table === this.table) this.used++;
        return;
      }
      if (at === key) return;
      slot = (slot + 1) & mask;
    }
  }

  private grow(): void {
    const old = this.table;
    const next = new Float64Array(old.length * 2);
    for (let i = 0; i < old.length; i++) if (old[i] !== 0) this.put(next, old[i] as number);
    this.table = next;
  }
}
