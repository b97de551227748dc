/**
 * Dutch passport and identity-card document number (documentnummer), Paspoortwet; format since
 * 2014: two letters, six letters or digits, one digit; the letter O is never used (the digit 0
 * is). The number carries no check digit of its own (its MRZ check digit is only in the MRZ,
 * see passport-mrz.ts), so confidence comes from context alone: the detector only runs where a
 * travel-document word is present.
 */
import { maskKeepLast } from './mask.js';
import { bounded, keywordsOf, NUMBER_NEGATIVE } from './shared.js';
import type { ContextWords, Detector } from './types.js';

const context: ContextWords = {
  nl: ['paspoort', 'paspoortnummer', 'documentnummer', 'identiteitskaart', 'id-kaart', 'identiteitsbewijs', 'id-bewijs', 'reisdocument', 'legitimatie'],
  en: ['passport', 'passport number', 'passport no', 'document number', 'identity card', 'id card'],
  de: ['reisepass', 'passnummer', 'personalausweis', 'ausweisnummer', 'dokumentennummer'],
  fr: ['passeport', "carte d'identité", 'numéro de document', 'numéro de passeport'],
};

export const nlIdDocumentDetector = {
  id: 'nl-id-document',
  category: 'national-id',
  country: 'NL',
  description: 'Dutch passport or identity-card number (2 letters, 6 letters/digits, 1 digit, no letter O); no checksum, so only with a document word nearby.',
  keywords: keywordsOf(context),
  patterns: [{ name: 'document', regex: bounded('[A-NP-Z]{2}[A-NP-Z0-9]{6}\\d'), score: 0.3 }],
  context,
  negativeContext: NUMBER_NEGATIVE,
  normalize: (raw) => raw,
  // A run of nine capitals with one digit at the end is more often a code word than a document number.
  validate: (v) => (/\d/.test(v.slice(2, 8)) ? undefined : false),
  mask: (v) => maskKeepLast(v, 2),
  examples: {
    valid: [
      'Paspoortnummer: JXE82N765',
      'documentnummer HW2F4L277',
      'ID-kaart AW1T1FKT2',
      'paspoort TLP59LV43',
      'Identiteitsbewijs: PDWE5JKD2',
      'passport number NE6KP16G4',
      'Reisepass ZD02ZC428',
      'documentnummer ZNY5H7EK3',
      'identiteitskaart YMY2B8X39',
      'legitimatie: KM5FD3YU0',
    ],
    invalid: [
      'JXE82N765',
      'Paspoortnummer: JXE82N76',
      'paspoort JXO82N765',
      'paspoort JXE82N765A',
      'paspoort jxe82n765',
      'order HW2F4L277 paspoort',
      'documentnummer 1W2F4L277',
      'paspoort ABCDEFGH1',
      'passport HW2F4L27X',
      'paspoort HW-2F4L-277',
    ],
  },
} satisfies Detector;
