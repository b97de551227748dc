/**
 * Italian fiscal code (codice fiscale), D.P.R. 605/1973. Sixteen characters: three letters from
 * the surname, three from the given name, year, month letter (A B C D E H L M P R S T), day
 * (+40 for women), the place code and a check letter: characters in odd positions map through a
 * fixed table, even ones to their value, sum mod 26 → A…Z. When two people would share a code
 * ("omocodia") digits are replaced, from the right, by the letters L M N P Q R S T U V; the
 * check letter is then computed over the substituted code, which this validator accepts.
 */
import { maskKeepLast } from './mask.js';
import { bounded } from './shared.js';
import type { Detector } from './types.js';

const ODD = [1, 0, 5, 7, 9, 13, 15, 17, 19, 21, 2, 4, 18, 20, 11, 3, 6, 8, 12, 14, 16, 10, 22, 25, 24, 23];
const OMOCODIA = 'LMNPQRSTUV';
const D = '[0-9LMNPQRSTUV]';

const charValue = (ch: string) => (/\d/.test(ch) ? Number(ch) : ch.charCodeAt(0) - 65);

export function itFiscalCodeValid(code: string): boolean {
  if (!/^[A-Z]{6}[0-9LMNPQRSTUV]{2}[ABCDEHLMPRST][0-9LMNPQRSTUV]{2}[A-Z][0-9LMNPQRSTUV]{3}[A-Z]$/.test(code)) return false;
  const plainDay = Number([...code.slice(9, 11)].map((ch) => (/\d/.test(ch) ? ch : String(OMOCODIA.indexOf(ch)))).join(''));
  if (!((plainDay >= 1 && plainDay <= 31) || (plainDay >= 41 && plainDay <= 71))) return false;
  let sum = 0;
  for (let i = 0; i < 15; i++) {
    const v = charValue(code[i] as string);
    sum += i % 2 === 0 ? (ODD[v] as number) : v;
  }
  return String.fromCharCode(65 + (sum % 26)) === code[15];
}

export const itFiscalCodeDetector = {
  id: 'it-fiscal-code',
  category: 'national-id',
  country: 'IT',
  description: 'Italian codice fiscale: structure, month letter, day and check character verified; omocodia accepted.',
  requires: /[A-Z]{6}/,
  patterns: [{ name: 'code', regex: bounded(`[A-Z]{6}${D}{2}[ABCDEHLMPRST]${D}{2}[A-Z]${D}{3}[A-Z]`), score: 0.8 }],
  checksum: true,
  context: {
    en: ['codice fiscale', 'fiscal code', 'italian tax code', 'c.f.'],
    nl: ['codice fiscale', 'italiaans fiscaal nummer'],
    de: ['codice fiscale', 'italienische steuernummer'],
    fr: ['codice fiscale', 'code fiscal'],
  },
  normalize: (raw) => raw.toUpperCase(),
  validate: itFiscalCodeValid,
  mask: (v) => maskKeepLast(v, 2),
  examples: {
    valid: [
      'Codice fiscale: LJNBKB60E62L513A',
      'C.F. RHCSFJ65A42M071G',
      'CCVSRJ88R05L158F',
      'codice fiscale TBPSVH95R12M647L',
      'LMJNNS60B64B241Y (dipendente)',
      'fiscal code LTPLFB70R03B208E',
      'CF: PKBJZB91B10I560U',
      'omocodia: HKFRLG06H01A85SX',
      'HSTCTH68T14B39PJ',
      'codice KLJLVJ80R25A52SD',
    ],
    invalid: [
      'LJNBKB60E62L513B',
      'RHCSFJ65A42M071',
      'CCVSRJ88R05L158FF',
      'TBPSVH95R12M647LX',
      'LMJNNS60Z64B241Y',
      'LTPLFB70R93B208E',
      'pkbjzb91b10i560u',
      'PKBJZB91B10I560A',
      'HKFRLG06H01A85SY',
      'ABCDEFGHIJKLMNOP',
    ],
  },
} satisfies Detector;
