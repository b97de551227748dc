/**
 * Danish CPR number (personnummer), CPR-loven. DDMMYY-SSSS: birth date and a serial whose
 * first digit with the year gives the century. The mod-11 check was dropped in 2007, so there is
 * no checksum: the date must be real and confidence comes from context alone (the detector
 * only runs where a CPR word is present).
 */
import { maskKeepLast } from './mask.js';
import { bounded, keywordsOf, NUMBER_NEGATIVE, onlyDigits } from './shared.js';
import type { ContextWords, Detector } from './types.js';
import { isDate } from './validators.js';

const context: ContextWords = {
  en: ['cpr', 'cpr number', 'cpr-nr', 'danish personal id', 'danish id number'],
  nl: ['cpr', 'cpr-nummer', 'deens persoonsnummer'],
  de: ['cpr', 'cpr-nummer', 'dänische personennummer'],
  fr: ['cpr', 'numéro cpr'],
};

export const dkCprDetector = {
  id: 'dk-cpr',
  category: 'national-id',
  country: 'DK',
  description: 'Danish CPR number: a real birth date and four digits; no checksum since 2007, so only with a CPR word nearby.',
  keywords: [...keywordsOf(context), 'cpr-nummer', 'cprnr'],
  patterns: [
    { name: 'dashed', regex: bounded('\\d{6}-\\d{4}'), score: 0.35 },
    { name: 'plain', regex: bounded('\\d{10}'), score: 0.3 },
  ],
  context: { ...context, en: [...(context.en ?? []), 'cpr-nummer', 'cprnr'] },
  negativeContext: NUMBER_NEGATIVE,
  normalize: onlyDigits,
  validate: (v) => (isDate(2000 + Number(v.slice(4, 6)), Number(v.slice(2, 4)), Number(v.slice(0, 2))) ? undefined : false),
  mask: (v) => maskKeepLast(v, 2),
  examples: {
    valid: [
      'CPR: 260546-6334',
      'CPR-nr. 020741-6629',
      'cpr 241109-7115',
      'CPR-nummer 180858-3847',
      'CPR 0304987331',
      'Medarbejder CPR 240343-9323',
      'cprnr 130648-6246',
      'CPR number 180388-3712',
      'CPR: 060961-1110.',
      'CPR 140997-7801',
    ],
    invalid: [
      '260546-6334',
      'CPR 320546-6334',
      'CPR 261346-6334',
      'CPR 26054-6334',
      'CPR 260546-63345',
      'order 260546-6334 CPR',
      'CPR 300246-1234',
      'CPR 26054663341',
      'CPR 000000-0000',
      'CPR 26-05-46',
    ],
  },
} satisfies Detector;
