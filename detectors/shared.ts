/** Small helpers the identifier detectors share: match edges, context lists, masks. */
import type { ContextWords } from './types.js';

/** No letter, digit or number punctuation right before a match: `x123` and `1.123` do not start one. */
export const EDGE_BEFORE = '(?<![\\p{L}\\p{N}\\-.,/+])';
/** No letter or digit right after, nor punctuation that continues a number (`123.4`). */
export const EDGE_AFTER = '(?![\\p{L}\\p{N}]|[.,\\-/]\\d)';

/** A global, Unicode regex for `body` between number edges. `body` must use bounded repetition only. */
export function bounded(body: string, flags = 'gu'): RegExp {
  return new RegExp(`${EDGE_BEFORE}(?:${body})${EDGE_AFTER}`, flags);
}

/** Every context word, for detectors whose keyword prefilter is their context (they need it to score). */
export function keywordsOf(words: ContextWords): string[] {
  return [...new Set(Object.values(words).flat())];
}

/**
 * Words near a number that say it is not about a person: order, invoice and tracking numbers,
 * amounts, article codes. Shared so every numeric identifier rejects the same decoys.
 */
export const NUMBER_NEGATIVE: ContextWords = {
  nl: [
    'order',
    'ordernummer',
    'bestelnummer',
    'factuur',
    'factuurnummer',
    'klantnummer',
    'artikelnummer',
    'artikel',
    'kenmerk',
    'zending',
    'bedrag',
    'referentie',
  ],
  en: ['order', 'order number', 'invoice', 'tracking', 'customer number', 'sku', 'isbn', 'serial', 'amount', 'reference', 'ref'],
  de: ['bestellung', 'bestellnummer', 'rechnung', 'rechnungsnummer', 'kundennummer', 'sendungsnummer', 'artikelnummer'],
  fr: ['commande', 'facture', 'numéro de suivi', 'référence'],
};

/** The digits of a match, separators dropped. */
export const onlyDigits = (raw: string) => raw.replace(/\D/g, '');
/** Letters and digits of a match, upper-cased, separators dropped. */
export const compactUpper = (raw: string) => raw.replace(/[^\p{L}\p{N}]/gu, '').toUpperCase();
