/**
 * Records: the rows of a CSV file or a sheet and the objects of a JSON export, where one person's
 * data sits in fields side by side (`voornaam`, `achternaam`, `straat`, `huisnummer`, `postcode`,
 * `woonplaats`, `geboortedatum`…). The tabular and JSON extractors hand their fields here with
 * the key (column header or JSON key) of each; this module is the one place that
 *
 * - types a field from its key, in NL, EN, DE, FR, ES and IT (field-keys.ts), and a key that says
 *   little (`Nummer`, `ID`, no header at all) from its values: a column whose numbers nearly all
 *   pass a national-number checksum holds those numbers;
 * - says what a typed field is by giving its segment the label a detector knows (`naam`, `adres`,
 *   `geboortedatum`, `telefoon`, `bsn`) as context, so the detectors and their scoring stay the
 *   same for records and for prose;
 * - puts the parts of one name or one address back together: a name or an address spread over
 *   fields is one value, found once, at the place of its first part.
 *
 * Raw values pass through here as they pass through every extractor: to the engine, and nowhere else.
 */
import { beNationalNumberDetector } from '../../detectors/be-national-number.js';
import { deTaxIdDetector } from '../../detectors/de-tax-id.js';
import { nlBsnDetector } from '../../detectors/nl-bsn.js';
import type { Detector, Segment, Where } from '../../detectors/types.js';
import { type FieldKind, kindOfKey } from './field-keys.js';
import type { Extracted } from './types.js';

/** One field of a record: its key, its text and where it sits. */
export interface Field {
  /** Index of the key in the record's key list (the column, or the JSON key path). */
  key: number;
  text: string;
  where: Where;
  /** Extra context the extractor already has for this field (the cell to the left, for label/value lists). */
  context?: string;
}

/** What a key was found to hold. */
export interface TypedKey {
  /** The key as written (a header, a JSON key): context for the detectors as it stands. */
  label: string;
  kind?: FieldKind;
  /** The label a detector knows, added to the field's context. */
  says?: string;
}

/** The label each kind gives its field: words the detectors already count as context. */
const SAYS: Partial<Record<FieldKind, string>> = {
  'full-name': 'naam',
  'given-name': 'voornaam',
  'family-name': 'achternaam',
  address: 'adres',
  street: 'adres',
  postcode: 'postcode',
  city: 'woonplaats',
  'birth-date': 'geboortedatum',
  phone: 'telefoon',
};

/** Checksum types a number column can be recognised by from its values alone. */
const VALUE_TYPES: readonly Detector[] = [nlBsnDetector, deTaxIdDetector, beNationalNumberDetector];
/** At least this many values, and this share of them passing one checksum, type a column. */
const MIN_VALUES = 3;
const MIN_SHARE = 0.8;

/** Types every key of a table or an export from its name, and the ones that say little from their values. */
export function typeKeys(labels: readonly string[], valuesOf: (key: number) => readonly string[]): TypedKey[] {
  return labels.map((label, key) => {
    const kind = label.trim() === '' ? undefined : kindOfKey(label);
    const says = kind ? SAYS[kind] : undefined;
    // Only a key that says "a number" or nothing at all is typed by its values: a header we do
    // not know (`N° de commande`) may well name order numbers that pass the same checksum.
    if (kind === 'number' || label.trim() === '') {
      const byValue = checksumTypeOf(valuesOf(key));
      if (byValue) return { label, kind: 'national-id', says: byValue };
    }
    return { label, ...(kind ? { kind } : {}), ...(says ? { says } : {}) };
  });
}

/** The first context word of the checksum type that nearly all values pass, if one does. */
function checksumTypeOf(values: readonly string[]): string | undefined {
  const filled = values.map((v) => v.trim()).filter((v) => v !== '');
  if (filled.length < MIN_VALUES) return undefined;
  for (const d of VALUE_TYPES) {
    const passing = filled.filter((v) => wholeMatchPasses(d, v)).length;
    if (passing / filled.length >= MIN_SHARE) return Object.values(d.context ?? {})[0]?.[0];
  }
  return undefined;
}

function wholeMatchPasses(d: Detector, value: string): boolean {
  for (const p of d.patterns ?? []) {
    const re = new RegExp(p.regex.source, p.regex.flags.replace('g', ''));
    const m = re.exec(value);
    if (m && m.index === 0 && m[0].length === value.length) {
      const normalized = d.normalize ? d.normalize(value) : value;
      return d.validate?.(normalized) === true && !d.invalidate?.(normalized);
    }
  }
  return false;
}

const HOUSE_NUMBER = /^\d{1,4} ?[A-Za-z]{0,2}$/;
const UK_POSTCODE = /^[A-Z]{1,2}\d[A-Z\d]? ?\d[A-Z]{2}$/i;
const FR_STREET = /^(?:rue|avenue|av\.|boulevard|bd|place|chemin|allée|impasse|quai|cours|route)\s/;

const NAME_PARTS: readonly FieldKind[] = ['given-name', 'name-particle', 'family-name'];

/**
 * The segments of one record: a name or an address spread over fields as one segment each, at
 * the place of its first part; every other field as its own segment, its key's label as context.
 */
export function* recordSegments(fields: readonly Field[], keys: readonly TypedKey[]): Generator<Extracted> {
  const used = assembles(keys) ? yield* assembledSegments(fields, keys) : undefined;
  for (const f of fields) {
    if (used?.has(f) || isBlank(f.text)) continue;
    const key = keys[f.key];
    const own = key ? keyContext(key) : '';
    const extra = f.context ? clean(f.context) : '';
    const context = own && extra ? `${own} ${extra}` : own || extra;
    yield { segment: { text: f.text, where: f.where, ...(context ? { context } : {}) } };
  }
}

/**
 * A record's segments as one part (types.ts `segments`): a table of a million rows of ten columns
 * is then a million steps of its extractor's async generator, not ten million.
 */
export function recordBatch(fields: readonly Field[], keys: readonly TypedKey[]): Extracted | undefined {
  const segments = recordSegmentList(fields, keys);
  return segments.length > 0 ? { segments } : undefined;
}

/** `recordSegments` as a list, for an extractor that adds a record's segments to a batch of its own. */
export function recordSegmentList(fields: readonly Field[], keys: readonly TypedKey[]): Segment[] {
  const segments: Segment[] = [];
  for (const part of recordSegments(fields, keys)) if ('segment' in part) segments.push(part.segment);
  return segments;
}

/** A name or an address spread over the record's fields, one segment each; the fields they used. */
function* assembledSegments(fields: readonly Field[], keys: readonly TypedKey[]): Generator<Extracted, Set<Field>> {
  const byKind = new Map<FieldKind, Field>();
  for (const f of fields) {
    const kind = keys[f.key]?.kind;
    if (kind && !byKind.has(kind) && !isBlank(f.text)) byKind.set(kind, f);
  }
  const used = new Set<Field>();
  const name = assembleName(byKind);
  if (name) {
    for (const f of name.parts) used.add(f);
    yield { segment: { text: name.text, where: { ...name.parts[0]?.where }, context: 'naam' } };
  }
  const address = assembleAddress(byKind);
  if (address) {
    for (const f of address.parts) used.add(f);
    yield { segment: { text: address.text, where: { ...address.parts[0]?.where }, context: 'adres' } };
  }
  return used;
}

/**
 * Whether a record under these keys can hold a spread name or address: known once per table, so
 * that a sheet of a million rows without one does not build a map and a set per row.
 */
const assemblesByKeys = new WeakMap<readonly TypedKey[], boolean>();
function assembles(keys: readonly TypedKey[]): boolean {
  let known = assemblesByKeys.get(keys);
  if (known === undefined) {
    // What assembleName and assembleAddress need at the least: a given and a family name; a
    // street, a postcode, or an address field beside a city.
    const has = (kind: FieldKind) => keys.some((k) => k.kind === kind);
    known = (has('given-name') && has('family-name')) || has('street') || has('postcode') || (has('address') && has('city'));
    assemblesByKeys.set(keys, known);
  }
  return known;
}

/** A key's own part of its fields' context (its label and what it says), made once per key, not per row. */
const contextByKey = new WeakMap<TypedKey, string>();
function keyContext(key: TypedKey): string {
  let context = contextByKey.get(key);
  if (context === undefined) {
    context = clean(`${key.label} ${key.says ?? ''}`);
    contextByKey.set(key, context);
  }
  return context;
}

/** Only whitespace (or nothing): `text.trim() === ''` without the copy. */
const isBlank = (text: string) => !/\S/.test(text);

interface Assembled {
  text: string;
  /** The fields it was made of, in record order. */
  parts: Field[];
}

/** Runs of whitespace as one space, none at the ends; text already so (most cells) is not copied by a replace. */
const clean = (s: string) => (/[^\S ]| {2}/.test(s) ? s.replace(/\s+/g, ' ') : s).trim();
const inOrder = (parts: (Field | undefined)[]) =>
  parts.filter((f): f is Field => f !== undefined).sort((a, b) => a.key - b.key || fieldOrder(a.where) - fieldOrder(b.where));
const fieldOrder = (w: Where) => w.line ?? 0;

function assembleName(byKind: Map<FieldKind, Field>): Assembled | undefined {
  const given = byKind.get('given-name');
  const family = byKind.get('family-name');
  if (!given || !family) return undefined;
  const particle = byKind.get('name-particle');
  const text = clean([given.text, particle?.text ?? '', family.text].join(' '));
  return { text, parts: inOrder(NAME_PARTS.map((k) => byKind.get(k))) };
}

function assembleAddress(byKind: Map<FieldKind, Field>): Assembled | undefined {
  // A field headed `Adres` beside a postcode and a city holds the street and number.
  const street = byKind.get('street') ?? (byKind.has('postcode') || byKind.has('city') ? byKind.get('address') : undefined);
  // `Número`, `numero` right after the street: the house number, though the key says only "number".
  const plain = byKind.get('number');
  const number = byKind.get('house-number') ?? (street && plain && plain.key === street.key + 1 && HOUSE_NUMBER.test(plain.text.trim()) ? plain : undefined);
  const addition = byKind.get('house-number-addition');
  const postcode = byKind.get('postcode');
  const city = byKind.get('city');
  if (!street && !postcode) return undefined;
  const parts = [street, number, addition, postcode, city].filter((f) => f !== undefined);
  if (parts.length < 2) return undefined;
  const houseNumber = `${number?.text.trim() ?? ''}${addition ? clean(addition.text).replace(/^(?=\d)/, '-') : ''}`;
  const streetText = clean(street?.text ?? '');
  // Written as the country writes it: `221 Baker Street, London NW1 6XE`, `12 rue de la Paix, 75011 Paris`, else street first.
  const uk = postcode !== undefined && UK_POSTCODE.test(postcode.text.trim());
  const numberFirst = uk || FR_STREET.test(streetText);
  const streetLine = clean(numberFirst ? `${houseNumber} ${streetText}` : `${streetText} ${houseNumber}`);
  const place = clean(uk ? `${city?.text ?? ''} ${postcode?.text ?? ''}` : `${postcode?.text ?? ''} ${city?.text ?? ''}`);
  const text = [streetLine, place].filter(Boolean).join(', ');
  return { text, parts: inOrder([street, number, addition, postcode, city]) };
}
