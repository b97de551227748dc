/**
 * Spanish foreigner identity number (NIE, Número de Identidad de Extranjero), Real Decreto
 * 557/2011: X, Y or Z, seven digits and the DNI check letter computed with X=0, Y=1, Z=2 in
 * front of the digits.
 */
import { ES_CHECK_LETTERS, ES_ID_CONTEXT } from './es-dni.js';
import { maskKeepLast } from './mask.js';
import { bounded, compactUpper, NUMBER_NEGATIVE } from './shared.js';
import type { Detector } from './types.js';

export function esNieValid(v: string): boolean {
  if (!/^[XYZ]\d{7}[A-Z]$/.test(v)) return false;
  const n = Number(`${'XYZ'.indexOf(v[0] as string)}${v.slice(1, 8)}`);
  return ES_CHECK_LETTERS[n % 23] === v[8];
}

export const esNieDetector = {
  id: 'es-nie',
  category: 'national-id',
  country: 'ES',
  description: 'Spanish NIE: X/Y/Z, seven digits and the mod-23 check letter.',
  requires: /[XYZxyz]/,
  patterns: [{ name: 'plain', regex: bounded('[XYZ]-?\\d{7}-?[A-HJ-NP-TV-Z]'), score: 0.6 }],
  checksum: true,
  context: { ...ES_ID_CONTEXT, en: [...(ES_ID_CONTEXT.en ?? []), 'número de identidad de extranjero', 'foreigner identity number'] },
  negativeContext: NUMBER_NEGATIVE,
  normalize: compactUpper,
  validate: esNieValid,
  mask: (v) => maskKeepLast(v, 2),
  examples: {
    valid: [
      'NIE Y9651994N',
      'NIE: X-3597574-Y',
      'X7713440E',
      'número de identidad de extranjero Y6141011W',
      'Z1388452Q',
      'nie=Z8830748H',
      'Residencia X0724298M',
      'NIE X4120367D.',
      'Y5707349M (extranjero)',
      'NIE Z3228216-X',
    ],
    invalid: [
      'NIE Y9651994M',
      'NIE W9651994N',
      'X359757Y',
      'X35975741Y',
      'pedido X7713440F',
      'Order Y6141011W',
      'AZ1388452Q',
      'Z1388452Q7',
      'NIE X0724298O',
      'Z88307480H',
    ],
  },
} satisfies Detector;
