/**
 * Belgian national register number (rijksregisternummer / numéro de registre national, INSZ/NISS),
 * Wet van 8 augustus 1983 tot regeling van een Rijksregister van de natuurlijke personen.
 * Format YY.MM.DD-SSS.CC: birth date (month +20 or +40 for "bis" numbers, 00 when unknown), a
 * serial (odd for men, even for women) and two check digits: 97 − (first nine digits mod 97).
 * For births from 2000 the check is computed over `2` followed by the nine digits.
 * The dotted print form (`85.07.30-033.28`, on the eID card) is distinctive enough on its own, and
 * so are its usual variants (`85.07.30 033-28`, `85 07 30 033 28`, `850730-033-28`): a birth date
 * shape, a serial and a check pair that one random run in about 230 passes. Eleven bare digits
 * pass as often, so they need a word nearby or a column headed or typed as such (records.ts).
 */
import { maskKeepLast } from './mask.js';
import { bounded, NUMBER_NEGATIVE, onlyDigits } from './shared.js';
import type { Detector } from './types.js';
import { mod97 } from './validators.js';

/** Whether the two check digits fit the first nine, for a birth in the 1900s or from 2000. */
export function beNationalNumberValid(digits: string): boolean {
  if (!/^\d{11}$/.test(digits)) return false;
  const month = Number(digits.slice(2, 4)) % 20;
  const day = Number(digits.slice(4, 6));
  if (month > 12 || day > 31) return false;
  const serial = Number(digits.slice(6, 9));
  if (serial === 0 || serial === 999) return false;
  const check = Number(digits.slice(9));
  const first = digits.slice(0, 9);
  return 97 - mod97(first) === check || 97 - mod97(`2${first}`) === check;
}

export const beNationalNumberDetector = {
  id: 'be-national-number',
  category: 'national-id',
  country: 'BE',
  description: 'Belgian national register number (INSZ/NISS): birth date, serial, mod-97 check incl. the 2000+ rule.',
  requires: /\d\d/,
  patterns: [
    { name: 'dotted', regex: bounded('\\d{2}\\.\\d{2}\\.\\d{2}-\\d{3}\\.\\d{2}'), score: 0.75 },
    // The dotted form written by hand: other separators between the date parts and the serial.
    { name: 'dotted-variant', regex: bounded('\\d{2}([. ])\\d{2}\\1\\d{2}[ .-]\\d{3}[ .-]\\d{2}'), score: 0.6 },
    { name: 'grouped', regex: bounded('\\d{6}[ -]\\d{3}[ -]?\\d{2}'), score: 0.5 },
    { name: 'plain', regex: bounded('\\d{11}'), score: 0.4 },
  ],
  checksum: true,
  context: {
    nl: ['rijksregisternummer', 'rijksregister', 'rijksregisternr', 'insz', 'insz-nummer', 'nationaal nummer', 'identificatienummer'],
    fr: ['numéro national', 'registre national', 'numéro de registre national', 'niss', 'numéro niss'],
    de: ['nationalregisternummer', 'nationalnummer'],
    en: ['national number', 'national register number', 'belgian id number'],
  },
  negativeContext: NUMBER_NEGATIVE,
  normalize: onlyDigits,
  validate: beNationalNumberValid,
  mask: (v) => maskKeepLast(v, 2),
  examples: {
    valid: [
      'Rijksregisternummer: 80.07.26-697.58',
      'INSZ 92.09.15-152.35',
      'numéro national 43.03.09-995.47',
      '89.09.11-256.85 (rijksregister)',
      'NISS: 47112483888',
      'rijksregisternr. 710424 046 74',
      'Identificatienummer 93.12.23-115.68',
      'registre national: 63080226980',
      'Nationalregisternummer 75.10.08-516.16',
      'geboren 2001: 01.06.26-140.45 rijksregister',
      // Without a word: the print form and its hand-written variants.
      'Dossier van 85.07.30-033.28, geopend in maart.',
      'Gegevens: 80.07.26 697-58 (zie bijlage)',
      'M. Dupont, 92 09 15 152 35, Liège',
      '850730-033-28 werd gecontroleerd',
    ],
    invalid: [
      '80.07.26-697.59',
      'rijksregisternummer 80072669757',
      'Ordernummer 92.09.15-152.35',
      'INSZ 92.09.15-152.3',
      'rijksregister 43.13.09-995.47',
      '80072669758',
      'factuur 89091125685',
      'INSZ 47.11.24-838.8',
      'rijksregisternummer 00.00.00-000.97',
      'telefoon 02 555 12 34',
      // Bare eleven digits that pass the check, without a word; a variant failing it; an order label.
      'Dossier 85073003328 geopend',
      'Gegevens: 80.07.26 697-59 (zie bijlage)',
      'Bestelnummer 92 09 15 152 35',
      'versie 10.20.30.400.50',
    ],
  },
} satisfies Detector;
