/**
 * UK National Insurance number (NINO), Social Security Administration Act 1992. Two prefix
 * letters (not D F I Q U V; the second not O; not BG GB NK KN TN NT ZZ), six digits, a suffix
 * A-D. There is no check digit: the prefix rules drop impossible values, confidence comes from
 * the format (spaced as printed on letters scores higher) and from context.
 */
import { maskKeepLast } from './mask.js';
import { bounded, compactUpper, NUMBER_NEGATIVE } from './shared.js';
import type { Detector } from './types.js';

const BANNED_PREFIXES = new Set(['BG', 'GB', 'NK', 'KN', 'TN', 'NT', 'ZZ']);
const P1 = '[A-CEGHJ-PR-TW-Z]';
const P2 = '[A-CEGHJ-NPR-TW-Z]';

export const ukNinoDetector = {
  id: 'uk-nino',
  category: 'national-id',
  country: 'GB',
  description: 'UK National Insurance number: valid prefix letters, six digits, suffix A-D; no checksum, context raises it.',
  requires: /[A-Za-z]{2} ?\d\d/,
  patterns: [
    { name: 'spaced', regex: bounded(`${P1}${P2} \\d{2} \\d{2} \\d{2} [A-D]`), score: 0.55 },
    { name: 'compact', regex: bounded(`${P1}${P2}\\d{6}[A-D]`), score: 0.45 },
    // Typed in lower case in forms and mails (`hh 01 02 03 d`): as printed, but it needs its label.
    { name: 'lower-case', regex: bounded(`${P1.toLowerCase()}${P2.toLowerCase()} ?\\d{2} ?\\d{2} ?\\d{2} ?[a-d]`), score: 0.3 },
  ],
  context: {
    en: ['national insurance', 'national insurance number', 'ni number', 'ni no', 'nino', 'nat ins'],
    nl: ['national insurance', 'brits sofinummer'],
    de: ['national insurance', 'britische sozialversicherungsnummer'],
    fr: ['national insurance', 'numéro de sécurité sociale britannique'],
  },
  negativeContext: NUMBER_NEGATIVE,
  normalize: compactUpper,
  validate: (v) => (BANNED_PREFIXES.has(v.slice(0, 2)) ? false : undefined),
  mask: (v) => maskKeepLast(v, 2),
  examples: {
    valid: [
      'National Insurance number: HK 10 25 80 A',
      'NI number CC524229B',
      'KC 02 10 41 D',
      'NINO: CP022330C',
      'national insurance PG 38 51 40 C',
      'Employee NI no BX937078A',
      'NB 48 20 79 D',
      'NINO JE221074A',
      'nat ins SJ 91 95 92 B',
      'Your National Insurance number is WE872375A.',
      'NI number: hh 01 02 03 d',
      'nino ce123456a',
    ],
    invalid: [
      'HK102580A',
      'National Insurance number: DA 10 25 80 A',
      'NINO GB102580A',
      'NINO CO524229B',
      'NINO KC021041E',
      'NINO KC02104D',
      'order CP 02 23 30 C',
      'NINO QQ123456C',
      'NINO ZZ 12 34 56 A',
      'Ref PG385140C',
      'hh 01 02 03 d', // lower case without its label
      'NI number: gb 12 34 56 a', // lower-case banned prefix GB
      'NI number: hh 01 02 03 e', // suffix beyond A-D
    ],
  },
} satisfies Detector;
