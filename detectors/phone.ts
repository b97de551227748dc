/**
 * Telephone numbers, validated with libphonenumber-js (full metadata). Dutch numbers are taken
 * without a country code (`06-12345678`, `020 123 4567`); others need one (`+32 2 123 45 67`,
 * `0049 30 1234567`). A digit run that does not start with 0, + or 00 is never a phone number
 * here: that keeps order numbers and BSNs out.
 *
 * Numbers without a country code are read in the scan's phone regions (`--phone-region`, config
 * `phoneRegions`; default NL) at full score. A national number that only another neighbouring
 * region's plan accepts (a Belgian `02 555 12 34`, a German `030 12345678` in a Dutch scan) scores
 * under the threshold, so only a phone label beside it (`Tel.`, `Telefon`, a phone column) reports
 * it: an unlabelled digit run never becomes valid by guessing a region for it.
 *
 * Speed: libphonenumber is the cost of this detector. It is asked only about candidates it can
 * accept (8 to 15 digits, a known calling code, a plan's national length), since a rejection
 * inside it builds an error with a stack trace; and each answer is remembered (a bounded map), so
 * the find, the engine's normalise and the mask of one number cost one parse.
 */
import { type CountryCode, isSupportedCountry, Metadata, type PhoneNumber, parsePhoneNumberFromString } from 'libphonenumber-js/max';
import { maskKeepLast } from './mask.js';
import type { Candidate, Detector } from './types.js';

const DEFAULT_COUNTRY: CountryCode = 'NL';
/** Regions tried, after the scan's own, for a national number under a phone label. */
const NEIGHBOUR_REGIONS: readonly CountryCode[] = ['NL', 'BE', 'DE'];
/** National number lengths (digits, with the leading 0) a region's plan can hold: no parse for the others. */
const NATIONAL_SHAPE: Partial<Record<CountryCode, RegExp>> = { BE: /^0(?:4\d{8}|[1-9]\d{7})$/, DE: /^0[1-9]\d{8,11}$/ };
const DATE_SHAPE = /^\d{1,2}([-./])\d{1,2}\1(?:19|20)\d{2}$/;
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

/** A number as read, and whether it was read in one of the scan's regions (or with its country code) rather than a neighbour's plan. */
interface Reading {
  number: PhoneNumber;
  own: boolean;
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

/**
 * The reader of candidates for one set of regions. A candidate is read when it is found and again
 * when the engine normalises it: answers are remembered by the candidate's text, for the text
 * being scanned only (the engine normalises and masks a window's candidates before it looks at
 * the next window), so the memory stays small and short-lived. Candidates rejected before
 * libphonenumber is asked are not remembered.
 */
interface Reader {
  (raw: string): Reading | undefined;
  /** Forgets the readings of the previous text. */
  startText(): void;
}
function readerFor(regions: readonly CountryCode[]): Reader {
  const tried = [...regions, ...NEIGHBOUR_REGIONS.filter((r) => !regions.includes(r))];
  const read = new Map<string, Reading | null>();
  function ask(raw: string): Reading | undefined {
    const digits = raw.replace(/\D/g, '');
    const compact = raw.replace(/\(0\)/, '').replace(/[^\d+]/g, '');
    const international = compact.startsWith('+') ? compact : compact.startsWith('00') ? `+${compact.slice(2)}` : undefined;
    if (international) {
      if (!hasCallingCode(international)) return undefined;
      const number = parsePhoneNumberFromString(international);
      return number?.isValid() ? { number, own: true } : undefined;
    }
    if (!compact.startsWith('0')) return undefined;
    for (let i = 0; i < tried.length; i++) {
      const region = tried[i] as CountryCode;
      // Dutch numbers have ten digits, except 0800/090x service numbers: skip the parser for dates and amounts.
      if (region === 'NL' && digits.length !== 10 && !DUTCH_SERVICE.test(digits)) continue;
      if (NATIONAL_SHAPE[region]?.test(digits) === false) continue;
      const number = parsePhoneNumberFromString(compact, region);
      if (number?.isValid()) return { number, own: i < regions.length };
    }
    return undefined;
  }
  const reader = (raw: string) => {
    const n = digitCount(raw);
    if (n < 8 || n > 15) return undefined;
    const known = read.get(raw);
    if (known !== undefined) return known ?? undefined;
    const reading = ask(raw);
    if (read.size >= REMEMBERED_MAX) read.clear();
    read.set(raw, reading ?? null);
    if (reading) rememberCallingCode(reading.number.number, `+${reading.number.countryCallingCode}`);
    return reading;
  };
  reader.startText = () => {
    if (read.size > 0) read.clear();
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
    find: (text: string) => findPhones(text, read),
    normalize: (raw) => read(raw)?.number.number ?? '',
  };
}

function findPhones(text: string, read: Reader): Candidate[] {
  const found: Candidate[] = [];
  read.startText();
  let from = 0;
  for (;;) {
    CANDIDATE.lastIndex = from;
    const m = CANDIDATE.exec(text);
    if (m === null) break;
    from = CANDIDATE.lastIndex;
    const raw = TRAILING_SEPARATORS.test(m[0]) ? m[0].replace(TRAILING_SEPARATORS, '') : m[0];
    // 09.09.1987 parses as a Dutch number, but it is written as a date: leave it to date-of-birth.
    if (DATE_SHAPE.test(raw)) continue;
    const parsed = read(raw);
    if (!parsed) continue;
    const start = m.index;
    const international = raw.startsWith('+') || raw.startsWith('00');
    found.push({
      start,
      end: start + raw.length,
      score: parsed.own ? 0.6 : 0.4,
      pattern: international ? 'international' : parsed.own ? 'national' : 'national-neighbour',
    });
  }
  return found;
}

const readDefault = readerFor([DEFAULT_COUNTRY]);

export const phoneDetector = {
  id: 'phone',
  category: 'contact',
  description: 'Telephone numbers: Dutch without country code, any country with +CC or 00CC; validated per numbering plan.',
  requires: /\d{2}/,
  find: (text: string) => findPhones(text, readDefault),
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
    de: ['bestellung', 'rechnung', 'sendungsnummer'],
    fr: ['commande', 'facture', 'suivi'],
  },
  normalize: (raw) => readDefault(raw)?.number.number ?? '',
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
    ],
  },
} satisfies Detector;
