/**
 * Telephone numbers, validated with libphonenumber-js (full metadata). Dutch numbers are taken
 * without a country code (`06-12345678`, `020 123 4567`); others need one (`+32 2 123 45 67`,
 * `0049 30 1234567`). A digit run that does not start with 0, + or 00 is never a phone number
 * here: that keeps order numbers and BSNs out.
 */
import { type CountryCode, Metadata, type PhoneNumber, parsePhoneNumberFromString } from 'libphonenumber-js/max';
import { maskKeepLast } from './mask.js';
import type { Candidate, Detector } from './types.js';

const DEFAULT_COUNTRY: CountryCode = 'NL';
const DATE_SHAPE = /^\d{1,2}([-./])\d{1,2}\1(?:19|20)\d{2}$/;
const CANDIDATE = /(?<![\p{L}\p{N}+\-/.])(?:\+|00)?(?:\(0\)\s?)?\(?\d{1,5}\)?(?:[ \-./]{1,2}\(?\d{1,6}\)?|\d){1,14}(?![\p{L}\p{N}]|[.\-/]\d)/gu;

/** The country calling codes of the numbering plans (1 to 3 digits); undefined if this libphonenumber does not list them. */
const CALLING_CODES: ReadonlySet<string> | undefined = (() => {
  const metadata = new Metadata() as unknown as { countryCallingCodes?: () => Record<string, unknown> };
  return typeof metadata.countryCallingCodes === 'function' ? new Set(Object.keys(metadata.countryCallingCodes())) : undefined;
})();

/**
 * Whether libphonenumber can read `+digits` at all: it takes the first 1, 2 or 3 digits that are
 * a calling code and fails (by throwing, which costs a stack trace) when none is.
 */
function hasCallingCode(international: string): boolean {
  if (!CALLING_CODES) return true;
  if (international[1] === '0') return false;
  for (let n = 1; n <= 3; n++) if (CALLING_CODES.has(international.slice(1, 1 + n))) return true;
  return false;
}

/** The compact form libphonenumber is asked about, or undefined when the candidate is rejected without asking. */
function askable(raw: string): string | undefined {
  const digits = raw.replace(/\D/g, '');
  if (digits.length < 8 || digits.length > 15) return undefined;
  const compact = raw.replace(/\(0\)/, '').replace(/[^\d+]/g, '');
  const international = compact.startsWith('+') ? compact : compact.startsWith('00') ? `+${compact.slice(2)}` : undefined;
  if (!international && !compact.startsWith('0')) return undefined;
  // Dutch numbers have ten digits, except 0800/090x service numbers: skip the parser for dates and amounts.
  if (!international && digits.length !== 10 && !/^0(800|90[069])/.test(digits)) return undefined;
  if (international && !hasCallingCode(international)) return undefined;
  return international ?? compact;
}

/**
 * A candidate is parsed when it is found, again when the engine normalises it, and its E.164 form
 * once more for the mask: what libphonenumber says is remembered (a bounded map, emptied when
 * full) so each number costs one parse. Candidates rejected before the parser are not remembered.
 */
const parsed = new Map<string, PhoneNumber | null>();
const PARSED_MAX = 4096;
function parse(raw: string): PhoneNumber | undefined {
  const input = askable(raw);
  if (input === undefined) return undefined;
  const known = parsed.get(input);
  if (known !== undefined) return known ?? undefined;
  const candidate = parsePhoneNumberFromString(input, DEFAULT_COUNTRY);
  const number = candidate?.isValid() ? candidate : undefined;
  if (parsed.size >= PARSED_MAX) parsed.clear();
  parsed.set(input, number ?? null);
  // Its E.164 form reads back with the same calling code: the mask need not parse it again.
  if (number) rememberCallingCode(number.number, `+${number.countryCallingCode}`);
  return number;
}

/** The calling code of an E.164 number the detector produced (`+31…`), as libphonenumber reads it. */
const callingCodeOf = new Map<string, string>();
function callingCode(e164: string): string {
  let cc = callingCodeOf.get(e164);
  if (cc === undefined) {
    const number = parsePhoneNumberFromString(e164);
    cc = number ? `+${number.countryCallingCode}` : '';
    rememberCallingCode(e164, cc);
  }
  return cc;
}
function rememberCallingCode(e164: string, cc: string): void {
  if (callingCodeOf.size >= PARSED_MAX) callingCodeOf.clear();
  callingCodeOf.set(e164, cc);
}

export const phoneDetector = {
  id: 'phone',
  category: 'contact',
  description: 'Telephone numbers: Dutch without country code, any country with +CC or 00CC; validated per numbering plan.',
  requires: /\d{2}/,
  *find(text: string): Iterable<Candidate> {
    CANDIDATE.lastIndex = 0;
    for (let m = CANDIDATE.exec(text); m !== null; m = CANDIDATE.exec(text)) {
      const raw = m[0].replace(/[\s\-./]+$/, '');
      // 09.09.1987 parses as a Dutch number, but it is written as a date: leave it to date-of-birth.
      if (DATE_SHAPE.test(raw) || !parse(raw)) continue;
      const start = m.index;
      yield { start, end: start + raw.length, score: 0.6, pattern: raw.startsWith('+') || raw.startsWith('00') ? 'international' : 'national' };
    }
  },
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
  normalize: (raw) => parse(raw)?.number ?? '',
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
    ],
  },
} satisfies Detector;
