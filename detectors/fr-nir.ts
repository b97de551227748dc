/**
 * French social security number (NIR, numéro d'inscription au répertoire, "numéro de sécurité
 * sociale"), décret n° 82-103. Fifteen characters: sex (1/2), year and month of birth, département
 * (2A/2B for Corsica), commune, serial and a two-digit key: 97 − (the 13-digit number mod 97),
 * with 2A read as 19 and 2B as 18. The key and the fixed structure make it strong on its own.
 */
import { maskKeepLast } from './mask.js';
import { bounded, compactUpper, NUMBER_NEGATIVE } from './shared.js';
import type { Detector } from './types.js';

export function frNirValid(nir: string): boolean {
  if (!/^[12]\d{4}(?:\d{2}|2[AB])\d{8}$/.test(nir)) return false;
  const month = Number(nir.slice(3, 5));
  if (!((month >= 1 && month <= 12) || (month >= 20 && month <= 42) || month >= 50)) return false;
  const body = nir.slice(0, 13).replace('2A', '19').replace('2B', '18');
  return 97 - Number(BigInt(body) % 97n) === Number(nir.slice(13));
}

export const frNirDetector = {
  id: 'fr-nir',
  category: 'national-id',
  country: 'FR',
  description: 'French NIR (numéro de sécurité sociale): structure and key 97 verified.',
  requires: /\d\d/,
  patterns: [
    { name: 'spaced', regex: bounded('[12] \\d{2} \\d{2} (?:\\d{2}|2[AB]) \\d{3} \\d{3} \\d{2}'), score: 0.75 },
    { name: 'compact', regex: bounded('[12]\\d{4}(?:\\d{2}|2[AB])\\d{6} ?\\d{2}'), score: 0.6 },
  ],
  checksum: true,
  context: {
    fr: ['sécurité sociale', 'numéro de sécurité sociale', 'n° de sécurité sociale', 'nir', 'numéro insee', 'carte vitale', 'n° ss', 'numéro ss'],
    en: ['social security number', 'french social security', 'nir'],
    nl: ['frans sofinummer', 'nir'],
    de: ['sozialversicherungsnummer', 'nir'],
  },
  negativeContext: NUMBER_NEGATIVE,
  normalize: compactUpper,
  validate: frNirValid,
  mask: (v) => maskKeepLast(v, 2),
  examples: {
    valid: [
      'N° de sécurité sociale : 2 75 11 49 594 741 88',
      'NIR 1 76 03 95 699 464 17',
      '1 97 09 35 541 531 42',
      'carte vitale 102065064979264',
      'Numéro INSEE: 2 56 10 78 282 263 67',
      'sécurité sociale 2 87 12 04 033 057 09',
      'NIR: 184015311847408',
      '2 09 09 79 473 258 94 (assuré)',
      'social security number 1 92 06 94 127 082 69',
      'nir=1820681548890 82',
    ],
    invalid: [
      '2 75 11 49 594 741 89',
      'NIR 3 76 03 95 699 464 17',
      '1 97 13 35 541 531 42',
      'commande 102065064979264',
      '2 56 10 78 282 263 6',
      '28712040330570',
      'NIR 1840153118474089',
      'Numéro INSEE 2 09 09 79 473 258 95',
      'IBAN FR14 2004 1010 0505 0001 3M02 606',
      'tél 01 23 45 67 89',
    ],
  },
} satisfies Detector;
