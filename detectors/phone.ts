/**
 * Telephone numbers, validated with libphonenumber-js (full metadata). Dutch numbers are taken
 * without a country code (`06-12345678`, `020 123 4567`); others need one (`+32 2 123 45 67`,
 * `0049 30 1234567`). A digit run that does not start with 0, + or 00 is never a phone number
 * here: that keeps order numbers and BSNs out.
 *
 * Numbers without a country code are read, at full score, in the regions the item points at
 * (region-hints.ts: its folder, a Belgian IBAN or postcode, a `+32` number, German text) and in
 * the scan's phone regions (`--phone-region`, config `phoneRegions`; default NL). A national
 * number that only another neighbouring region's plan accepts (a Belgian `02 555 12 34`, a German
 * `030 12345678` in a Dutch item) scores under the threshold, so only a phone label beside it
 * (`Tel.`, `Telefon`, a phone column) reports it, or the item showing, further on, that it is
 * about that country: an unlabelled digit run never becomes valid by guessing a region for it.
 *
 * Speed: libphonenumber is the cost of this detector. It is asked only about candidates it can
 * accept (8 to 15 digits, a known calling code, a plan's national length), since a rejection
 * inside it builds an error with a stack trace; and each answer is remembered (a bounded map), so
 * the find, the engine's normalise and the mask of one number cost one parse.
 */
import { type CountryCode, isSupportedCountry, Metadata, type PhoneNumber, parsePhoneNumberFromString } from 'libphonenumber-js/max';
import { maskKeepLast } from './mask.js';
import type { Candidate, Detector, ItemHints } from './types.js';

const DEFAULT_COUNTRY: CountryCode = 'NL';
/** Regions tried, after the scan's own, for a national number under a phone label. */
const NEIGHBOUR_REGIONS: readonly CountryCode[] = ['NL', 'BE', 'DE'];
/** National number lengths (digits, with the leading 0) a region's plan can hold: no parse for the others. */
const NATIONAL_SHAPE: Partial<Record<CountryCode, RegExp>> = { BE: /^0(?:4\d{8}|[1-9]\d{7})$/, DE: /^0[1-9]\d{8,11}$/, FR: /^0[1-9]\d{8}$/ };
/** Scores: read in the scan's or the item's regions, or only in a neighbour's plan (under the threshold). */
const OWN_SCORE = 0.6;
const NEIGHBOUR_SCORE = 0.4;
const DATE_SHAPE = /^\d{1,2}([-./])\d{1,2}\1(?:19|20)\d{2}$/;
/** A candidate that opens with a date (`05-09-2024 77676`, a date and the next column): the date is no part of a number. */
const DATE_FIRST = /^\d{1,2}([-./])\d{1,2}\1(?:19|20)\d{2}(?=\s)/;
const TRAILING_SEPARATORS = /[\s\-./]+$/;
const DUTCH_SERVICE = /^0(800|90[069])/;
/** One regex for every scan: the finder keeps its own position, so two scans never share lastIndex. */
const CANDIDATE = /(?<![\p{L}\p{N}+\-/.])(?:\+|00)?(?:\(0\)\s?)?\(?\d{1,5}\)?(?:[ \-./]{1,2}\(?\d{1,6}\)?|\d){1,14}(?![\p{L}\p{N}]|[.\-/]\d)/gu;

/** The country calling codes of the numbering plans (1 to 3 digits); undefined if this libphonenumber does not list them. */
const CALLING_CODES: ReadonlySet<string> | undefined = (() => {
  const metadata = new Metadata() as unknown as { countryCallingCodes?: () => Record<string, unknown> };
  return typeof metadata.countryCallingCodes === 'function' ? new Set(Object.keys(metadata.countryCallingCodes())) : undefined;
})();

/**
 * Whether libphonenumber can read `+digits` at all: it takes the first 1, 2 or 3 digits that are
 * a calling code and fails (by throwing and catching, which costs a stack trace) when none is.
 */
function hasCallingCode(international: string): boolean {
  if (!CALLING_CODES) return true;
  if (international[1] === '0') return false;
  for (let n = 1; n <= 3; n++) if (CALLING_CODES.has(international.slice(1, 1 + n))) return true;
  return false;
}

/** How many digits `raw` holds, counted without building a string. */
function digitCount(raw: string): number {
  let n = 0;
  for (let i = 0; i < raw.length; i++) {
    const c = raw.charCodeAt(i);
    if (c >= 48 && c <= 57) n++;
  }
  return n;
}

/** Whether a number holds as many digits as a phone number can (8 to 15, E.164 at most). */
function plausibleLength(raw: string): boolean {
  const n = digitCount(raw);
  return n >= 8 && n <= 15;
}

/**
 * A number as read: the region it was read in, whether it counts as the scan's or the item's (or
 * had its country code), else only a neighbour's plan accepts it.
 */
interface Reading {
  number: Number164;
  own: boolean;
  /** Read in a region only the item points at. */
  hinted: boolean;
  region: CountryCode | undefined;
}

/** The calling code of every E.164 number a parse produced, for the mask (which is handed only the E.164 form). */
const callingCodeOf = new Map<string, string>();
const REMEMBERED_MAX = 4096;
function rememberCallingCode(e164: string, cc: string): void {
  if (callingCodeOf.size >= REMEMBERED_MAX) callingCodeOf.clear();
  callingCodeOf.set(e164, cc);
}
function callingCode(e164: string): string {
  let cc = callingCodeOf.get(e164);
  if (cc === undefined) {
    const number = parsePhoneNumberFromString(e164);
    cc = number ? `+${number.countryCallingCode}` : '';
    rememberCallingCode(e164, cc);
  }
  return cc;
}

/** A number as the detector keeps it: its E.164 form and calling code, all the hash and the mask need. */
interface Number164 {
  e164: string;
  callingCode: string;
}

function fromParsed(number: PhoneNumber | undefined): Number164 | undefined {
  return number?.isValid() ? { e164: number.number, callingCode: number.countryCallingCode } : undefined;
}

/** The libphonenumber number types, in the order its `getNumberType` tries them. */
const NUMBER_TYPES = ['FIXED_LINE', 'MOBILE', 'PREMIUM_RATE', 'TOLL_FREE', 'SHARED_COST', 'VOIP', 'PERSONAL_NUMBER', 'PAGER', 'UAN', 'VOICEMAIL'] as const;

/**
 * Whether a Dutch national significant number is valid, read off libphonenumber's own NL metadata
 * as its `isValid` does (the plan's national pattern, then a number type whose lengths and
 * pattern fit), without a parse: the ten-digit Dutch number is most of the candidates in a
 * Dutch share, and a parse costs about 5 µs. Undefined when the metadata is not of the shape this
 * reads (a national prefix other than a plain 0): every number then goes to the parser.
 * phone.test.ts holds it to the parser's answers.
 */
const dutchValid: ((nsn: string) => boolean) | undefined = (() => {
  const metadata = new Metadata() as unknown as {
    selectNumberingPlan(country: string): void;
    numberingPlan?: {
      callingCode(): string;
      nationalPrefix(): string | undefined;
      nationalPrefixForParsing(): string | undefined;
      nationalPrefixTransformRule(): string | undefined;
      nationalNumberPattern(): string;
      type(t: string): { pattern(): string; possibleLengths(): number[] | undefined } | undefined;
    };
  };
  try {
    metadata.selectNumberingPlan('NL');
    const plan = metadata.numberingPlan;
    if (plan?.callingCode() !== '31' || plan.nationalPrefix() !== '0') return undefined;
    if ((plan.nationalPrefixForParsing() ?? '0') !== '0' || plan.nationalPrefixTransformRule()) return undefined;
    const national = new RegExp(`^(?:${plan.nationalNumberPattern()})$`);
    const types = NUMBER_TYPES.flatMap((name) => {
      const t = plan.type(name);
      const pattern = t?.pattern();
      return t && pattern ? [{ pattern: new RegExp(`^(?:${pattern})$`), lengths: t.possibleLengths() }] : [];
    });
    return (nsn: string) => national.test(nsn) && types.some((t) => (!t.lengths || t.lengths.includes(nsn.length)) && t.pattern.test(nsn));
  } catch {
    return undefined;
  }
})();

/**
 * A Dutch ten-digit national number (`0` and nine digits, nothing else in it), validated without
 * the parser; null: not valid; undefined: ask the parser (`00` opens an international number).
 */
export function dutchNational(compact: string): Number164 | null | undefined {
  return TEN_DIGITS.test(compact) ? dutchTenDigits(compact) : undefined;
}

const TEN_DIGITS = /^\d{10}$/;

/** `dutchNational` for a string known to be ten digits (nationalIn has counted them). */
function dutchTenDigits(digits: string): Number164 | null | undefined {
  if (!dutchValid || digits.charCodeAt(0) !== 48 || digits.charCodeAt(1) === 48) return undefined;
  const nsn = digits.slice(1);
  return dutchValid(nsn) ? { e164: `+31${nsn}`, callingCode: '31' } : null;
}

/** The number read in one region's plan, if that plan can hold its length and accepts it. */
function nationalIn(compact: string, digits: string, region: CountryCode): Number164 | undefined {
  // Dutch numbers have ten digits, except 0800/090x service numbers: skip the parser for dates and amounts.
  if (region === 'NL' && digits.length !== 10 && !DUTCH_SERVICE.test(digits)) return undefined;
  if (NATIONAL_SHAPE[region]?.test(digits) === false) return undefined;
  // Ten digits and nothing else in the number (no `+`, no `(0)`): read without the parser.
  if (region === 'NL' && digits.length === 10 && compact === digits) {
    const quick = dutchTenDigits(compact);
    if (quick !== undefined) return quick ?? undefined;
  }
  return fromParsed(parsePhoneNumberFromString(compact, region));
}

/**
 * The reader of candidates for one set of scan regions. A candidate is read when it is found and
 * again when the engine normalises it: answers are remembered by the candidate's text (and the
 * item's regions, where they were asked), for the text being scanned only (the engine normalises
 * and masks a window's candidates before it looks at the next window), so the memory stays small
 * and short-lived. Candidates rejected before libphonenumber is asked are not remembered.
 *
 * The scan's regions come first: a number both plans accept (`0475 12 34 56` is a Roermond line
 * and a Belgian mobile) keeps the reading, and so the hash, it has everywhere else in the scan.
 * The item's regions are asked for only when the scan's do not accept the number: reading them
 * can cost a pass over the text.
 */
interface Reader {
  (raw: string, hints?: ItemHints): Reading | undefined;
  /** Forgets the readings of the previous text. */
  startText(): void;
}
function readerFor(scanRegions: readonly CountryCode[]): Reader {
  /** Readings in the scan's regions or by country code; null: none there (the item's regions may still read it). */
  const read = new Map<string, Reading | null>();
  /** Readings in the item's or a neighbour's regions, by text and the item's regions. */
  const readElsewhere = new Map<string, Reading | null>();
  const parts = (raw: string) => {
    const compact = raw.replace(/\(0\)/, '').replace(/[^\d+]/g, '');
    const international = compact.startsWith('+') ? compact : compact.startsWith('00') ? `+${compact.slice(2)}` : undefined;
    return { compact, international, digits: raw.replace(/\D/g, '') };
  };
  function askOwn(raw: string): Reading | undefined {
    const { compact, international, digits } = parts(raw);
    if (international) {
      if (!hasCallingCode(international)) return undefined;
      const number = fromParsed(parsePhoneNumberFromString(international));
      return number ? { number, own: true, hinted: false, region: undefined } : undefined;
    }
    if (!compact.startsWith('0')) return undefined;
    for (const region of scanRegions) {
      const number = nationalIn(compact, digits, region);
      if (number) return { number, own: true, hinted: false, region };
    }
    return undefined;
  }
  function askElsewhere(raw: string, hinted: readonly CountryCode[]): Reading | undefined {
    const { compact, international, digits } = parts(raw);
    if (international || !compact.startsWith('0')) return undefined;
    for (const region of [...hinted, ...NEIGHBOUR_REGIONS]) {
      if (scanRegions.includes(region)) continue;
      const number = nationalIn(compact, digits, region);
      if (number) {
        const own = hinted.includes(region);
        return { number, own, hinted: own, region };
      }
    }
    return undefined;
  }
  function remember(map: Map<string, Reading | null>, key: string, reading: Reading | undefined): Reading | undefined {
    if (map.size >= REMEMBERED_MAX) map.clear();
    map.set(key, reading ?? null);
    if (reading) rememberCallingCode(reading.number.e164, `+${reading.number.callingCode}`);
    return reading;
  }
  const reader = (raw: string, hints?: ItemHints) => {
    if (!plausibleLength(raw)) return undefined;
    let own = read.get(raw);
    if (own === undefined) own = remember(read, raw, askOwn(raw)) ?? null;
    if (own) return own;
    // International numbers and non-0 runs have no other reading: only national ones go on.
    const first = raw.charCodeAt(0);
    if (first === 43 /* + */ || raw.startsWith('00')) return undefined;
    const hinted = (hints?.regions ?? []) as readonly CountryCode[];
    const key = hinted.length > 0 ? `${raw}\0${hinted.join(',')}` : raw;
    const known = readElsewhere.get(key);
    if (known !== undefined) return known ?? undefined;
    return remember(readElsewhere, key, askElsewhere(raw, hinted));
  };
  reader.startText = () => {
    if (read.size > 0) read.clear();
    if (readElsewhere.size > 0) readElsewhere.clear();
    if (callingCodeOf.size > 0) callingCodeOf.clear();
  };
  return reader;
}

/** Upper-case ISO 3166 codes libphonenumber knows; anything else is refused with the code named. */
export function phoneRegionsOf(codes: readonly string[]): CountryCode[] {
  return codes.map((c) => {
    const code = c.trim().toUpperCase();
    if (!isSupportedCountry(code)) throw new Error(`"${c}" is not a country code with a known numbering plan (for example NL, BE, DE)`);
    return code as CountryCode;
  });
}

/** The phone detector for a scan whose numbers without a country code belong to `regions` (first one first). */
export function createPhoneDetector(regions: readonly CountryCode[] = [DEFAULT_COUNTRY]): Detector {
  const read = readerFor(regions);
  return {
    ...phoneDetector,
    find: (text: string, hints?: ItemHints) => findPhones(text, read, hints),
    normalize: (raw, hints) => read(raw, hints)?.number.e164 ?? '',
  };
}

function findPhones(text: string, read: Reader, hints?: ItemHints): Candidate[] {
  const found: Candidate[] = [];
  read.startText();
  let from = 0;
  for (;;) {
    CANDIDATE.lastIndex = from;
    const m = CANDIDATE.exec(text);
    if (m === null) break;
    from = CANDIDATE.lastIndex;
    // A date and what follows it were read as one run: read on after the date, so a number that
    // follows a date is seen on its own, and the date is never parsed as part of a phone number.
    const c1 = m[0].charCodeAt(1);
    const c2 = m[0].charCodeAt(2);
    if (c1 === 45 || c1 === 46 || c1 === 47 || c2 === 45 || c2 === 46 || c2 === 47) {
      const date = DATE_FIRST.exec(m[0]);
      if (date) {
        from = m.index + date[0].length;
        continue;
      }
    }
    // Too few or too many digits for any plan, as the reader would say: most numbers in text are short.
    if (!plausibleLength(m[0])) continue;
    const raw = TRAILING_SEPARATORS.test(m[0]) ? m[0].replace(TRAILING_SEPARATORS, '') : m[0];
    // 09.09.1987 parses as a Dutch number, but it is written as a date: leave it to date-of-birth.
    if (DATE_SHAPE.test(raw)) continue;
    const parsed = read(raw, hints);
    if (!parsed) continue;
    const start = m.index;
    const international = raw.startsWith('+') || raw.startsWith('00');
    const pattern = international ? 'international' : !parsed.own ? 'national-neighbour' : parsed.hinted ? 'national-item-region' : 'national';
    found.push({
      start,
      end: start + raw.length,
      score: parsed.own ? OWN_SCORE : NEIGHBOUR_SCORE,
      pattern,
      // Read only in a neighbour's plan: full score if the item turns out to be about that country.
      ...(parsed.own || !parsed.region ? {} : { inRegion: { region: parsed.region, score: OWN_SCORE } }),
    });
  }
  return found;
}

const readDefault = readerFor([DEFAULT_COUNTRY]);

export const phoneDetector = {
  id: 'phone',
  category: 'contact',
  description: 'Telephone numbers: Dutch without country code, any country with +CC or 00CC; validated per numbering plan.',
  // Eight digits at least, in all: a number with fewer fits no plan (plausibleLength).
  requires: /(?:\d\D*){8}/,
  regional: true,
  find: (text: string, hints?: ItemHints) => findPhones(text, readDefault, hints),
  context: {
    nl: ['tel', 'tel.', 'telefoon', 'telefoonnummer', 'mobiel', 'mob', 'gsm', 'bel', 'bellen', 'nummer', 'fax', 't'],
    en: ['phone', 'telephone', 'tel', 'mobile', 'cell', 'call', 'fax', 'whatsapp'],
    de: ['telefon', 'tel', 'handy', 'mobil', 'rufnummer', 'fax'],
    fr: ['téléphone', 'tél', 'portable', 'mobile', 'fax'],
  },
  negativeContext: {
    nl: ['order', 'ordernummer', 'factuur', 'factuurnummer', 'kenmerk', 'referentie', 'klantnummer', 'artikel', 'versie'],
    // National-number labels: `CPR-nummer 010341-5326` is a Danish CPR number, not a Rotterdam line.
    en: ['order', 'invoice', 'tracking', 'reference', 'ref', 'isbn', 'serial', 'version', 'sku', 'bsn', 'cpr', 'pesel', 'personnummer', 'ssn', 'nhs', 'nino'],
    de: ['bestellung', 'bestellnummer', 'rechnung', 'rechnungsnummer', 'sendungsnummer', 'kundennummer', 'artikelnummer', 'auftragsnummer'],
    fr: ['commande', 'facture', 'suivi'],
  },
  normalize: (raw, hints) => readDefault(raw, hints)?.number.e164 ?? '',
  mask(e164) {
    const cc = callingCode(e164);
    return `${cc} ${maskKeepLast(e164.slice(cc.length), 2)}`.trim();
  },
  examples: {
    valid: [
      'Bel 06-12345678 na vijven',
      'Telefoon: 020 123 4567',
      'tel. +31 6 1234 5678',
      'mobiel 06 23 45 67 89',
      '+31 (0)20 765 4321',
      'Phone: +44 20 7946 0958',
      'Tel +32 2 555 12 34',
      'Telefon 0049 30 12345678',
      'fax 010-4567890',
      'Contact: 0612345678',
      'Tel.: 02 555 12 34', // Belgian, without country code, under its label
      'Telefon: 030 12345678', // German, without country code, under its label
      // No label, but the item shows its country (region-hints.ts): a Belgian IBAN, postcode and city, domain.
      'Betaling op BE68 5390 0754 7034, contact 02 555 12 34',
      '1000 Brussel, 02 555 12 34',
      'Mail jan@firma.be of 0470 12 34 56',
      'Sehr geehrte Frau Müller, wir haben Ihre Anfrage erhalten und rufen Sie unter 030 12345678 an.',
    ],
    invalid: [
      'BSN 123456782',
      'Ordernummer 20230512',
      'Tracking 1Z999AA10123456784',
      'versie 10.0.19045.2965',
      'Datum 12-05-2023',
      'Prijs 1.234.567,00',
      'IBAN NL91ABNA0417164300',
      'postcode 1234 AB',
      'Kenmerk 123 456 789 012',
      '06-123',
      'Geboren 09.09.1987',
      'Artikel 02 555 12 34', // a Belgian-shaped number without a phone label
      'Bestellnummer 030 12345678', // a German-shaped number without a phone label
      '02 555 12 34', // Belgian-shaped, no label and nothing in the item that says Belgium
      '030 12345678', // German-shaped, the same
      'Rekening NL91 ABNA 0417 1643 00, contact 02 555 12 34', // the item shows a Dutch IBAN: no reason to read it as Belgian
      'BE68 5390 0754 7034 artikel 02 555 12 34', // Belgian item, but the label says article number
      'Wir haben Ihre Bestellnummer 030 12345678 und die Rechnung erhalten.', // German text, order number
    ],
  },
} satisfies Detector;
