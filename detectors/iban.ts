/**
 * International Bank Account Numbers of every country ibantools knows (all SEPA countries and
 * more), compact or printed in groups of four, checked with the ISO 13616 mod-97 check digits
 * and the country's length and BBAN format.
 */
import { countrySpecs, isValidIBAN } from 'ibantools';
import { groupsOfFour } from './mask.js';
import type { Candidate, Detector } from './types.js';

const START = /(?<![\p{L}\p{N}])[A-Za-z]{2}\d{2}/gu;
const ALNUM = /[A-Za-z0-9]/;

/** Reads exactly the country's IBAN length of letters and digits, allowing single spaces between groups. */
function* findIbans(text: string): Iterable<Candidate> {
  for (const m of text.matchAll(START)) {
    const start = m.index ?? 0;
    const spec = countrySpecs[m[0].slice(0, 2).toUpperCase()];
    const length = spec?.chars;
    if (!length) continue;
    let got = 0;
    let i = start;
    let spaced = false;
    while (i < text.length && got < length) {
      const ch = text[i] as string;
      if (ALNUM.test(ch)) {
        got++;
        i++;
      } else if (ch === ' ' && got > 0 && got % 4 === 0 && ALNUM.test(text[i + 1] ?? '')) {
        spaced = true;
        i++;
      } else break;
    }
    if (got !== length || /[\p{L}\p{N}]/u.test(text[i] ?? '')) continue;
    yield { start, end: i, score: 0.9, pattern: spaced ? 'grouped' : 'compact' };
  }
}

export const ibanDetector = {
  id: 'iban',
  category: 'financial',
  description: 'IBANs of all countries in the IBAN registry; length, BBAN format and mod-97 check digits verified.',
  requires: /[A-Za-z]{2}\d{2}/,
  find: findIbans,
  checksum: true,
  context: {
    nl: ['iban', 'rekeningnummer', 'rekening', 'bankrekening', 'rekeningnr', 'bank'],
    en: ['iban', 'account', 'bank account', 'account number'],
    de: ['iban', 'konto', 'kontonummer', 'bankverbindung'],
    fr: ['iban', 'compte', 'numéro de compte', 'rib'],
  },
  normalize: (raw) => raw.replace(/\s/g, '').toUpperCase(),
  validate: (iban) => isValidIBAN(iban),
  mask(iban) {
    const grouped = groupsOfFour(iban);
    let seen = 0;
    const total = iban.length;
    return grouped.replace(/[A-Z0-9]/g, (ch) => {
      seen++;
      return seen <= 2 || seen > total - 4 ? ch : '*';
    });
  },
  examples: {
    valid: [
      'IBAN: NL91ABNA0417164300',
      'rekening NL91 ABNA 0417 1643 00 t.n.v. J. Jansen',
      'NL44RABO0123456789',
      'Bankverbindung DE89 3704 0044 0532 0130 00',
      'BE68539007547034',
      'compte FR14 2004 1010 0505 0001 3M02 606',
      'GB29NWBK60161331926819',
      'iban nl20ingb0001234567',
      'ES9121000418450200051332 (Spanje)',
      'IT60X0542811101000000123456',
    ],
    invalid: [
      'NL91ABNA0417164301',
      'NL91 ABNA 0417 1643',
      'XX91ABNA0417164300',
      'NL91ABNA04171643001',
      'DE89370400440532013001',
      'order NL12345',
      'BE68539007547035',
      'GB29NWBK6016133192681',
      'NL9IABNA0417164300',
      'ABNL91ABNA0417164300',
    ],
  },
} satisfies Detector;
