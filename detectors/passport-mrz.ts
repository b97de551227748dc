/**
 * Machine-readable zones of passports and ID documents, ICAO Doc 9303 (EU: Regulation (EC)
 * 2252/2004, Regulation (EU) 2019/1157 for identity cards). We read the second line of a TD3
 * passport (44 characters) and of a TD2 document (36): document number + check digit,
 * nationality, birth date + check digit, sex, expiry + check digit, optional data (+ check digit
 * on TD3) and the composite check digit; all check digits (weights 7 3 1, mod 10) must hold, so
 * a match is near certain without context. Of a TD1 identity card (three lines of 30, the Dutch
 * ID card) we read line 2: birth date and expiry with their check digits, sex, nationality; its
 * composite check digit also covers line 1, which a line-by-line scan does not see, so a TD1
 * line scores a little lower.
 */
import { maskKeepLast } from './mask.js';
import type { Detector } from './types.js';
import { mrzCheckDigit } from './validators.js';

const check = (field: string, digit: string | undefined) => digit !== undefined && mrzCheckDigit(field) === Number(digit);

export function mrzLineValid(line: string): boolean {
  if (line.length === 30) return check(line.slice(0, 6), line[6]) && check(line.slice(8, 14), line[14]);
  if (line.length !== 44 && line.length !== 36) return false;
  const doc = line.slice(0, 9);
  const dob = line.slice(13, 19);
  const exp = line.slice(21, 27);
  if (!check(doc, line[9]) || !check(dob, line[19]) || !check(exp, line[27])) return false;
  if (line.length === 44) {
    const personal = line.slice(28, 42);
    const personalOk = line[42] === '<' ? /^<+$/.test(personal) : check(personal, line[42]);
    return personalOk && check(line.slice(0, 10) + line.slice(13, 20) + line.slice(21, 43), line[43]);
  }
  return check(line.slice(0, 10) + line.slice(13, 20) + line.slice(21, 35), line[35]);
}

const COMMON = '[A-Z0-9<]{9}\\d[A-Z<]{3}\\d{7}[MFX<]\\d{7}';

export const passportMrzDetector = {
  id: 'passport-mrz',
  category: 'national-id',
  description: 'Machine-readable zone of a passport (TD3) or ID document (TD2); every ICAO 9303 check digit verified.',
  requires: /<</,
  patterns: [
    { name: 'td3', regex: new RegExp(`(?<![A-Z0-9<])${COMMON}[A-Z0-9<]{14}[0-9<]\\d(?![A-Z0-9<])`, 'g'), score: 0.9 },
    { name: 'td2', regex: new RegExp(`(?<![A-Z0-9<])${COMMON}[A-Z0-9<]{7}\\d(?![A-Z0-9<])`, 'g'), score: 0.85 },
    { name: 'td1', regex: /(?<![A-Z0-9<])\d{7}[MFX<]\d{7}[A-Z<]{3}[A-Z0-9<]{11}\d(?![A-Z0-9<])/g, score: 0.8 },
  ],
  checksum: true,
  context: {
    en: ['passport', 'mrz', 'machine readable zone'],
    nl: ['paspoort', 'mrz', 'identiteitskaart'],
    de: ['reisepass', 'mrz', 'personalausweis'],
    fr: ['passeport', 'mrz'],
  },
  normalize: (raw) => raw,
  validate: mrzLineValid,
  mask: (v) =>
    v.length === 30 ? `${v.slice(15, 18)} MRZ ID card ******-${v[7]}` : `${maskKeepLast(v.slice(0, 9).replace(/</g, ''), 2)} ${v.slice(10, 13)} MRZ`,
  examples: {
    valid: [
      'DNDH7G3L25NLD6407140M2711173<<<<<<<<<<<<<<08',
      'MRZ: KQIX33P716NLD6712156F3207028<<<<<<<<<<<<<<08',
      'HD872F2790NLD9012260F3512045<<<<<<<<<<<<<<04',
      'P<NLDDE<VRIES<<JAN<<<<<<<<<<<<<<<<<<<<<<<<<< DNDH7G3L25NLD6407140M2711173<<<<<<<<<<<<<<08',
      'L898902C36UTO7408122F1204159ZE184226B<<<<<10',
      'paspoort: HD872F2790NLD9012260F3512045<<<<<<<<<<<<<<04',
      'D231458907UTO7408122F1204159<<<<<<<6',
      '7408122F1204159UTO<<<<<<<<<<<6',
      '  KQIX33P716NLD6712156F3207028<<<<<<<<<<<<<<08  ',
      'line2=DNDH7G3L25NLD6407140M2711173<<<<<<<<<<<<<<08;',
      'Passport MRZ HD872F2790NLD9012260F3512045<<<<<<<<<<<<<<04 scanned',
    ],
    invalid: [
      'DNDH7G3L25NLD6407140M2711173<<<<<<<<<<<<<<09',
      'DNDH7G3L26NLD6407140M2711173<<<<<<<<<<<<<<08',
      'DNDH7G3L25NLD6407141M2711173<<<<<<<<<<<<<<08',
      'DNDH7G3L25NLD6407140M2711174<<<<<<<<<<<<<<08',
      'DNDH7G3L25NLD6407140M2711173<<<<<<<<<<<<<08',
      'P<NLDDE<VRIES<<JAN<<<<<<<<<<<<<<<<<<<<<<<<<<',
      'L898902C36UTO7408122F1204159ZE184226B<<<<<11',
      'D231458907UTO7408122F1204159<<<<<<<7',
      '7408123F1204159UTO<<<<<<<<<<<6',
      'dndh7g3l25nld6407140m2711173<<<<<<<<<<<<<<08',
      'XDNDH7G3L25NLD6407140M2711173<<<<<<<<<<<<<<08',
    ],
  },
} satisfies Detector;
