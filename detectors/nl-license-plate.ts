/**
 * Dutch vehicle registration plates (kentekens), Kentekenreglement. Side codes 1-11 (two-two-two,
 * two-three-one, one-three-two, three-two-one); from side code 4 on, letters exclude vowels and
 * C and Q. A plate is personal data only when tied to a keeper, and its shape is common in other
 * codes, so confidence comes from context alone: the detector only runs where a plate word is present.
 */
import { maskKeepLast } from './mask.js';
import { bounded, keywordsOf } from './shared.js';
import type { ContextWords, Detector } from './types.js';

const L = '[BDFGHJKLMNPRSTVXZ]';
const A = '[A-Z]';
const SIDE_CODES = [
  `${A}{2}-\\d{2}-\\d{2}`,
  `\\d{2}-\\d{2}-${A}{2}`,
  `\\d{2}-${A}{2}-\\d{2}`,
  `${L}{2}-\\d{2}-${L}{2}`,
  `${L}{2}-${L}{2}-\\d{2}`,
  `\\d{2}-${L}{2}-${L}{2}`,
  `\\d{2}-${L}{3}-\\d`,
  `\\d-${L}{3}-\\d{2}`,
  `${L}{2}-\\d{3}-${L}`,
  `${L}-\\d{3}-${L}{2}`,
  `${L}{3}-\\d{2}-${L}`,
];

const context: ContextWords = {
  nl: ['kenteken', 'kentekenplaat', 'nummerplaat', 'kentekennummer'],
  en: ['license plate', 'licence plate', 'registration number', 'number plate', 'vehicle registration'],
  de: ['kennzeichen', 'nummernschild', 'autokennzeichen'],
  fr: ["plaque d'immatriculation", 'immatriculation'],
};

export const nlLicensePlateDetector = {
  id: 'nl-license-plate',
  category: 'identity',
  country: 'NL',
  description: 'Dutch licence plates in side codes 1-11; no checksum, so only with a plate word nearby.',
  keywords: keywordsOf(context),
  patterns: [{ name: 'side-code', regex: bounded(SIDE_CODES.join('|')), score: 0.3 }],
  context,
  normalize: (raw) => raw.toUpperCase(),
  mask: (v) => maskKeepLast(v, 1),
  examples: {
    valid: [
      'Kenteken: TX-LF-56',
      'kenteken L-334-SN',
      'Kenteken 29-HD-KS',
      'auto met kenteken TG-674-B',
      'kenteken: 41-LGR-8',
      'license plate TP-16-DB',
      'Kennzeichen 1-NJD-97',
      'kentekenplaat RZ-DS-81',
      'kenteken 61-XFB-7 (lease)',
      'nummerplaat 52-NR-LF',
    ],
    invalid: [
      'TX-LF-56',
      'kenteken TX-LF-5',
      'kenteken TXL-F-56',
      'kenteken TA-LF-56',
      'kenteken 12-34-56',
      'kenteken tx-lf-56',
      'kenteken TX-LF-567',
      'kenteken ATX-LF-56',
      'kenteken 1-AEI-97',
      'kenteken TX LF 56',
    ],
  },
} satisfies Detector;
