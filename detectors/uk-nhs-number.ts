/**
 * NHS number (England, Wales, Isle of Man), NHS Act 2006. Ten digits, usually printed 3-3-4; the
 * tenth is a mod-11 check digit: weights 10..2 on the first nine, 11 − (sum mod 11), 11 → 0,
 * 10 is never issued. One random number in eleven passes, and the 3-3-4 print form is also a
 * Dutch phone number, so the detector only runs where an NHS word is present.
 */
import { maskKeepLast } from './mask.js';
import { bounded, keywordsOf, NUMBER_NEGATIVE, onlyDigits } from './shared.js';
import type { ContextWords, Detector } from './types.js';
import { weightedSum } from './validators.js';

export function nhsValid(v: string): boolean {
  if (!/^\d{10}$/.test(v)) return false;
  const check = (11 - (weightedSum(v, [10, 9, 8, 7, 6, 5, 4, 3, 2]) % 11)) % 11;
  return check !== 10 && check === Number(v[9]);
}

const context: ContextWords = {
  en: ['nhs', 'nhs number', 'nhs no', 'health service number'],
  nl: ['nhs', 'nhs-nummer'],
  de: ['nhs', 'nhs-nummer'],
  fr: ['nhs', 'numéro nhs'],
};

export const ukNhsNumberDetector = {
  id: 'uk-nhs-number',
  category: 'national-id',
  country: 'GB',
  description: 'NHS number: ten digits with the mod-11 check digit; needs an NHS word nearby.',
  keywords: keywordsOf(context),
  patterns: [
    { name: 'spaced', regex: bounded('\\d{3}([ -])\\d{3}\\1\\d{4}'), score: 0.45 },
    { name: 'plain', regex: bounded('\\d{10}'), score: 0.4 },
  ],
  checksum: true,
  context,
  negativeContext: NUMBER_NEGATIVE,
  normalize: onlyDigits,
  validate: nhsValid,
  invalidate: (v) => /^(\d)\1{9}$/.test(v),
  mask: (v) => maskKeepLast(v, 3),
  examples: {
    valid: [
      'NHS number: 452 259 6251',
      'NHS No 5107225098',
      'nhs 236-977-8016',
      'Patient NHS number 060 319 0766',
      'NHS: 5776341507',
      'health service number 311 518 9494',
      'NHS no. 448 968 2344',
      'NHS number 071 665 3710 (GP)',
      'NHS 7423474452',
      'your NHS number is 709 542 8166.',
    ],
    invalid: [
      'NHS number: 452 259 6252',
      '452 259 6251',
      'NHS number 45225962517',
      'NHS 45225962',
      'NHS 0000000000',
      'NHS order 5107225098',
      'NHS 236 977-8016',
      'NHS number 452 259 62510',
      'NHS 1234567890',
      'invoice 7095428166 NHS',
    ],
  },
} satisfies Detector;
