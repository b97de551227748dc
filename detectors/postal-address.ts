/**
 * Postal addresses (AVG/GDPR Art. 4(1): a home address identifies a person). Dutch (street,
 * number, `1234 AB`, city), Belgian (street, number, 4-digit postcode, city; Dutch and French
 * street forms), German (street, number, 5-digit postcode, city) and UK (number, street, town,
 * postcode), French, Spanish and Italian (address-romance.ts). No checksum: confidence comes from completeness. A full address scores high; a
 * Dutch postcode with a city, or a UK postcode, at the threshold; a street and number alone only
 * with an address word nearby.
 */
import { ROMANCE_ADDRESS_CONTEXT, ROMANCE_ADDRESS_PATTERNS } from './address-romance.js';
import { isHighSurrogate, isLowSurrogate, LETTER_OR_DIGIT, pairIsLetterOrDigit } from './chars.js';
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
/** Cheap tests of the part every match of a pattern must contain; the full pattern only runs when its anchor is there. */
const NL_ANCHOR = /[1-9]\d{3} ?[A-Z]{2}(?![\p{L}\p{N}])/u;
const BE_DE_ANCHOR = /[1-9]\d{3,4} {1,2}\p{Lu}/u;
const UK_ANCHOR = /\d[ABD-HJLNP-UW-Z]{2}(?![\p{L}\p{N}])/u;
const STREET_ANCHOR = new RegExp(`${STREET_SUFFIX} \\d`, 'u');
const PATTERNS: readonly { name: string; regex: RegExp; score: number; anchor: RegExp }[] = [
  { name: 'nl-full', regex: rx(`${STREET} ${NUMBER},? {1,2}${NL_POSTCODE},? {1,2}${CITY}`), score: 0.9, anchor: NL_ANCHOR },
  { name: 'be-de-full', regex: rx(`${STREET_WORD} ${NUMBER},? {1,2}(?:[BD]-)?[1-9]\\d{3,4} {1,2}${CITY}`), score: 0.85, anchor: BE_DE_ANCHOR },
  { name: 'uk-full', regex: rx(`\\d{1,4}[A-Z]? (?:${CAP} ){1,3}${UK_STREET_TYPES},? (?:${CITY},? )?${UK_POSTCODE}`), score: 0.85, anchor: UK_ANCHOR },
  { name: 'nl-postcode-city', regex: rx(`${NL_POSTCODE} {1,2}${CITY}`), score: 0.5, anchor: NL_ANCHOR },
  { name: 'uk-postcode', regex: rx(UK_POSTCODE), score: 0.4, anchor: UK_ANCHOR },
  // Kerkstraat 12 te Amsterdam: the Dutch way to name an address without its postcode.
  {
    name: 'nl-street-te-city',
    regex: rx(`(?:${CAP} ){0,3}\\p{Lu}[\\p{L}'-]{0,30}${STREET_SUFFIX} ${NUMBER} (?:te|in) ${CITY}`),
    score: 0.55,
    anchor: STREET_ANCHOR,
  },
  { name: 'street-number', regex: rx(`(?:${CAP} ){0,3}\\p{Lu}[\\p{L}'-]{0,30}${STREET_SUFFIX} ${NUMBER}`), score: 0.35, anchor: STREET_ANCHOR },
  ...ROMANCE_ADDRESS_PATTERNS,
];

/** Per text: whether each anchor is present (patterns share anchors, so each is tested once). Reused by every call. */
const anchorSeen = new Map<RegExp, boolean>();

function findAddresses(text: string): Candidate[] {
  const found: Candidate[] = [];
  anchorSeen.clear();
  for (const p of PATTERNS) {
    let present = anchorSeen.get(p.anchor);
    if (present === undefined) {
      present = p.anchor.test(text);
      anchorSeen.set(p.anchor, present);
    }
    if (!present) continue;
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
