/**
 * Portuguese tax identification number (NIF, número de identificação fiscal; número de
 * contribuinte), Decreto-Lei 463/79. Nine digits, the first 1-3 for people (5-9 for companies
 * and others), a mod-11 check digit: weights 9..2 on the first eight, 11 − (sum mod 11), 0 when
 * that is 10 or 11. The shape is a Dutch BSN's, so the detector only runs where a NIF word is present.
 */
import { maskKeepLast } from './mask.js';
import { bounded, keywordsOf, NUMBER_NEGATIVE, onlyDigits } from './shared.js';
import type { ContextWords, Detector } from './types.js';
import { weightedSum } from './validators.js';

export function ptNifValid(v: string): boolean {
  if (!/^[1235689]\d{8}$/.test(v)) return false;
  const check = 11 - (weightedSum(v, [9, 8, 7, 6, 5, 4, 3, 2]) % 11);
  return (check >= 10 ? 0 : check) === Number(v[8]);
}

const context: ContextWords = {
  en: ['nif', 'portuguese tax number', 'contribuinte'],
  nl: ['nif', 'portugees fiscaal nummer'],
  de: ['nif', 'portugiesische steuernummer'],
  fr: ['nif', 'numéro fiscal portugais'],
};

export const ptNifDetector = {
  id: 'pt-nif',
  category: 'national-id',
  country: 'PT',
  description: 'Portuguese NIF: nine digits with the mod-11 check digit; needs a NIF word nearby.',
  keywords: [...keywordsOf(context), 'número de contribuinte', 'n.º contribuinte'],
  patterns: [
    { name: 'plain', regex: bounded('\\d{9}'), score: 0.4 },
    { name: 'spaced', regex: bounded('\\d{3} \\d{3} \\d{3}'), score: 0.4 },
  ],
  checksum: true,
  context: { ...context, en: [...(context.en ?? []), 'número de contribuinte', 'número de identificação fiscal'] },
  negativeContext: NUMBER_NEGATIVE,
  normalize: onlyDigits,
  validate: ptNifValid,
  mask: (v) => maskKeepLast(v, 3),
  examples: {
    valid: [
      'NIF: 360585833',
      'NIF 256741921',
      'contribuinte 227143140',
      'número de contribuinte 255 829 000',
      'NIF 388137738',
      'nif=358034884',
      'NIF: 560810989',
      'Contribuinte n.º 682428280',
      'NIF 689386176 (empresa)',
      'NIF 834372460',
    ],
    invalid: [
      'NIF: 360585834',
      '360585833',
      'NIF 36058583',
      'NIF 3605858330',
      'NIF 460585833',
      'NIF order 256741921',
      'NIF 000000000',
      'NIF 256 741 922',
      'contribuinte 227143141',
      'NIF 7123456789',
    ],
  },
} satisfies Detector;
