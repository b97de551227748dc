/**
 * A machine-readable zone as OCR reads it: `<` comes out as `«`, `K` or a space, and the OCR-B
 * digits 0 and 1 as the letters O and I (and the other way round). This puts a line back as
 * printed, using what ICAO Doc 9303 fixes: which positions hold digits, which letters, and the
 * check digits over the rest. A line is only returned when every check digit holds, so the
 * correction can never make up an MRZ that was not there.
 */
import { mrzLineValid } from './passport-mrz.js';

const TO_DIGIT: Record<string, string> = { O: '0', Q: '0', D: '0', U: '0', I: '1', L: '1', T: '1', Z: '2', S: '5', G: '6', B: '8' };
const TO_LETTER: Record<string, string> = { '0': 'O', '1': 'I', '2': 'Z', '5': 'S', '6': 'G', '8': 'B' };
/** The confusions worth trying in alphanumeric fields (document number, optional data). */
const SWAP: Record<string, string> = { O: '0', '0': 'O', I: '1', '1': 'I' };

/** Per position: d digit, a letter (or `<`), s sex, x free. TD1, TD2 and TD3 line 2 (see passport-mrz.ts). */
const LAYOUTS: Record<number, string> = {
  30: `${'d'.repeat(7)}s${'d'.repeat(7)}aaa${'x'.repeat(11)}d`,
  36: `${'x'.repeat(9)}daaa${'d'.repeat(7)}s${'d'.repeat(7)}${'x'.repeat(7)}d`,
  44: `${'x'.repeat(9)}daaa${'d'.repeat(7)}s${'d'.repeat(7)}${'x'.repeat(14)}dd`,
};

/** Raw OCR text of one line → MRZ alphabet: upper case, `<` for its look-alikes, no spaces. */
export function mrzAlphabet(line: string): string {
  return line
    .toUpperCase()
    .replace(/[«‹<]/g, '<')
    .replace(/\s+/g, '')
    .replace(/[^A-Z0-9<]/g, '');
}

/** Whether a line of OCR text is shaped like an MRZ line (filler runs, the right alphabet). */
export function looksLikeMrz(line: string): boolean {
  const cleaned = mrzAlphabet(line);
  return cleaned.length >= 28 && cleaned.length <= 46 && /<{2,}/.test(cleaned);
}

function fixByLayout(line: string, layout: string): string {
  let out = '';
  for (let i = 0; i < line.length; i++) {
    const ch = line[i] as string;
    const kind = layout[i];
    if (kind === 'd') out += TO_DIGIT[ch] ?? ch;
    else if (kind === 'a') out += TO_LETTER[ch] ?? ch;
    else if (kind === 's') out += ch === 'H' ? 'M' : ch;
    else out += ch;
  }
  return out;
}

const MAX_SWAPS = 8;

/**
 * The MRZ line an OCR line stands for, or undefined. Fixed positions are corrected first; then
 * the O/0 and I/1 in free positions are tried both ways until all check digits hold.
 */
export function correctMrzLine(raw: string): string | undefined {
  let line = mrzAlphabet(raw);
  // OCR may add a character at the end of a line (a speck after the last check digit).
  const length = [44, 36, 30].find((n) => line.length >= n && line.length <= n + 2);
  if (length === undefined) return undefined;
  line = line.slice(0, length);
  const layout = LAYOUTS[length] as string;
  const fixed = fixByLayout(line, layout);
  if (mrzLineValid(fixed)) return fixed;
  const free: number[] = [];
  for (let i = 0; i < fixed.length; i++) if (layout[i] === 'x' && SWAP[fixed[i] as string]) free.push(i);
  if (free.length === 0 || free.length > MAX_SWAPS) return undefined;
  const chars = [...fixed];
  for (let mask = 1; mask < 1 << free.length; mask++) {
    const candidate = [...chars];
    for (let b = 0; b < free.length; b++) {
      if (mask & (1 << b)) {
        const at = free[b] as number;
        candidate[at] = SWAP[candidate[at] as string] as string;
      }
    }
    const text = candidate.join('');
    if (mrzLineValid(text)) return text;
  }
  return undefined;
}
