/**
 * Dates of birth (AVG/GDPR Art. 4(1): an identifying attribute, and with a name the key to most
 * look-ups). Numeric dates (day first: 31-12-1980, 31.12.1980, 31/12/80; ISO 1980-12-31) and
 * month-name dates in Dutch, English, German, French, Spanish and Italian (12 maart 1985,
 * March 12, 1985, 12. März 1985, 12 mars 1985, 1er mai 1985, 12 de marzo de 1985, 12 marzo 1985). A date has no checksum and most dates are not
 * birth dates, so confidence comes from context alone: the detector only runs where a birth
 * word is present (in the text or its column header), and a bare or invoice date stays below
 * the threshold.
 */
import { ROMANCE_BIRTH_CONTEXT, ROMANCE_DATE_NEGATIVE, ROMANCE_MONTHS } from './date-words.js';
import { keywordsOf } from './shared.js';
import type { Candidate, ContextWords, Detector } from './types.js';
import { isDate } from './validators.js';

const MONTHS: Record<string, number> = {};
const add = (names: string, offset = 0) =>
  names.split(' ').forEach((n, i) => {
    MONTHS[n] = i + 1 + offset;
  });
add('januari februari maart april mei juni juli augustus september oktober november december');
add('january february march april may june july august september october november december');
add('januar februar märz april mai juni juli august september oktober november dezember');
add('janvier février mars avril mai juin juillet août septembre octobre novembre décembre');
add('jan feb mrt apr mei jun jul aug sep okt nov dec');
add('jan feb mar apr may jun jul aug sep oct nov dec');
add('jan feb mär apr mai jun jul aug sep okt nov dez');
add('janv févr mars avr mai juin juil août sept oct nov déc');
// Spanish and Italian (date-words.ts); a name shared with a language above keeps the same month.
for (const names of ROMANCE_MONTHS) add(names);
MONTHS.sept = 9;
MONTHS.jänner = 1;
MONTHS.maerz = 3;

const MONTH_ALT = Object.keys(MONTHS)
  .sort((a, b) => b.length - a.length)
  .join('|');
const B = '(?<![\\p{L}\\p{N}])';
const E = '(?![\\p{L}\\p{N}]|[-./]\\d)';
const NUMERIC = new RegExp(`${B}(\\d{1,2})([-./])(\\d{1,2})\\2(\\d{4}|\\d{2})${E}`, 'gu');
const ISO = new RegExp(`${B}(\\d{4})-(\\d{2})-(\\d{2})${E}`, 'gu');
const DAY_MONTH = new RegExp(`${B}(\\d{1,2})(?:er|\\.)? ?(${MONTH_ALT})\\.? (\\d{4})${E}`, 'giu');
/** Spanish: `12 de marzo de 1985`. */
const DAY_DE_MONTH = new RegExp(`${B}(\\d{1,2}) de (${MONTH_ALT}) de (\\d{4})${E}`, 'giu');
const MONTH_DAY = new RegExp(`${B}(${MONTH_ALT})\\.? (\\d{1,2})(?:st|nd|rd|th)?,? (\\d{4})${E}`, 'giu');

const THIS_YEAR = new Date().getUTCFullYear();
/** A plausible birth: a real date, not in the future, at most 120 years ago. Two-digit years read as the most recent past. */
function plausible(y: number, m: number, d: number, twoDigitYear: boolean): boolean {
  const year = twoDigitYear ? (2000 + y > THIS_YEAR ? 1900 + y : 2000 + y) : y;
  return year >= THIS_YEAR - 120 && year <= THIS_YEAR && isDate(year, m, d);
}

/** Every match of a global regex, by exec on the shared regex (matchAll would clone it on every call). */
function eachMatch(re: RegExp, text: string, take: (m: RegExpExecArray) => void): void {
  re.lastIndex = 0;
  for (let m = re.exec(text); m !== null; m = re.exec(text)) take(m);
}
/** ISO and month-name dates end in a four-digit year: without one, only the numeric form can match. */
const YEAR = /\d{4}/;

function findDates(text: string): Candidate[] {
  const found: Candidate[] = [];
  eachMatch(NUMERIC, text, (m) => {
    const [all, d, , mo, y] = m as unknown as string[];
    // Day first (Europe); a month-first US date is taken when only that reading is a date.
    const ok = plausible(Number(y), Number(mo), Number(d), y?.length === 2) || plausible(Number(y), Number(d), Number(mo), y?.length === 2);
    if (ok) found.push({ start: m.index, end: m.index + (all as string).length, score: 0.25, pattern: 'numeric' });
  });
  if (!YEAR.test(text)) return found;
  eachMatch(ISO, text, (m) => {
    const [all, y, mo, d] = m as unknown as string[];
    if (plausible(Number(y), Number(mo), Number(d), false)) found.push({ start: m.index, end: m.index + (all as string).length, score: 0.25, pattern: 'iso' });
  });
  const named = (m: RegExpExecArray, d: string, mo: string, y: string) => {
    if (plausible(Number(y), MONTHS[mo.toLowerCase()] ?? 0, Number(d), false))
      found.push({ start: m.index, end: m.index + (m[0] as string).length, score: 0.3, pattern: 'month-name' });
  };
  eachMatch(DAY_MONTH, text, (m) => named(m, m[1] as string, m[2] as string, m[3] as string));
  eachMatch(DAY_DE_MONTH, text, (m) => named(m, m[1] as string, m[2] as string, m[3] as string));
  eachMatch(MONTH_DAY, text, (m) => named(m, m[2] as string, m[1] as string, m[3] as string));
  return found;
}

/** The canonical YYYY-MM-DD of a matched date, so a look-up finds it in any print form. */
export function normalizeDate(written: string): string {
  const raw = written.replace(/^(\d{1,2}) de (\p{L}+) de (\d{4})$/u, '$1 $2 $3');
  const iso = /^(\d{4})-(\d{2})-(\d{2})$/.exec(raw);
  if (iso) return raw;
  const num = /^(\d{1,2})[-./](\d{1,2})[-./](\d{2,4})$/.exec(raw);
  const named = /^(\d{1,2})(?:er|\.)? ?(\p{L}+)\.? (\d{4})$/u.exec(raw);
  const us = /^(\p{L}+)\.? (\d{1,2})(?:st|nd|rd|th)?,? (\d{4})$/u.exec(raw);
  let y = 0;
  let m = 0;
  let d = 0;
  if (num) {
    [d, m, y] = [Number(num[1]), Number(num[2]), Number(num[3])];
    if (m > 12) [d, m] = [m, d];
    if (y < 100) y = 2000 + y > THIS_YEAR ? 1900 + y : 2000 + y;
  } else if (named) {
    [d, m, y] = [Number(named[1]), MONTHS[(named[2] as string).toLowerCase()] ?? 0, Number(named[3])];
  } else if (us) {
    [d, m, y] = [Number(us[2]), MONTHS[(us[1] as string).toLowerCase()] ?? 0, Number(us[3])];
  }
  return `${y}-${String(m).padStart(2, '0')}-${String(d).padStart(2, '0')}`;
}

const context: ContextWords = {
  nl: ['geboortedatum', 'geb.', 'geb', 'geboren', 'geb.datum', 'geboortedag', 'verjaardag', 'jarig'],
  en: ['date of birth', 'dob', 'd.o.b.', 'born', 'birth date', 'birthdate', 'birthday', 'date_of_birth', 'birth_date'],
  de: ['geburtsdatum', 'geb.', 'geboren', 'geburtstag'],
  fr: ['né le', 'née le', 'date de naissance', 'né', 'née', 'naissance'],
  ...ROMANCE_BIRTH_CONTEXT,
};

export const dateOfBirthDetector = {
  id: 'date-of-birth',
  category: 'identity',
  description: 'Dates of birth: numeric and month-name dates (NL/EN/DE/FR) only near a birth word or under a birth-date column.',
  // The context words minus the ones that hide inside common words (`geb` in `gebruik`, `né` in `année`).
  keywords: keywordsOf(context).filter((k) => k !== 'geb' && k !== 'né' && k !== 'née'),
  find: findDates,
  context,
  negativeContext: {
    nl: ['factuurdatum', 'vervaldatum', 'orderdatum', 'leverdatum', 'datum factuur', 'uitgiftedatum', 'geldig tot', 'afgegeven', 'verscheen', 'uitgebracht'],
    en: ['invoice date', 'due date', 'order date', 'date of issue', 'issued', 'expiry', 'expires', 'delivery date', 'published', 'released'],
    de: ['rechnungsdatum', 'lieferdatum', 'fällig', 'ausstellungsdatum', 'gültig bis'],
    fr: ['date de facture', "date d'échéance", 'date de livraison', "date d'émission"],
    ...ROMANCE_DATE_NEGATIVE,
  },
  normalize: normalizeDate,
  mask: (iso) => `****-**-${iso.slice(8)}`,
  examples: {
    valid: [
      'Geboortedatum: 12-03-1985',
      'geb. 1 april 1979',
      'Date of birth: 03/07/1990',
      'DOB 1964-11-23',
      'born March 12, 1985',
      'Geburtsdatum 12.03.1985',
      'née le 1er mai 1972',
      'geboren op 23 augustus 2001 te Utrecht',
      'date de naissance : 14 février 1988',
      'Geburtstag: 5. März 1960',
      'Fecha de nacimiento: 12 de marzo de 1985',
      'nato il 3 aprile 1979 a Napoli',
    ],
    invalid: [
      '12-03-1985',
      'Factuurdatum: 12-03-2024',
      'Geboortedatum: 31-02-1985',
      'geboren 32-13-1985',
      'Date of birth: 1750-01-01',
      'invoice date 2024-01-05, born before',
      'geboren in 1985',
      'Geboortedatum: 12-03-2999',
      'versie 1.2.1985',
      'DOB 12031985',
      'Pedido del 12 de mayo de 2024', // an order date, no birth word
      'data di nascita: 31 febbraio 1980', // no such day
      'Het boek ‘Geboren’ verscheen op 12 mei 2019.', // a book's publication date, not a birth
    ],
  },
} satisfies Detector;
