/**
 * Dutch citizen service number (burgerservicenummer, BSN; formerly sofinummer), Wet algemene
 * bepalingen burgerservicenummer. Nine digits passing the "elfproef" (weights 9..2 and -1).
 * One random nine-digit number in eleven passes that check, so a bare number scores below the
 * reporting threshold unless context (`BSN`, a BSN column) or a BSN-style grouping backs it.
 */
import { maskKeepLast } from './mask.js';
import { bounded, onlyDigits } from './shared.js';
import type { Detector } from './types.js';
import { elfproef } from './validators.js';

export const nlBsnDetector = {
  id: 'nl-bsn',
  category: 'national-id',
  country: 'NL',
  description: 'Dutch BSN: nine digits with the elfproef; plain numbers need context.',
  requires: /\d{2}/,
  patterns: [
    { name: 'plain', regex: bounded('\\d{9}'), score: 0.4 },
    { name: 'dotted', regex: bounded('\\d{4}\\.\\d{2}\\.\\d{3}'), score: 0.7 },
    { name: 'grouped', regex: bounded('\\d{3}([ .])\\d{3}\\1\\d{3}'), score: 0.55 },
    // 123-456-782 is how people type it in chats and forms; dashes are common in other codes too, so it needs context.
    { name: 'dashed', regex: bounded('\\d{3}-\\d{3}-\\d{3}'), score: 0.4 },
  ],
  checksum: true,
  context: {
    nl: ['bsn', 'burgerservicenummer', 'burgerservicenr', 'sofinummer', 'sofi-nummer', 'sofinr', 'persoonsnummer', 'bsn-nummer'],
    en: ['bsn', 'citizen service number', 'social security number', 'national id'],
    de: ['bürgerservicenummer', 'sozialversicherungsnummer'],
    fr: ['numéro de service citoyen', 'numéro bsn'],
  },
  negativeContext: {
    nl: ['order', 'ordernummer', 'factuur', 'factuurnummer', 'klantnummer', 'artikelnummer', 'kenmerk', 'zending', 'bedrag'],
    en: ['order', 'invoice', 'tracking', 'customer number', 'sku', 'isbn', 'serial', 'amount'],
    de: ['bestellung', 'rechnung', 'kundennummer'],
    fr: ['commande', 'facture'],
  },
  normalize: onlyDigits,
  validate: elfproef,
  invalidate: (bsn) => /^(\d)\1{8}$/.test(bsn) || bsn === '123456789',
  mask: (bsn) => maskKeepLast(bsn, 3),
  examples: {
    valid: [
      'BSN: 111222333',
      'burgerservicenummer 123456782',
      'Sofinummer 0123.45.672',
      'bsn 2345.67.892',
      'BSN-nummer: 999 999 990 hoort bij',
      'Uw BSN is 100.000.009.',
      'Werknemer (bsn 010000008)',
      'persoonsnummer\t111.222.333',
      'citizen service number 123456782',
      'Sofinummer: 150000005',
      'mijn bsn is 111-222-333 hoor',
    ],
    invalid: [
      'Ordernummer 123456782',
      'BSN 123456789',
      'factuurnummer 111222333',
      '111222333',
      'BSN: 12345678',
      'BSN 1234567820',
      'BSN 000000000',
      'bsn 111222334',
      'IBAN NL91ABNA0417164300',
      'bedrag 111.222.333,00',
      'artikel 111-222-333',
    ],
  },
} satisfies Detector;
