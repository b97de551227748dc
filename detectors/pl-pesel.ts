/**
 * Polish PESEL number (Powszechny Elektroniczny System Ewidencji Ludności), Ustawa o ewidencji
 * ludności 2010. Eleven digits: YYMMDD with the century coded in the month (+80 1800s, +0
 * 1900s, +20 2000s, +40 2100s, +60 2200s), a serial (its last digit odd for men) and a check
 * digit: weights 1 3 7 9 1 3 7 9 1 3, (10 − sum mod 10) mod 10. Eleven bare digits are common,
 * so the detector only runs where a PESEL word is present.
 */
import { maskKeepLast } from './mask.js';
import { bounded, keywordsOf, NUMBER_NEGATIVE, onlyDigits } from './shared.js';
import type { ContextWords, Detector } from './types.js';
import { isDate, weightedSum } from './validators.js';

const CENTURY: Record<number, number> = { 0: 1900, 1: 2000, 2: 2100, 3: 2200, 4: 1800 };

export function peselValid(v: string): boolean {
  if (!/^\d{11}$/.test(v)) return false;
  const coded = Number(v.slice(2, 4));
  const century = CENTURY[Math.floor(coded / 20)] as number;
  if (!isDate(century + Number(v.slice(0, 2)), coded % 20, Number(v.slice(4, 6)))) return false;
  return (10 - (weightedSum(v, [1, 3, 7, 9, 1, 3, 7, 9, 1, 3]) % 10)) % 10 === Number(v[10]);
}

const context: ContextWords = {
  en: ['pesel', 'polish national id', 'polish id number'],
  nl: ['pesel', 'pools identiteitsnummer'],
  de: ['pesel', 'polnische identifikationsnummer'],
  fr: ['pesel', "numéro d'identification polonais"],
};

export const plPeselDetector = {
  id: 'pl-pesel',
  category: 'national-id',
  country: 'PL',
  description: 'Polish PESEL: birth date with century code, weighted mod-10 check digit; needs a PESEL word nearby.',
  keywords: [...keywordsOf(context), 'numer pesel', 'nr pesel'],
  patterns: [{ name: 'plain', regex: bounded('\\d{11}'), score: 0.45 }],
  checksum: true,
  context,
  negativeContext: NUMBER_NEGATIVE,
  normalize: onlyDigits,
  validate: peselValid,
  invalidate: (v) => v === '00000000000',
  mask: (v) => maskKeepLast(v, 2),
  examples: {
    valid: [
      'PESEL: 60111087503',
      'numer PESEL 66080427043',
      'PESEL 82032012552',
      'nr PESEL: 41111372826',
      'Pesel 62072339224 (pracownik)',
      'PESEL=87011033768',
      'Polish national ID 44102391479',
      'PESEL 09282562048',
      'PESEL: 67010553069.',
      'pesel 61042721467',
    ],
    invalid: [
      'PESEL: 60111087504',
      '60111087503',
      'PESEL 6011108750',
      'PESEL 601110875031',
      'PESEL 60131087503',
      'zamówienie order 66080427043 PESEL',
      'PESEL 60113287503',
      'PESEL 00000000000',
      'PESEL 82032012553',
      'PESEL: 4111137282',
    ],
  },
} satisfies Detector;
