/**
 * Finnish personal identity code (henkilötunnus, HETU), Väestötietojärjestelmälaki 661/2009.
 * DDMMYY, a century sign (+ 1800s; - Y X W V U 1900s; A B C D E F 2000s), a serial 002-899 and a
 * check character: "0123456789ABCDEFHJKLMNPRSTUVWXY"[DDMMYYNNN mod 31]. One in 31 random
 * strings pass; the detector only runs where a HETU word is present.
 */
import { maskKeepLast } from './mask.js';
import { bounded, keywordsOf, NUMBER_NEGATIVE } from './shared.js';
import type { ContextWords, Detector } from './types.js';
import { isDate } from './validators.js';

const CHECK = '0123456789ABCDEFHJKLMNPRSTUVWXY';
const CENTURY: Record<string, number> = {
  '+': 1800,
  '-': 1900,
  Y: 1900,
  X: 1900,
  W: 1900,
  V: 1900,
  U: 1900,
  A: 2000,
  B: 2000,
  C: 2000,
  D: 2000,
  E: 2000,
  F: 2000,
};

export function hetuValid(v: string): boolean {
  const m = /^(\d{2})(\d{2})(\d{2})([-+A-FU-Y])(\d{3})([0-9A-Y])$/.exec(v);
  if (!m) return false;
  const [, dd, mm, yy, sign, serial, check] = m as unknown as string[];
  if (!isDate((CENTURY[sign as string] as number) + Number(yy), Number(mm), Number(dd))) return false;
  if (Number(serial) < 2) return false;
  return CHECK[Number(`${dd}${mm}${yy}${serial}`) % 31] === check;
}

const context: ContextWords = {
  en: ['hetu', 'henkilötunnus', 'finnish personal identity code', 'personal identity code'],
  nl: ['hetu', 'henkilötunnus', 'fins persoonsnummer'],
  de: ['hetu', 'henkilötunnus', 'finnische personenkennung'],
  fr: ['hetu', 'henkilötunnus', "code d'identité finlandais"],
};

export const fiHetuDetector = {
  id: 'fi-hetu',
  category: 'national-id',
  country: 'FI',
  description: 'Finnish henkilötunnus: birth date, century sign, serial and mod-31 check character; needs a HETU word nearby.',
  keywords: [...keywordsOf(context), 'henkilötunnuksen', 'personbeteckning', 'sotu'],
  patterns: [{ name: 'code', regex: bounded('\\d{6}[-+A-FU-Y]\\d{3}[0-9A-FHJ-NPR-Y]'), score: 0.45 }],
  checksum: true,
  context: { ...context, en: [...(context.en ?? []), 'henkilötunnuksen', 'personbeteckning', 'sotu'] },
  negativeContext: NUMBER_NEGATIVE,
  normalize: (raw) => raw.toUpperCase(),
  validate: hetuValid,
  mask: (v) => maskKeepLast(v, 2),
  examples: {
    valid: [
      'Henkilötunnus: 090554-839U',
      'HETU 250501A870F',
      'hetu 210381-697B',
      'henkilötunnus 191185-6888',
      'HETU: 200899-1624',
      'personbeteckning 061242-468F',
      'Hetu 010503A444S',
      'henkilötunnus 130144-3616',
      'HETU 160261-685S.',
      'sotu 220704A580K',
    ],
    invalid: [
      'Henkilötunnus: 090554-839V',
      '090554-839U',
      'HETU 250501A870E',
      'hetu 320381-697B',
      'henkilötunnus 191185-688',
      'HETU 200899G1624',
      'order 061242-468F hetu',
      'Hetu 010503A001S',
      'henkilötunnus 1301443616',
      'HETU 160261-685SS',
    ],
  },
} satisfies Detector;
