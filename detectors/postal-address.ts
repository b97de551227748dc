/**
 * Postal addresses (AVG/GDPR Art. 4(1): a home address identifies a person). Dutch (street,
 * number, `1234 AB`, city), Belgian (street, number, 4-digit postcode, city; Dutch and French
 * street forms), German (street, number, 5-digit postcode, city) and UK (number, street, town,
 * postcode), French, Spanish and Italian (address-romance.ts). No checksum: confidence comes from completeness. A full address scores high; a
 * Dutch postcode with a city, or a UK postcode, at the threshold; a street and number alone only
 * with an address word nearby.
 */
import { digitAnchors, hasDigitAnchor, NL_POSTCODE_AT, POSTCODE_CAPITAL, UK_INWARD } from './address-anchors.js';
import { ROMANCE_ADDRESS_CONTEXT, ROMANCE_ADDRESS_PATTERNS } from './address-romance.js';
import { isHighSurrogate, isLowSurrogate, LETTER, LETTER_CASE, LETTER_OR_DIGIT, pairIsLetterOrDigit } from './chars.js';
import { SURROGATE, shapeFor } from './shape.js';
import type { Candidate, Detector } from './types.js';

const B = '(?<![\\p{L}\\p{N}])';
const E = '(?![\\p{L}\\p{N}])';
const CAP = "\\p{Lu}[\\p{L}'.-]{1,40}";
const PARTICLE = "(?:van|de|der|den|het|'t|te|ten|ter|la|le|du|des|de la|von|am|an|im|zum|zur|sur|en|of|the)";
/** A street name: capitalised words with Dutch, French or German particles between them. */
const STREET = `${CAP}(?: (?:${PARTICLE}|${CAP})){0,4}`;
/** A house number: 12, 12a, 12-A, 12-14, 12/3, 12 bis, 12 bus 3 (Belgian box). Five digits is a postcode, not a house number. */
const NUMBER = '\\d{1,4}(?:[a-zA-Z]{1,2}(?![\\p{L}])|-[a-zA-Z0-9]{1,4}(?![\\p{L}\\p{N}])|/\\d{1,4}| bis)?(?: bus \\d{1,4})?';
const CITY = "\\p{Lu}[\\p{L}'-]{1,30}(?:[ -](?:\\p{Lu}[\\p{L}'-]{1,30}|aan|den|op|am|an|der|sur|la)){0,3}";
const NL_POSTCODE = '[1-9]\\d{3} ?(?!SA|SD|SS)[A-Z]{2}';
const UK_POSTCODE = '(?:[A-Z]{1,2}\\d[A-Z\\d]?|GIR) ?\\d[ABD-HJLNP-UW-Z]{2}';
const UK_STREET_TYPES = '(?:Street|Road|Lane|Avenue|Close|Drive|Way|Square|Gardens|Crescent|Place|Court|Terrace|Grove|Hill|Row|Mews|Walk|Park)';
const STREET_SUFFIX =
  '(?:straat|laan|weg|plein|gracht|kade|singel|dijk|pad|dreef|hof|park|steeg|markt|baan|wal|veld|dam|haven|lei|steenweg|straße|strasse|str\\.|allee|platz|gasse|ring|damm|ufer|chaussee)';

/** Belgian and German streets carry a street word: a suffix (Wetstraat, Hauptstraße) or a French prefix (Rue de la Loi). */
const FR_PREFIX = '(?:Rue|Avenue|Av\\.|Boulevard|Bd|Chaussée|Place|Chemin|Allée|Quai|Square|Impasse|Drève|Clos)';
const STREET_WORD = `(?:${FR_PREFIX}(?: (?:${PARTICLE}|${CAP})){1,4}|(?:${CAP} ){0,3}\\p{Lu}[\\p{L}'-]{0,30}${STREET_SUFFIX})`;
const rx = (body: string) => new RegExp(`${B}${body}${E}`, 'gu');
/**
 * Cheap tests of the part every match of a pattern must contain; the full pattern only runs when
 * its anchor is there. The postcode anchors are read in one pass over the digits (address-anchors.ts).
 */
const NL_ANCHOR = hasDigitAnchor(NL_POSTCODE_AT);
const BE_DE_ANCHOR = hasDigitAnchor(POSTCODE_CAPITAL);
const UK_ANCHOR = hasDigitAnchor(UK_INWARD);
/** The street suffixes as plain strings, for the hand-written street anchor. */
const SUFFIXES: readonly string[] = STREET_SUFFIX.slice(3, -1)
  .split('|')
  .map((s) => s.replace(/\\/g, ''));
/** The suffixes by the character they end with: most spaces before a digit are rejected on it, the rest try only those. */
const SUFFIXES_ENDING: readonly (readonly string[])[] = (() => {
  const by: string[][] = Array.from({ length: 128 }, () => []);
  for (const s of SUFFIXES) by[s.charCodeAt(s.length - 1)]?.push(s);
  return by;
})();
const NO_SUFFIX: readonly string[] = [];
const STREET_ANCHOR_REGEX = new RegExp(`${STREET_SUFFIX} \\d`, 'u');
/**
 * Whether a street word stands before a house number: what every suffixed street pattern needs,
 * `\p{Lu}[\p{L}'-]{0,30}` + a suffix + ` ` + a digit, with the capital opening a word. Read
 * backwards from each space before a digit; a regex would try the suffix alternation at every
 * position (and let `during 2024` through on `ring`). Texts with surrogate pairs take the looser regex.
 */
function streetBeforeNumber(text: string): boolean {
  if ((shapeFor(text).flags & SURROGATE) !== 0) return STREET_ANCHOR_REGEX.test(text);
  // Every space before a digit, where a house number can follow its street.
  const anchors = digitAnchors(text);
  for (let k = 0; k < anchors.count; k++) {
    const p = anchors.spaceDigit[k] as number;
    if (p < 3) continue;
    const ending = SUFFIXES_ENDING[text.charCodeAt(p - 1)] ?? NO_SUFFIX;
    for (let e = 0; e < ending.length; e++) {
      const suffix = ending[e] as string;
      const s = p - suffix.length;
      if (s < 1 || !text.startsWith(suffix, s)) continue;
      for (let q = s - 1; q >= 0 && s - q <= 31; q--) {
        const c = text.charCodeAt(q);
        if (LETTER[c] !== 1 && c !== 39 && c !== 45) break;
        if (LETTER_CASE[c] === 1 && (q === 0 || LETTER_OR_DIGIT[text.charCodeAt(q - 1)] !== 1)) return true;
      }
    }
  }
  return false;
}
const STREET_ANCHOR = streetBeforeNumber;
const FR_PREFIX_ANCHOR = new RegExp(`${FR_PREFIX} `, 'u');
/** Second anchors: a street word, a UK street type, `te`/`in` before a city. A pattern runs only when both of its anchors are there. */
const STREET_WORD_ANCHOR = (text: string) => streetBeforeNumber(text) || FR_PREFIX_ANCHOR.test(text);
const UK_TYPE_ANCHOR = new RegExp(UK_STREET_TYPES, 'u');
const TE_CITY_ANCHOR = / (?:te|in) \p{Lu}/u;
/** An address shape: its full pattern, its score, and the cheap tests (`anchor`, and `also` when given) every match must pass. */
export interface AddressPattern {
  name: string;
  regex: RegExp;
  score: number;
  anchor: Anchor;
  also?: Anchor;
}
/** A cheap test every match of a pattern passes: a regex, or a hand-written check. */
export type Anchor = RegExp | ((text: string) => boolean);
const PATTERNS: readonly AddressPattern[] = [
  { name: 'nl-full', regex: rx(`${STREET} ${NUMBER},? {1,2}${NL_POSTCODE},? {1,2}${CITY}`), score: 0.9, anchor: NL_ANCHOR },
  {
    name: 'be-de-full',
    regex: rx(`${STREET_WORD} ${NUMBER},? {1,2}(?:[BD]-)?[1-9]\\d{3,4} {1,2}${CITY}`),
    score: 0.85,
    anchor: BE_DE_ANCHOR,
    also: STREET_WORD_ANCHOR,
  },
  {
    name: 'uk-full',
    regex: rx(`\\d{1,4}[A-Z]? (?:${CAP} ){1,3}${UK_STREET_TYPES},? (?:${CITY},? )?${UK_POSTCODE}`),
    score: 0.85,
    anchor: UK_ANCHOR,
    also: UK_TYPE_ANCHOR,
  },
  { name: 'nl-postcode-city', regex: rx(`${NL_POSTCODE} {1,2}${CITY}`), score: 0.5, anchor: NL_ANCHOR },
  { name: 'uk-postcode', regex: rx(UK_POSTCODE), score: 0.4, anchor: UK_ANCHOR },
  // Kerkstraat 12 te Amsterdam: the Dutch way to name an address without its postcode.
  {
    name: 'nl-street-te-city',
    regex: rx(`(?:${CAP} ){0,3}\\p{Lu}[\\p{L}'-]{0,30}${STREET_SUFFIX} ${NUMBER} (?:te|in) ${CITY}`),
    score: 0.55,
    anchor: STREET_ANCHOR,
    also: TE_CITY_ANCHOR,
  },
  { name: 'street-number', regex: rx(`(?:${CAP} ){0,3}\\p{Lu}[\\p{L}'-]{0,30}${STREET_SUFFIX} ${NUMBER}`), score: 0.35, anchor: STREET_ANCHOR },
  ...ROMANCE_ADDRESS_PATTERNS,
];

/** Each distinct anchor once, by number: patterns share anchors, so each is tested once per text. */
const ANCHORS: readonly Anchor[] = [...new Set(PATTERNS.flatMap((p) => (p.also ? [p.anchor, p.also] : [p.anchor])))];
const ANCHOR_OF = PATTERNS.map((p) => ANCHORS.indexOf(p.anchor));
const ALSO_OF = PATTERNS.map((p) => (p.also ? ANCHORS.indexOf(p.also) : -1));
/** Per anchor for the current text: 0 not yet tested, 1 present, 2 absent. Reused by every call. */
const anchorState = new Uint8Array(ANCHORS.length);
function anchorIn(i: number, text: string): boolean {
  let state = anchorState[i] as number;
  if (state === 0) {
    const a = ANCHORS[i] as Anchor;
    state = (typeof a === 'function' ? a(text) : a.test(text)) ? 1 : 2;
    anchorState[i] = state;
  }
  return state === 1;
}

function findAddresses(text: string): Candidate[] {
  const found: Candidate[] = [];
  anchorState.fill(0);
  for (let i = 0; i < PATTERNS.length; i++) {
    const p = PATTERNS[i] as AddressPattern;
    const also = ALSO_OF[i] as number;
    if (!anchorIn(ANCHOR_OF[i] as number, text) || (also !== -1 && !anchorIn(also, text))) continue;
    // exec on the shared regex: matchAll would clone it on every call.
    const re = p.regex;
    re.lastIndex = 0;
    for (let m = re.exec(text); m !== null; m = re.exec(text)) found.push({ start: m.index, end: m.index + m[0].length, score: p.score, pattern: p.name });
  }
  return found;
}

/** Shows the first character of each word and hides the rest, so `Kerkstraat 12` becomes `K********* 1*`. */
export function maskWords(value: string): string {
  // As `replace(/([\p{L}\p{N}])([\p{L}\p{N}]*)/gu, first + '*' per unit of the rest)`, with table look-ups.
  let out = '';
  let inWord = false;
  for (let i = 0; i < value.length; i++) {
    const c = value.charCodeAt(i);
    let units = 1;
    let wordChar = LETTER_OR_DIGIT[c] === 1;
    if (isHighSurrogate(c) && i + 1 < value.length && isLowSurrogate(value.charCodeAt(i + 1))) {
      units = 2;
      wordChar = pairIsLetterOrDigit(value.slice(i, i + 2));
    }
    if (!wordChar) out += value.slice(i, i + units);
    else if (inWord) out += units === 2 ? '**' : '*';
    else out += value.slice(i, i + units);
    inWord = wordChar;
    i += units - 1;
  }
  return out;
}

export const postalAddressDetector = {
  id: 'postal-address',
  category: 'contact',
  description: 'Postal addresses: Dutch, Belgian, German, UK, French, Spanish and Italian forms; confidence by completeness.',
  requires: /\d/,
  find: findAddresses,
  context: {
    nl: ['adres', 'woonadres', 'postadres', 'huisadres', 'woonplaats', 'postcode', 'woonachtig', 'wonende', 'woont', 'woon'],
    en: ['address', 'home address', 'postal address', 'lives at', 'postcode', 'residing'],
    de: ['adresse', 'anschrift', 'wohnort', 'wohnhaft', 'postanschrift'],
    fr: ['adresse', 'domicile', 'domicilié', 'demeurant'],
    ...ROMANCE_ADDRESS_CONTEXT,
  },
  negativeContext: {
    nl: ['kantoor', 'bezoekadres', 'vestiging', 'kvk'],
    en: ['office', 'headquarters', 'registered office', 'warehouse'],
    de: ['firmensitz', 'geschäftsstelle', 'filiale'],
    fr: ['siège social', 'bureau'],
  },
  normalize: (raw) => raw.replace(/\s+/g, ' ').replace(/ ?, ?/g, ', ').trim().toUpperCase(),
  mask: (v) => maskWords(v),
  examples: {
    valid: [
      'Adres: Kerkstraat 12, 1234 AB Amsterdam',
      'Jan woont op de Lange Voorhout 9 2514 EA Den Haag.',
      'Van Goghstraat 112a, 3581 XK Utrecht',
      'Wetstraat 16, 1000 Brussel',
      'Rue de la Loi 16, 1000 Bruxelles',
      'Anschrift: Hauptstraße 5, 10115 Berlin',
      '10 Downing Street, London SW1A 2AA',
      'Postcode en woonplaats: 9712 CP Groningen',
      'Address: Flat 2, 221B Baker Street, London NW1 6XE',
      'Woonadres: Dorpsstraat 3',
      'Adresse : 12 rue de la Paix, 75002 Paris',
      'Dirección: Calle de Alcalá 12, 28014 Madrid',
      'Indirizzo: Via Roma 10, 00184 Roma',
      'Via Garibaldi, 3 - 20121 Milano (MI)',
    ],
    invalid: [
      'Dorpsstraat 3',
      'Kerkstraat',
      '1234 AB',
      'Ordernummer 1234 AB12',
      'Prijs 12,50 voor 3 stuks',
      'Version 10 2023',
      'See page 12, 1234 copies',
      'in 2024 werkten 1200 mensen',
      'ISBN 978-90-1234-567-8',
      'Bel 020 123 4567 voor een afspraak',
      'Via 12 stations, 00184 copies', // no street word after Via, no capitalised city
      'Calle 12, 2024 Madrid', // four-digit number is a year, not a Spanish postcode
    ],
  },
} satisfies Detector;
