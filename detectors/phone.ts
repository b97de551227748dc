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
 */
import { type CountryCode, isSupportedCountry, parsePhoneNumberFromString } from 'libphonenumber-js/max';
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
const CANDIDATE = /(?<![\p{L}\p{N}+\-/.])(?:\+|00)?(?:\(0\)\s?)?\(?\d{1,5}\)?(?:[ \-./]{1,2}\(?\d{1,6}\)?|\d){1,14}(?![\p{L}\p{N}]|[.\-/]\d)/gu;

function parse(raw: string, regions: readonly CountryCode[] = [DEFAULT_COUNTRY], hints?: ItemHints) {
  return parseIn(raw, regions, hints)?.number.number;
}

/**
 * The number, the region it was read in, and whether it counts as the scan's or the item's (or
 * had its country code), else only a neighbour's plan accepts it. The scan's regions come first:
 * a number both plans accept (`0475 12 34 56` is a Roermond line and a Belgian mobile) keeps the
 * reading, and so the hash, it has everywhere else in the scan. The item's regions are asked for
 * only when the scan's do not accept the number: reading them can cost a pass over the text.
 */
function parseIn(raw: string, scanRegions: readonly CountryCode[], hints?: ItemHints) {
  const digits = raw.replace(/\D/g, '');
  if (digits.length < 8 || digits.length > 15) return undefined;
  const compact = raw.replace(/\(0\)/, '').replace(/[^\d+]/g, '');
  const international = compact.startsWith('+') ? compact : compact.startsWith('00') ? `+${compact.slice(2)}` : undefined;
  if (international) {
    const number = parsePhoneNumberFromString(international);
    return number?.isValid() ? { number, own: true, hinted: false, region: undefined } : undefined;
  }
  if (!compact.startsWith('0')) return undefined;
  for (const region of scanRegions) {
    const number = nationalIn(compact, digits, region);
    if (number) return { number, own: true, hinted: false, region };
  }
  const hinted = (hints?.regions ?? []) as readonly CountryCode[];
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

/** The number read in one region's plan, if that plan can hold its length and accepts it. */
function nationalIn(compact: string, digits: string, region: CountryCode) {
  // Dutch numbers have ten digits, except 0800/090x service numbers: skip the parser for dates and amounts.
  if (region === 'NL' && digits.length !== 10 && !/^0(800|90[069])/.test(digits)) return undefined;
  if (NATIONAL_SHAPE[region]?.test(digits) === false) return undefined;
  const number = parsePhoneNumberFromString(compact, region);
  return number?.isValid() ? number : undefined;
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
  return {
    ...phoneDetector,
    *find(text: string, hints?: ItemHints): Iterable<Candidate> {
      yield* findPhones(text, regions, hints);
    },
    normalize: (raw, hints) => parse(raw, regions, hints) ?? '',
  };
}

function* findPhones(text: string, scanRegions: readonly CountryCode[], hints?: ItemHints): Iterable<Candidate> {
  const re = new RegExp(CANDIDATE.source, CANDIDATE.flags);
  for (let m = re.exec(text); m !== null; m = re.exec(text)) {
    const raw = m[0].replace(/[\s\-./]+$/, '');
    // 09.09.1987 parses as a Dutch number, but it is written as a date: leave it to date-of-birth.
    if (DATE_SHAPE.test(raw)) continue;
    const parsed = parseIn(raw, scanRegions, hints);
    if (!parsed) continue;
    const start = m.index;
    const international = raw.startsWith('+') || raw.startsWith('00');
    const pattern = international ? 'international' : !parsed.own ? 'national-neighbour' : parsed.hinted ? 'national-item-region' : 'national';
    yield {
      start,
      end: start + raw.length,
      score: parsed.own ? OWN_SCORE : NEIGHBOUR_SCORE,
      pattern,
      // Read only in a neighbour's plan: full score if the item turns out to be about that country.
      ...(parsed.own || !parsed.region ? {} : { inRegion: { region: parsed.region, score: OWN_SCORE } }),
    };
  }
}

export const phoneDetector = {
  id: 'phone',
  category: 'contact',
  description: 'Telephone numbers: Dutch without country code, any country with +CC or 00CC; validated per numbering plan.',
  requires: /\d{2}/,
  regional: true,
  find: (text: string, hints?: ItemHints) => findPhones(text, [DEFAULT_COUNTRY], hints),
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
  normalize: (raw, hints) => parse(raw, [DEFAULT_COUNTRY], hints) ?? '',
  mask(e164) {
    const number = parsePhoneNumberFromString(e164);
    const cc = number ? `+${number.countryCallingCode}` : '';
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
