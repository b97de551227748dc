/**
 * Spanish national identity number (DNI, Documento Nacional de Identidad; the same number is the
 * NIF of Spanish nationals), Real Decreto 1553/2005. Eight digits and a check letter:
 * `TRWAGMYFPDXBNJZSQVHLCKE`[number mod 23]. One random string in 23 passes, so the plain form
 * scores at the threshold and context lifts it.
 */
import { maskKeepLast } from './mask.js';
import { bounded, compactUpper, NUMBER_NEGATIVE } from './shared.js';
import type { ContextWords, Detector } from './types.js';

export const ES_CHECK_LETTERS = 'TRWAGMYFPDXBNJZSQVHLCKE';

export const ES_ID_CONTEXT: ContextWords = {
  en: ['dni', 'nif', 'nie', 'spanish id', 'national identity document'],
  nl: ['dni', 'nie', 'spaans identiteitsnummer'],
  de: ['dni', 'nie', 'spanische ausweisnummer'],
  fr: ['dni', 'nie', "numéro d'identité espagnol"],
};

export const esDniDetector = {
  id: 'es-dni',
  category: 'national-id',
  country: 'ES',
  description: 'Spanish DNI/NIF: eight digits and the mod-23 check letter.',
  requires: /\d{2}/,
  patterns: [
    { name: 'plain', regex: bounded('\\d{8}-?[A-HJ-NP-TV-Z]'), score: 0.5 },
    { name: 'dotted', regex: bounded('\\d{2}\\.\\d{3}\\.\\d{3}-?[A-HJ-NP-TV-Z]'), score: 0.55 },
    // The letter typed in lower case (`12345678z`, `12345678-z`): the check holds, the label is needed.
    { name: 'lower-case', regex: bounded('\\d{8}-?[a-hj-np-tv-z]'), score: 0.4 },
  ],
  checksum: true,
  context: { ...ES_ID_CONTEXT, en: [...(ES_ID_CONTEXT.en ?? []), 'documento nacional de identidad', 'd.n.i.', 'número de identificación fiscal'] },
  negativeContext: NUMBER_NEGATIVE,
  normalize: compactUpper,
  validate: (v) => /^\d{8}[A-Z]$/.test(v) && ES_CHECK_LETTERS[Number(v.slice(0, 8)) % 23] === v[8],
  invalidate: (v) => /^0{8}/.test(v),
  mask: (v) => maskKeepLast(v, 2),
  examples: {
    valid: [
      'DNI 92111954J',
      'DNI: 46639126-W',
      '10976076Q',
      'NIF 39.980.221-B',
      'documento nacional de identidad 20801751E',
      'Sr. García, DNI 91231679V.',
      '97054585J',
      'nif=35435588V',
      'D.N.I. 95268371-W',
      'DNI/NIF 48744624B',
      'DNI: 92111954j',
      'DNI 46639126-w',
    ],
    invalid: [
      'DNI 92111954K',
      'DNI 9211195J',
      'DNI 921119540J',
      'pedido 92111954',
      'Order 46639126W',
      '00000000T',
      'DNI 46639126I',
      '10976076q7',
      'X7713440E1',
      'DNI 39980221-O',
      '92111954j', // lower-case letter without its label
      'DNI: 92111954-k', // lower case, wrong check letter
    ],
  },
} satisfies Detector;
