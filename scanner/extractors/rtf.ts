/**
 * Rich Text Format. RTF is text with control words, so a small reader does: it keeps the text,
 * decodes `\'hh` bytes by the document's code page and `\uN` characters, and skips what is not
 * shown (font and colour tables, pictures, field instructions, `{\*…}` destinations). The npm RTF
 * parsers are either abandoned or only de-encapsulate Outlook's HTML-in-RTF. `where: { paragraph }`.
 */
import { paragraphSegments } from './segments.js';
import type { Extracted, Extractor, ItemContent } from './types.js';

const HIDDEN_DESTINATIONS = new Set([
  'fonttbl',
  'colortbl',
  'stylesheet',
  'listtable',
  'listoverridetable',
  'revtbl',
  'rsidtbl',
  'info',
  'pict',
  'object',
  'objdata',
  'fldinst',
  'themedata',
  'colorschememapping',
  'datastore',
  'latentstyles',
  'xmlnstbl',
  'generator',
]);
const BREAKS = new Set(['par', 'line', 'row', 'sect', 'page']);
const SPACES = new Set(['tab', 'cell', 'emspace', 'enspace', 'qmspace']);

interface GroupState {
  hidden: boolean;
  /** Characters to skip after `\uN` (the `\ucN` in force). */
  uc: number;
}

export function rtfToText(rtf: string): string {
  let out = '';
  let state: GroupState = { hidden: false, uc: 1 };
  const stack: GroupState[] = [];
  let decoder = new TextDecoder('windows-1252');
  let pendingBytes: number[] = [];
  let skipChars = 0;
  let groupStart = false;
  const flushBytes = () => {
    if (pendingBytes.length > 0 && !state.hidden) out += decoder.decode(new Uint8Array(pendingBytes));
    pendingBytes = [];
  };
  const emit = (text: string) => {
    if (skipChars > 0) {
      skipChars--;
      return;
    }
    flushBytes();
    if (!state.hidden) out += text;
  };
  for (let i = 0; i < rtf.length; i++) {
    const ch = rtf[i] as string;
    if (ch === '{') {
      flushBytes();
      stack.push(state);
      state = { ...state };
      groupStart = true;
      continue;
    }
    if (ch === '}') {
      flushBytes();
      state = stack.pop() ?? state;
      groupStart = false;
      continue;
    }
    if (ch === '\r' || ch === '\n') continue;
    if (ch !== '\\') {
      groupStart = false;
      emit(ch);
      continue;
    }
    const next = rtf[i + 1] ?? '';
    if (next === "'") {
      const byte = Number.parseInt(rtf.slice(i + 2, i + 4), 16);
      i += 3;
      if (skipChars > 0) skipChars--;
      else if (!Number.isNaN(byte)) pendingBytes.push(byte);
      continue;
    }
    if (next === '*') {
      // An ignorable destination: shown by no reader that does not know it.
      if (groupStart) state.hidden = true;
      i += 1;
      continue;
    }
    const word = /^([a-zA-Z]{1,32})(-?\d{1,10})? ?/.exec(rtf.slice(i + 1, i + 50));
    if (!word) {
      // A control symbol: \\ \{ \} are literal, \~ a non-breaking space, \_ a non-breaking hyphen.
      i += 1;
      if (next === '\\' || next === '{' || next === '}') emit(next);
      else if (next === '~') emit(' ');
      else if (next === '_') emit('-');
      continue;
    }
    i += word[0].length;
    const name = word[1] as string;
    const param = word[2] === undefined ? undefined : Number(word[2]);
    const wasGroupStart = groupStart;
    groupStart = false;
    if (wasGroupStart && HIDDEN_DESTINATIONS.has(name)) state.hidden = true;
    else if (name === 'bin' && param !== undefined) i += Math.max(param, 0);
    else if (name === 'u' && param !== undefined) {
      emit(String.fromCharCode(param < 0 ? param + 65536 : param));
      skipChars = state.uc;
    } else if (name === 'uc' && param !== undefined) state.uc = param;
    else if (name === 'ansicpg' && param !== undefined) decoder = codePageDecoder(param);
    else if (BREAKS.has(name)) emit('\n');
    else if (SPACES.has(name)) emit('\t');
  }
  flushBytes();
  return out;
}

function codePageDecoder(codePage: number): InstanceType<typeof TextDecoder> {
  try {
    return new TextDecoder(`windows-${codePage}`);
  } catch {
    return new TextDecoder('windows-1252');
  }
}

export async function* extractRtf(content: ItemContent): AsyncGenerator<Extracted> {
  const bytes = await content.bytes();
  const text = rtfToText(Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength).toString('latin1'));
  yield* paragraphSegments(text.split('\n'));
}

export const rtfExtractor: Extractor = {
  id: 'rtf',
  mediaTypes: ['application/rtf', 'text/rtf'],
  extensions: ['rtf'],
  extract: (content) => extractRtf(content),
};
