/**
 * Swedish personal identity number (personnummer), Folkbokföringslag 1991:481. YYMMDD-NNNC (or
 * YYYYMMDD-NNNC; `+` instead of `-` from age 100): birth date (day + 60 for a
 * samordningsnummer), a serial and a Luhn check digit over the ten digits YYMMDDNNNC. One
 * number in ten passes Luhn and the shape is shared with Danish and Finnish numbers, so the
 * detector only runs where a personnummer word is present.
 */
import { maskKeepLast } from './mask.js';
import { bounded, keywordsOf, NUMBER_NEGATIVE, onlyDigits } from './shared.js';
import type { ContextWords, Detector } from './types.js';
import { isDate, luhn } from './validators.js';

export function personnummerValid(v: string): boolean {
  if (!/^(?:\d{2})?\d{10}$/.test(v)) return false;
  const ten = v.slice(-10);
  const day = Number(ten.slice(4, 6));
  if (!isDate(2000 + Number(ten.slice(0, 2)), Number(ten.slice(2, 4)), day > 60 ? day - 60 : day)) return false;
  return luhn(ten);
}

const context: ContextWords = {
  en: ['personnummer', 'swedish personal identity number', 'personal identity number', 'swedish id'],
  nl: ['personnummer', 'zweeds persoonsnummer'],
  de: ['personnummer', 'schwedische personennummer'],
  fr: ['personnummer', "numéro d'identité suédois"],
};

export const sePersonnummerDetector = {
  id: 'se-personnummer',
  category: 'national-id',
  country: 'SE',
  description: 'Swedish personnummer: birth date and Luhn check digit; needs a personnummer word nearby.',
  keywords: [...keywordsOf(context), 'personnr', 'samordningsnummer'],
  patterns: [
    { name: 'dashed', regex: bounded('(?:19|20)?\\d{6}[-+]\\d{4}'), score: 0.45 },
    { name: 'plain', regex: bounded('(?:19|20)?\\d{10}'), score: 0.4 },
  ],
  checksum: true,
  context: { ...context, en: [...(context.en ?? []), 'personnr', 'samordningsnummer'] },
  negativeContext: NUMBER_NEGATIVE,
  normalize: onlyDigits,
  validate: personnummerValid,
  mask: (v) => maskKeepLast(v, 2),
  examples: {
    valid: [
      'Personnummer: 710318-1959',
      'personnummer 001219-8081',
      'Personnr 630320-9008',
      'personnummer 19680615-3745',
      'Personnummer 9502017784',
      'samordningsnummer 590869-0125',
      'personnummer: 740504-2495',
      'Swedish personal identity number 010622-5154',
      'personnummer 500822+1920',
      'Personnummer 200106225154',
    ],
    invalid: [
      'Personnummer: 710318-1958',
      '710318-1959',
      'personnummer 711318-1959',
      'personnummer 71031-1959',
      'personnummer 710318-19590',
      'order 710318-1959 personnummer',
      'personnummer 630332-9008',
      'Personnr 6303209007',
      'personnummer 19680615-3746',
      'personnummer 680615 3745',
    ],
  },
} satisfies Detector;
