/**
 * German tax identification number (steuerliche Identifikationsnummer, IdNr), § 139b
 * Abgabenordnung. Eleven digits, the first not 0. Of the first ten digits exactly one occurs
 * twice or three times (three times never all side by side), so at least one digit is missing;
 * the eleventh is the ISO 7064 MOD 11,10 check digit. Together the two pass about one random
 * eleven-digit run in 300: too many for a bare run, which needs a tax-ID word nearby (or a column
 * headed as such, or a column whose values nearly all pass: records.ts). The form the Federal
 * Central Tax Office prints on its letters, `12 345 678 901`, is reported without a word: that
 * grouping plus both checks is rare in anything else (issue 16).
 */
import { maskKeepLast } from './mask.js';
import { bounded, NUMBER_NEGATIVE, onlyDigits } from './shared.js';
import type { ContextWords, Detector } from './types.js';
import { mod11_10 } from './validators.js';

/** The digit-repetition rule of § 139b AO on the first ten digits. */
export function deTaxIdDigitsRule(digits: string): boolean {
  const first = digits.slice(0, 10);
  const counts = new Map<string, number>();
  for (const ch of first) counts.set(ch, (counts.get(ch) ?? 0) + 1);
  const repeated = [...counts.entries()].filter(([, n]) => n > 1);
  if (repeated.length !== 1) return false;
  const [digit, n] = repeated[0] as [string, number];
  if (n > 3) return false;
  return !(n === 3 && first.includes(digit.repeat(3)));
}

const context: ContextWords = {
  de: ['steuer-id', 'steuerid', 'steuer-idnr', 'steueridentifikationsnummer', 'steuer-identifikationsnummer', 'identifikationsnummer', 'idnr', 'steuernummer'],
  en: ['tax id', 'tax identification number', 'german tax id', 'tin'],
  nl: ['duits fiscaal nummer', 'steuer-id'],
  fr: ["numéro d'identification fiscale", 'steuer-id'],
};

export const deTaxIdDetector = {
  id: 'de-tax-id',
  category: 'national-id',
  country: 'DE',
  description:
    'German Steuer-ID: 11 digits, digit-repetition rule, ISO 7064 MOD 11,10 check digit; the printed form 12 345 678 901 on its own, other forms with a tax-ID word or column.',
  requires: /\d{2}/,
  patterns: [
    { name: 'printed', regex: bounded('[1-9]\\d \\d{3} \\d{3} \\d{3}'), score: 0.55 },
    { name: 'plain', regex: bounded('[1-9]\\d{10}'), score: 0.4 },
    { name: 'grouped', regex: bounded('[1-9]\\d ?\\d{3} ?\\d{3} ?\\d{3}'), score: 0.4 },
  ],
  checksum: true,
  context,
  negativeContext: NUMBER_NEGATIVE,
  normalize: onlyDigits,
  validate: (v) => v.length === 11 && deTaxIdDigitsRule(v) && mod11_10(v),
  mask: (v) => maskKeepLast(v, 2),
  examples: {
    valid: [
      'Steuer-ID: 40965218835',
      'Steueridentifikationsnummer 94058721693',
      'IdNr 10386529732',
      'Ihre Steuer-Identifikationsnummer lautet 62 571 603 497.',
      'tax id 60813429740',
      'Identifikationsnummer: 31640982514',
      'Steuer-ID 65302789918 (neu)',
      'steuerid=58921073548',
      'IdNr. 94 920 536 170',
      'Steuer-IdNr: 20047563180',
      // The printed form, in running text without a tax-ID word.
      'Bitte geben Sie 62 571 603 497 bei Rückfragen an.',
      'Frau Weber (94 920 536 170) ist seit März bei uns.',
    ],
    invalid: [
      'Steuer-ID: 40965218836',
      'Steuer-ID: 01234567890',
      'Steuer-ID: 12345678903',
      'Steuer-ID: 4096521883',
      '40965218835',
      'Bestellnummer 40965218835 Steuer-ID',
      'Steuer-ID 11111111111',
      'IdNr 409652188350',
      'Steuer-ID: 12345678901',
      'Rechnungsnummer 94058721693',
      // Bare eleven digits that pass both checks, without a word: about one run in 300 does.
      'Referenz 40965218835 vom Mai',
      'Frau Weber 94058721693 seit März',
      // The printed form failing the check digit, and under an invoice label.
      'Bitte geben Sie 62 571 603 498 bei Rückfragen an.',
      'Rechnungsnummer 62 571 603 497',
    ],
  },
} satisfies Detector;
