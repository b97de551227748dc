/**
 * Irish Personal Public Service Number (PPSN), Social Welfare Consolidation Act 2005, s. 262.
 * Seven digits, a check letter and optionally a second letter (A, H, or W on older numbers):
 * weights 8..2 on the digits plus 9 × the second letter's value (A=1 … ; W=0), mod 23 →
 * "WABCDEFGHIJKLMNOPQRSTUV". The detector only runs where a PPS word is present.
 */
import { maskKeepLast } from './mask.js';
import { bounded, compactUpper, keywordsOf, NUMBER_NEGATIVE } from './shared.js';
import type { ContextWords, Detector } from './types.js';
import { weightedSum } from './validators.js';

const LETTERS = 'WABCDEFGHIJKLMNOPQRSTUV';

export function ppsnValid(v: string): boolean {
  if (!/^\d{7}[A-W][A-IW]?$/.test(v)) return false;
  const second = v[8] ? LETTERS.indexOf(v[8]) * 9 : 0;
  return LETTERS[(weightedSum(v, [8, 7, 6, 5, 4, 3, 2]) + second) % 23] === v[7];
}

const context: ContextWords = {
  en: ['ppsn', 'pps number', 'pps no', 'personal public service number', 'ppsno'],
  nl: ['ppsn', 'iers sofinummer'],
  de: ['ppsn', 'irische sozialversicherungsnummer'],
  fr: ['ppsn', 'numéro pps'],
};

export const iePpsnDetector = {
  id: 'ie-ppsn',
  category: 'national-id',
  country: 'IE',
  description: 'Irish PPSN: seven digits and a mod-23 check letter; needs a PPS word nearby.',
  keywords: keywordsOf(context),
  patterns: [{ name: 'plain', regex: bounded('\\d{7} ?[A-Wa-w][A-IWa-iw]?'), score: 0.45 }],
  checksum: true,
  context,
  negativeContext: NUMBER_NEGATIVE,
  normalize: compactUpper,
  validate: ppsnValid,
  mask: (v) => maskKeepLast(v, 2),
  examples: {
    valid: [
      'PPSN: 3267273OA',
      'PPS number 5293569DA',
      'PPSN 3940509K',
      'PPS No. 7788106B',
      'ppsn 2710625S',
      'Personal Public Service Number 5935754M',
      'PPSN: 3760828B.',
      'PPSN 4312932C',
      'pps number 0823487V',
      'PPSN 8352582L (employee)',
    ],
    invalid: [
      'PPSN: 3267273OB',
      '3940509K',
      'PPSN 394050K',
      'PPSN 39405091K',
      'PPSN 3940509J',
      'order 7788106B PPSN',
      'PPSN 2710625SZ',
      'PPSN 5935754',
      'PPSN 4312932D',
      'PPSN 0823487VV',
    ],
  },
} satisfies Detector;
