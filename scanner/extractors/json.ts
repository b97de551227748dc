/**
 * JSON and NDJSON exports (webshops, CRMs, form tools) read as records: every object is a record
 * of its scalar fields, typed by key and assembled by records.ts, so `{"straat": …, "huisnummer":
 * …, "postcode": …, "woonplaats": …}` is one address however deeply it is nested. A key's values
 * are gathered over the whole file (`klanten[].nummer`), so a key that says little is typed from
 * its values. `where: { line }`: the line of the value, or of the first part of an assembled one.
 *
 * Parsed with jsonc-parser's visitor (offsets and lines, comments tolerated). A file that is not
 * well-formed JSON, or one too large to hold as records, is read line by line as plain text
 * instead: no text is ever dropped because a file is not what its name says.
 */
import { type ParseError, parse, visit } from 'jsonc-parser';
import { decodeAll } from './decode.js';
import { kindOfKey } from './field-keys.js';
import { type Field, recordBatch, typeKeys } from './records.js';
import { extractLines } from './text.js';
import type { Extracted, Extractor, ItemContent } from './types.js';

/** Larger JSON files are read as lines: records of a whole file are held in memory. */
const MAX_RECORD_BYTES = 32 * 1024 * 1024;
/** Values per key that typing by value looks at. */
const SAMPLE_VALUES = 100;

interface Frame {
  array: boolean;
  /** The key path without array indices: `klanten.adres.straat`. */
  path: string;
  property?: string;
  fields: Field[];
}

/** What a file's records are, before typing: fields refer to key paths by index. */
interface Parsed {
  records: Field[][];
  paths: string[];
  labels: string[];
  values: string[][];
  /** Object keys that may themselves be personal data (an e-mail address or a number as a key). */
  names: Extracted[];
}

export async function* extractJson(content: ItemContent, lines: boolean): AsyncGenerator<Extracted> {
  if (content.size > MAX_RECORD_BYTES) {
    yield* extractLines(content);
    return;
  }
  const text = await decodeAll(content);
  const parsed = lines ? parseLines(text) : parseDocument(text, 0);
  if (!parsed) {
    yield* extractLines(content);
    return;
  }
  const keys = typeKeys(parsed.labels, (i) => parsed.values[i] ?? []);
  yield* parsed.names;
  for (const record of parsed.records) {
    const batch = recordBatch(record, keys);
    if (batch) yield batch;
  }
}

/** NDJSON: every line its own document; a line that is not JSON is a text segment of its own. */
function parseLines(text: string): Parsed {
  const into = emptyParsed();
  const lines = text.split('\n');
  for (let i = 0; i < lines.length; i++) {
    const line = (lines[i] as string).replace(/\r$/, '');
    if (line.trim() === '') continue;
    // Checked first: a line that is not JSON must not leave half its fields behind.
    const errors: ParseError[] = [];
    parse(line, errors, { allowTrailingComma: true });
    if (errors.length > 0 || !parseDocument(line, i, into)) into.names.push({ segment: { text: line, where: { line: i + 1 } } });
  }
  return into;
}

const emptyParsed = (): Parsed => ({ records: [], paths: [], labels: [], values: [], names: [] });

/** Visits one JSON document (its lines counted from `firstLine`); undefined when it is not well-formed. */
function parseDocument(text: string, firstLine: number, into: Parsed = emptyParsed()): Parsed | undefined {
  const index = new Map(into.paths.map((p, i) => [p, i]));
  const stack: Frame[] = [];
  const root: Frame = { array: true, path: '', fields: [] };
  let broken = false;
  const top = () => stack[stack.length - 1] ?? root;
  const childPath = () => {
    const t = top();
    return t.array ? t.path : joinPath(t.path, t.property ?? '');
  };
  const keyOf = (path: string, leaf: string, parent: string): number => {
    let i = index.get(path);
    if (i === undefined) {
      i = into.paths.length;
      index.set(path, i);
      into.paths.push(path);
      // A leaf that says little may say more with its parent: `geboorte.datum`, `adres.nummer`.
      into.labels.push(kindOfKey(leaf) === undefined && parent && kindOfKey(`${parent} ${leaf}`) ? `${parent} ${leaf}` : leaf);
      into.values.push([]);
    }
    return i;
  };
  visit(
    text,
    {
      onObjectBegin: () => {
        stack.push({ array: false, path: childPath(), fields: [] });
      },
      onObjectProperty: (property, _offset, _length, startLine) => {
        top().property = property;
        // A key can be the data itself: an export keyed by e-mail address or customer number.
        if (/[@\d]/.test(property)) into.names.push({ segment: { text: property, where: { line: firstLine + startLine + 1 } } });
      },
      onObjectEnd: () => {
        const frame = stack.pop();
        if (frame && frame.fields.length > 0) into.records.push(frame.fields);
      },
      onArrayBegin: () => {
        stack.push({ array: true, path: childPath(), fields: [] });
      },
      onArrayEnd: () => {
        const frame = stack.pop();
        if (!frame) return;
        // Scalars in an array (`"telefoon": ["06…", "020…"]`) belong to the object around it.
        const owner = stack.findLast((f) => !f.array);
        if (owner) owner.fields.push(...frame.fields);
        else if (frame.fields.length > 0) into.records.push(frame.fields);
      },
      onLiteralValue: (value: unknown, offset, length, startLine) => {
        if (value === null || typeof value === 'boolean') return;
        const raw = typeof value === 'string' ? value : text.slice(offset, offset + length);
        const t = top();
        const path = childPath();
        const names = path.split('.');
        const leaf = names[names.length - 1] ?? '';
        const parent = names[names.length - 2] ?? '';
        const key = keyOf(path, leaf, parent);
        const values = into.values[key] as string[];
        if (values.length < SAMPLE_VALUES) values.push(raw);
        t.fields.push({ key, text: raw, where: { line: firstLine + startLine + 1 } });
      },
      onError: () => {
        broken = true;
      },
    },
    { allowTrailingComma: true, disallowComments: false },
  );
  if (broken) return undefined;
  if (root.fields.length > 0) into.records.push(root.fields);
  return into;
}

const joinPath = (path: string, property: string) => (path ? `${path}.${property}` : property);

export const jsonExtractor: Extractor = {
  id: 'json',
  mediaTypes: ['application/json', 'application/x-ndjson'],
  extensions: ['json', 'ndjson', 'jsonl'],
  extract: (content, context) => extractJson(content, context.mediaType === 'application/x-ndjson'),
};
