/**
 * What a detector pattern needs before it can match, read from the regex itself once when the
 * engine is built: how many digits, `:`, `.`, `@` and `<` every match holds, and the longest run
 * of digits. The engine skips a pattern whose needs the text's shape (shape.ts) does not meet.
 * The characters a match can start with are read on the way (an atom that is one digit class
 * counts a digit). (Running a pattern that can only start at a digit as a sticky regex at the starts of
 * the text's digit runs, instead of its global scan, was measured and gained nothing: V8's regex
 * engine already skips ahead to the characters a match can start with.)
 *
 * The reading covers the regex syntax detectors use; on anything it does not know it gives up,
 * and the pattern runs as it always has.
 */

import { isAsciiLetter } from './chars.js';

/** Per kind of counted character: digits, `:`, `.`, `@`, `<`. */
export const COUNTED = 5;
const COUNTED_CODES: Record<number, number> = { 58: 1, 46: 2, 64: 3, 60: 4 };

interface Summary {
  /** The least count of each counted kind in any match. */
  min: number[];
  /** ASCII characters a match can start with. */
  first: Uint8Array;
  /** Whether a match can start with a character outside ASCII. */
  firstWide: boolean;
  /** Whether it can match the empty string. */
  nullable: boolean;
  /** A lower bound of the longest run of digits in any match. */
  run: number;
  /** Whether it is one character of a digit class (a run can go on through it). */
  digit: boolean;
}

export interface PatternNeeds {
  min: readonly number[];
  /** The longest run of digits every match holds at least. */
  run: number;
}

class GiveUp extends Error {}

/** Character sets already read, by flags and source: patterns share most of theirs (`\\d`, the edge classes). */
const charSets = new Map<string, Summary>();

const zero = () => [0, 0, 0, 0, 0];
const unknown = (): Summary => ({ min: zero(), first: new Uint8Array(128).fill(1), firstWide: true, nullable: true, run: 0, digit: false });
const empty = (): Summary => ({ min: zero(), first: new Uint8Array(128), firstWide: false, nullable: true, run: 0, digit: false });

/** The needs of a pattern, or undefined when its syntax is outside what this reads. */
export function needsOf(regex: RegExp): PatternNeeds | undefined {
  const caseless = regex.flags.includes('i');
  const unicode = regex.flags.includes('u') || regex.flags.includes('v');
  const src = regex.source;
  let at = 0;

  /** An atom's character set: ASCII members tested with the atom's own source, wide members by its kind. */
  function charSet(atomSource: string, asciiOnly: boolean): Summary {
    const key = `${caseless}${unicode}${asciiOnly}${atomSource}`;
    let known = charSets.get(key);
    if (!known) {
      known = readCharSet(atomSource, asciiOnly);
      charSets.set(key, known);
    }
    // Callers change `first` of sequences they build, never of an atom's: sharing is safe.
    return known;
  }

  function readCharSet(atomSource: string, asciiOnly: boolean): Summary {
    let re: RegExp;
    try {
      re = new RegExp(`^(?:${atomSource})$`, caseless ? (unicode ? 'iu' : 'i') : unicode ? 'u' : '');
    } catch {
      throw new GiveUp();
    }
    const first = new Uint8Array(128);
    let letters = false;
    for (let c = 0; c < 128; c++) {
      if (re.test(String.fromCharCode(c))) {
        first[c] = 1;
        if (isAsciiLetter(c)) letters = true;
      }
    }
    // A case-insensitive letter can match outside ASCII (k and the Kelvin sign).
    const firstWide = !asciiOnly || (caseless && letters);
    const min = zero();
    if (!firstWide) {
      let members = 0;
      let digits = 0;
      let counted = -1;
      for (let c = 0; c < 128; c++) {
        if (!first[c]) continue;
        members++;
        if (c >= 48 && c <= 57) digits++;
        else counted = COUNTED_CODES[c] ?? -2;
      }
      if (members > 0 && digits === members) min[0] = 1;
      else if (members === 1 && counted > 0) min[counted] = 1;
    }
    const digit = min[0] === 1;
    return { min, first, firstWide, nullable: false, run: digit ? 1 : 0, digit };
  }

  function parseAlternation(): Summary {
    let result = parseSequence();
    while (src[at] === '|') {
      at++;
      const next = parseSequence();
      result = {
        min: result.min.map((m, i) => Math.min(m, next.min[i] as number)),
        first: result.first.map((f, i) => f | (next.first[i] as number)),
        firstWide: result.firstWide || next.firstWide,
        nullable: result.nullable || next.nullable,
        run: Math.min(result.run, next.run),
        digit: false,
      };
    }
    return result;
  }

  function parseSequence(): Summary {
    const result = empty();
    let open = true; // still collecting first characters: everything so far can be empty
    let run = 0; // digits in a row so far: digit atoms continue it, anything else ends it
    while (at < src.length && src[at] !== '|' && src[at] !== ')') {
      const atom = quantified(parseAtom());
      for (let i = 0; i < COUNTED; i++) (result.min[i] as number) += atom.min[i] as number;
      if (atom.digit) run += atom.min[0] as number;
      else run = 0;
      result.run = Math.max(result.run, run, atom.run);
      if (open) {
        for (let c = 0; c < 128; c++) if (atom.first[c]) result.first[c] = 1;
        result.firstWide ||= atom.firstWide;
        if (!atom.nullable) open = false;
      }
    }
    result.nullable = open;
    return result;
  }

  function quantified(atom: Summary): Summary {
    const q = /^(?:([*+?])|\{(\d+)(,(\d*))?\})\??/.exec(src.slice(at));
    if (!q) return atom;
    at += q[0].length;
    const lowest = q[1] === '+' ? 1 : q[1] ? 0 : Number(q[2]);
    return {
      min: atom.min.map((m) => m * lowest),
      first: atom.first,
      firstWide: atom.firstWide,
      nullable: atom.nullable || lowest === 0,
      // A repeated digit class is a run of `lowest`; a group repeated keeps its inner run (if it must occur).
      run: atom.digit ? lowest : lowest > 0 ? atom.run : 0,
      digit: atom.digit,
    };
  }

  function parseAtom(): Summary {
    const c = src[at] as string;
    if (c === '(') {
      const head = /^\((\?(?:[:=!]|<[=!]|<[A-Za-z_$][\w$]*>))?/.exec(src.slice(at)) as RegExpExecArray;
      at += head[0].length;
      const inner = parseAlternation();
      if (src[at] !== ')') throw new GiveUp();
      at++;
      const look = head[1] === '?=' || head[1] === '?!' || head[1] === '?<=' || head[1] === '?<!';
      return look ? empty() : inner;
    }
    if (c === '[') {
      let j = at + 1;
      if (src[j] === '^') j++;
      if (src[j] === ']') j++;
      for (; j < src.length && src[j] !== ']'; j++) if (src[j] === '\\') j++;
      if (j >= src.length) throw new GiveUp();
      const body = src.slice(at, j + 1);
      at = j + 1;
      // ASCII-only: no negation, and only literals, ranges and \d (\w, \s, \p{…} reach beyond ASCII).
      const inner = body.slice(1, -1);
      const asciiOnly = !inner.startsWith('^') && !/\\[^d\-./\\\]^$+*?()[{}|]/.test(inner) && [...inner].every((ch) => ch.charCodeAt(0) < 128);
      return charSet(body, asciiOnly);
    }
    if (c === '\\') {
      const next = src[at + 1] as string;
      if (next === 'b' || next === 'B') {
        at += 2;
        return empty();
      }
      if (/[1-9]/.test(next)) {
        // A back-reference repeats what its group matched, which is not known here (and nothing if
        // the group took no part): it needs nothing, can start with anything and breaks a digit run.
        at += /^\\\d+/.exec(src.slice(at))?.[0].length as number;
        return unknown();
      }
      if (next === 'k') throw new GiveUp(); // named back-references: left to the regex
      const esc = /^\\(?:[pP]\{[^}]+\}|u\{[0-9a-fA-F]+\}|u[0-9a-fA-F]{4}|x[0-9a-fA-F]{2}|c[A-Za-z]|0|.)/.exec(src.slice(at));
      if (!esc) throw new GiveUp();
      at += esc[0].length;
      const asciiOnly =
        /^\\[dtnrfv0]$/.test(esc[0]) || /^\\[-./\\^$+*?()[\]{}|]$/.test(esc[0]) || (/^\\x/.test(esc[0]) && Number.parseInt(esc[0].slice(2), 16) < 128);
      return charSet(esc[0], asciiOnly);
    }
    if (c === '^' || c === '$') {
      at++;
      return empty();
    }
    if (c === '.') {
      at++;
      return charSet('.', false);
    }
    if (c === ')' || c === '|' || c === '*' || c === '+' || c === '?' || c === '{') throw new GiveUp();
    // A literal; one code point.
    const code = src.codePointAt(at) as number;
    const literal = String.fromCodePoint(code);
    at += literal.length;
    return charSet(literal.replace(/[$()*+.?[\\\]^{|}]/g, '\\$&'), code < 128);
  }

  try {
    const s = parseAlternation();
    if (at !== src.length) return undefined;
    return { min: s.min, run: s.run };
  } catch (err) {
    if (err instanceof GiveUp) return undefined;
    throw err;
  }
}
