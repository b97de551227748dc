/**
 * Payment card numbers (PAN): compact, or in groups of four (Visa, Mastercard, Maestro…) or
 * 4-6-5/4-6-4 (American Express, Diners), checked with Luhn and the issuer's prefix and length.
 */
import { maskKeepLast } from './mask.js';
import { shapeFor } from './shape.js';
import type { Candidate, Detector } from './types.js';
import { luhn } from './validators.js';

/** Issuer identification ranges (ISO/IEC 7812) with the lengths each issuer uses. */
const ISSUERS: { prefix: RegExp; lengths: number[] }[] = [
  { prefix: /^4/, lengths: [13, 16, 19] }, // Visa
  { prefix: /^(5[1-5]|222[1-9]|22[3-9]\d|2[3-6]\d\d|27[01]\d|2720)/, lengths: [16] }, // Mastercard
  { prefix: /^3[47]/, lengths: [15] }, // American Express
  { prefix: /^(6011|65|64[4-9]|622(12[6-9]|1[3-9]\d|[2-8]\d\d|9[01]\d|92[0-5]))/, lengths: [16, 17, 18, 19] }, // Discover
  { prefix: /^(50|5[6-9]|6[0-9])/, lengths: [12, 13, 14, 15, 16, 17, 18, 19] }, // Maestro
  { prefix: /^35(2[89]|[3-8]\d)/, lengths: [16, 17, 18, 19] }, // JCB
  { prefix: /^(36|30[0-5]|3095|3[89])/, lengths: [14, 15, 16, 17, 18, 19] }, // Diners Club
  { prefix: /^62/, lengths: [16, 17, 18, 19] }, // UnionPay
];

const EDGE_BEFORE = '(?<![\\p{L}\\p{N}\\-.,/])';
const EDGE_AFTER = '(?![\\p{L}\\p{N}]|[ \\-.,/]\\d)';
const pattern = (body: string) => new RegExp(`${EDGE_BEFORE}${body}${EDGE_AFTER}`, 'gu');

/**
 * Card numbers side by side with only a space between them (`4111111111111111 4111 1111 1111 1111
 * 4111-1111-1111-1111`): the patterns' edges refuse a number followed by space and digit, so that
 * a group is never read as a card on its own. Here a run of digit groups is cut into cards:
 * a compact or hyphenated number is one token, four groups of four are one card. Only runs that
 * hold two cards or more yield, as single cards are the patterns' work.
 */
const RUN = /(?<![\p{L}\p{N}\-.,/])\d[\d -]{24,200}\d(?![\p{L}\p{N}])/gu;
const WHOLE_CARD = /^(?:\d{13,19}|\d{4}(?:-\d{4}){2,3}(?:-\d{1,3})?|3\d{3}-\d{6}-\d{4,5})$/;
function* cardsInRuns(text: string): Iterable<Candidate> {
  // Two cards or more: 24 digits at least.
  if ((shapeFor(text).counts[0] as number) < 24) return;
  RUN.lastIndex = 0;
  for (let m = RUN.exec(text); m !== null; m = RUN.exec(text)) {
    const tokens = [...m[0].matchAll(/\S+/g)].map((t) => ({ text: t[0], start: m.index + (t.index ?? 0) }));
    const cards: Candidate[] = [];
    for (let i = 0; i < tokens.length; ) {
      const t = tokens[i] as { text: string; start: number };
      const four = tokens.slice(i, i + 4);
      if (WHOLE_CARD.test(t.text)) {
        cards.push({ start: t.start, end: t.start + t.text.length, score: 0.6, pattern: 'in-a-row' });
        i++;
      } else if (four.length === 4 && four.every((g) => /^\d{4}$/.test(g.text))) {
        const last = four[3] as { text: string; start: number };
        cards.push({ start: t.start, end: last.start + 4, score: 0.8, pattern: 'in-a-row' });
        i += 4;
      } else i++;
    }
    if (cards.length >= 2) yield* cards;
  }
}

export const creditCardDetector = {
  id: 'credit-card',
  category: 'financial',
  description: 'Payment card numbers: Luhn check digit plus issuer prefix and length.',
  // Twelve digits at least, in all: the shortest card number (Maestro) has twelve.
  requires: /(?:\d\D*){12}/,
  patterns: [
    { name: 'grouped', regex: pattern('\\d{4}(?:([ \\-])\\d{4})(?:\\1\\d{4}){1,2}(?:\\1\\d{1,3})?'), score: 0.8 },
    { name: 'amex-grouped', regex: pattern('3\\d{3}([ \\-])\\d{6}\\1\\d{4,5}'), score: 0.8 },
    { name: 'compact', regex: pattern('\\d{13,19}'), score: 0.6 },
  ],
  find: cardsInRuns,
  checksum: true,
  context: {
    nl: ['creditcard', 'creditcardnummer', 'kaartnummer', 'betaalkaart', 'kaart', 'visa', 'mastercard', 'vervaldatum'],
    en: ['credit card', 'card number', 'card', 'visa', 'mastercard', 'amex', 'cvv', 'cvc', 'expiry', 'pan'],
    de: ['kreditkarte', 'kartennummer', 'karte'],
    fr: ['carte bancaire', 'carte de crédit', 'numéro de carte', 'carte'],
  },
  negativeContext: {
    nl: ['order', 'ordernummer', 'factuur', 'zending', 'track', 'klantnummer'],
    en: ['order', 'invoice', 'tracking', 'shipment', 'serial', 'imei', 'isbn'],
    de: ['bestellung', 'sendung', 'rechnung'],
    fr: ['commande', 'colis', 'facture'],
  },
  normalize: (raw) => raw.replace(/\D/g, ''),
  validate: (pan) => luhn(pan) && ISSUERS.some((i) => i.prefix.test(pan) && i.lengths.includes(pan.length)),
  invalidate: (pan) => /^(\d)\1+$/.test(pan),
  mask: (pan) => maskKeepLast(pan.replace(/(.{4})(?=.)/g, '$1 '), 4),
  examples: {
    valid: [
      'Visa 4111 1111 1111 1111 exp 12/29',
      'creditcard: 5555555555554444',
      'Card number 4012-8888-8888-1881',
      'Amex 3782 822463 10005',
      'kaartnummer 6011111111111117',
      'Mastercard 2223 0031 2200 3222',
      'JCB 3530111333300000',
      'card 4000 0566 5566 5556',
      'Visa (19) 4111 1111 1111 1111 003',
      'betaalkaart 5105105105105100',
    ],
    invalid: [
      'Tracking 1234567812345678',
      '4111 1111 1111 1112',
      'order 4111111111111111',
      '1234 5678 9012 3456',
      '0000 0000 0000 0000',
      '4111 1111 1111',
      'IMEI 490154203237518',
      '4111-1111 1111-1111',
      'phone 0612345678',
      '9111111111111111',
    ],
  },
} satisfies Detector;
