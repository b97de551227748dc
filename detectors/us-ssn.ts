/**
 * US Social Security number, Social Security Act § 205(c)(2). AAA-GG-SSSS with no check digit;
 * never issued: area 000, 666 and 900-999, group 00, serial 0000, and the well-known
 * advertising numbers. Confidence comes from context alone: the detector only runs where an
 * SSN word is present.
 */
import { maskKeepLast } from './mask.js';
import { bounded, keywordsOf, NUMBER_NEGATIVE, onlyDigits } from './shared.js';
import type { ContextWords, Detector } from './types.js';

const ADVERTISED = new Set(['078051120', '219099999', '123456789', '111111111', '457555462']);

const context: ContextWords = {
  en: ['ssn', 'social security number', 'social security no', 'social security #', 'soc sec', 'ss#'],
  nl: ['ssn', 'amerikaans sofinummer'],
  de: ['ssn', 'us-sozialversicherungsnummer'],
  fr: ['ssn', 'numéro de sécurité sociale américain'],
};

export const usSsnDetector = {
  id: 'us-ssn',
  category: 'national-id',
  country: 'US',
  description: 'US Social Security number: area, group and serial rules; no checksum, so only with an SSN word nearby.',
  keywords: keywordsOf(context),
  patterns: [
    { name: 'dashed', regex: bounded('\\d{3}-\\d{2}-\\d{4}'), score: 0.4 },
    { name: 'spaced', regex: bounded('\\d{3} \\d{2} \\d{4}'), score: 0.35 },
    { name: 'plain', regex: bounded('\\d{9}'), score: 0.3 },
  ],
  context,
  negativeContext: NUMBER_NEGATIVE,
  normalize: onlyDigits,
  validate(v) {
    const area = Number(v.slice(0, 3));
    if (area === 0 || area === 666 || area >= 900) return false;
    if (v.slice(3, 5) === '00' || v.slice(5) === '0000' || ADVERTISED.has(v)) return false;
    return undefined;
  },
  mask: (v) => maskKeepLast(v, 4),
  examples: {
    valid: [
      'SSN: 318-63-5398',
      'Social Security Number 095-17-0506',
      'ssn 753-48-0778',
      'SSN 343 08 2691',
      'social security no. 091-57-0243',
      'SSN: 502933897',
      'Employee SSN 598-32-4424',
      'SS# 614-90-6845',
      'SSN 187-16-9449.',
      'social security # 164-34-4798',
    ],
    invalid: [
      '318-63-5398',
      'SSN 000-63-5398',
      'SSN 666-63-5398',
      'SSN 912-63-5398',
      'SSN 318-00-5398',
      'SSN 318-63-0000',
      'SSN 078-05-1120',
      'order 343-08-2691 SSN',
      'SSN 318-63-539',
      'SSN 318-635-398',
    ],
  },
} satisfies Detector;
