/**
 * Names of people (AVG/GDPR Art. 4(1)): the most common personal data of all, and the one with
 * no format. We find three shapes: a listed given name followed by a capitalised surname (with
 * Dutch/German/French particles: `Jan van der Berg`, `Fatima el Amrani`, `Ayşe Yılmaz`), a title
 * or salutation followed by a surname (`Dhr. J. de Vries`, `Geachte mevrouw Bakker`, `Dear Mr
 * Smith`, `Herr Müller`), initials with a surname (`J.P. de Vries`), and a segment that is only
 * a name (a spreadsheet cell, a signature line), whatever the given name. No checksum: a bare
 * given-name + surname scores just under the threshold, and context (`Naam:`, a name column,
 * `Geachte`, `Dear`, a closing such as `Met vriendelijke groet`) lifts it. Model-based
 * recognisers plug in through detectors/ner.ts.
 */

import { LETTER_CASE, LETTER_OR_DIGIT } from './chars.js';
import { findProseNames, INTRODUCTION_WORDS, LABEL_WORDS, MEETING_CONTEXT, MONTH_SURNAMES, type ProseWords } from './name-prose.js';
import { FIRST_NAMES, NOT_SURNAMES, PARTICLES } from './names.js';
import { ROMANCE_NAME_CONTEXT, ROMANCE_TITLES } from './names-romance.js';
import { maskWords } from './postal-address.js';
import { buildPrefilter } from './prefilter.js';
import { SURROGATE, shapeFor } from './shape.js';
import type { Candidate, Detector } from './types.js';

const B = '(?<![\\p{L}\\p{N}.@])';
const E = '(?![\\p{L}\\p{N}@]|\\.\\p{L})';
const NAME = '\\p{Lu}\\p{Ll}{1,20}(?:-\\p{Lu}\\p{Ll}{1,20})?';
const SURNAME = "\\p{Lu}[\\p{Ll}']{1,25}(?:-\\p{Lu}[\\p{Ll}']{1,25})?";
const PARTICLE = `(?:${PARTICLES.map((p) => `[${p[0]?.toUpperCase()}${p[0]}]${p.slice(1).replace(/'/g, "'")}`).join('|')})`;
const INITIALS = '(?:\\p{Lu}\\.){1,4}';
/** Capitalised titles, met as words in the capitalised-word pass; the lower-case ones (after `Geachte`) have their own pattern. */
const TITLE_WORDS: ReadonlySet<string> = new Set([
  'dhr',
  'mevr',
  'mw',
  'mr',
  'mrs',
  'ms',
  'miss',
  'dr',
  'drs',
  'ir',
  'herr',
  'frau',
  'mme',
  'mlle',
  'monsieur',
  'madame',
  ...ROMANCE_TITLES,
]);

/**
 * Capitalised words; only those that are listed given names go on to the full pattern, read
 * there with a sticky regex. Cheaper than trying a name pattern at every position, and each word
 * is tried, so `Met Jan de Vries` finds `Jan de Vries`.
 */
const WORD = new RegExp(`${B}\\p{Lu}\\p{Ll}{1,20}`, 'gu');
const FULL_AT = new RegExp(`(${NAME})((?: ${INITIALS}| ${NAME}){0,2})( ${PARTICLE})? (${SURNAME})${E}`, 'uy');
const LOWER_TITLE = /(?<![\p{L}\p{N}])(?:heer|mevrouw|meneer|juffrouw|mevr\.|dhr\.|mw\.) ?(?=\p{Lu})/gu;
const TITLE_END = /\.? /y;
const AFTER_TITLE = new RegExp(`(?:${NAME} |${INITIALS} ?)?(?:${PARTICLE} )?${SURNAME}${E}`, 'uy');
const HAS_INITIAL = /\p{Lu}\./u;
/** A segment that is nothing but a name: a cell under `Naam`, the line under `Met vriendelijke groet,`. */
// A second given name and a second surname too: `Anna Maria De Luca`, `María García López`.
const WHOLE = new RegExp(`^\\s{0,8}(${NAME})(?: ${NAME})?(?: ${PARTICLE})? (${SURNAME})(?: ${SURNAME})?\\s{0,8}$`, 'u');
const INITIALED = new RegExp(`${B}${INITIALS} ?(?:${PARTICLE} )?${SURNAME}${E}`, 'gu');

const STREETISH = /(?:straat|laan|weg|plein|gracht|kade|singel|dijk|straße|strasse|street|road|avenue|lane)$/;

function surnameOk(surname: string): boolean {
  const lower = surname.toLowerCase();
  return !NOT_SURNAMES.has(lower) && !STREETISH.test(lower) && !FIRST_NAMES_ONLY.has(lower);
}
/** Given names that are rarely surnames: `Jan Peter` is two given names, not a full name. */
const FIRST_NAMES_ONLY: ReadonlySet<string> = new Set(['jan', 'peter', 'maria', 'anna', 'marie', 'johanna']);

/**
 * The capitalised words of a text, as `WORD` finds them (start and end of each match, in order):
 * a table look-up per character where the regex tried its look-behind at every position. Texts
 * with characters outside the Basic Multilingual Plane take the regex. Returns whether a capital
 * is followed by a full stop (`HAS_INITIAL`), seen on the way.
 */
function capitalisedWords(text: string, out: number[]): boolean {
  if (out.length !== 0) out.length = 0;
  const shape = shapeFor(text);
  if ((shape.flags & SURROGATE) !== 0) {
    WORD.lastIndex = 0;
    for (let m = WORD.exec(text); m !== null; m = WORD.exec(text)) out.push(m.index, m.index + m[0].length);
    return HAS_INITIAL.test(text);
  }
  let initial = false;
  // A capital is A-Z or a character outside ASCII: the shape's marks, so lower case is never read here.
  const marks = shape.marks;
  let next = 0;
  for (let k = 0; k < shape.markCount; k++) {
    const i = marks[k] as number;
    if (i < next || LETTER_CASE[text.charCodeAt(i)] !== 1) continue;
    if (text.charCodeAt(i + 1) === 46) initial = true;
    if (i > 0) {
      const before = text.charCodeAt(i - 1);
      if (LETTER_OR_DIGIT[before] === 1 || before === 46 || before === 64) continue;
    }
    let j = i + 1;
    while (j < text.length && j - i <= 20 && LETTER_CASE[text.charCodeAt(j)] === 2) j++;
    if (j === i + 1) continue;
    out.push(i, j);
    next = j;
  }
  return initial;
}
/**
 * What a capitalised word is, looked up as written (`Jan`, `Dhr`) so most words need no
 * lower-cased copy: 1 a title, 2 a listed given name. Only words whose lower case maps back to
 * the same written form are keyed so; a word opening with a non-ASCII capital is lower-cased and
 * looked up in the lists themselves.
 */
const TITLE = 1;
const GIVEN = 2;
const WRITTEN: ReadonlyMap<string, number> = (() => {
  const written = new Map<string, number>();
  const add = (lower: string, role: number) => {
    const form = lower.charAt(0).toUpperCase() + lower.slice(1);
    if (form.toLowerCase() === lower && !written.has(form)) written.set(form, role);
  };
  for (const w of TITLE_WORDS) add(w, TITLE);
  for (const w of FIRST_NAMES) add(w, GIVEN);
  return written;
})();
/**
 * Per ASCII capital, lower-case ASCII second letter and length: 1 when a word of WRITTEN has that
 * form. Most capitalised words (`Project`, `Planning`) are turned down here, without a copy of
 * the word or a hash of it.
 */
const WRITTEN_FORM = new Uint8Array(26 * 26 * 32);
const formIndex = (first: number, second: number, length: number) => ((first - 65) * 26 + (second - 97)) * 32 + length;
const hasFormIndex = (first: number, second: number, length: number) => first >= 65 && first <= 90 && second >= 97 && second <= 122 && length < 32;
for (const word of WRITTEN.keys()) {
  const first = word.charCodeAt(0);
  const second = word.charCodeAt(1);
  if (hasFormIndex(first, second, word.length)) WRITTEN_FORM[formIndex(first, second, word.length)] = 1;
}
function roleOf(text: string, start: number, end: number): number {
  const first = text.charCodeAt(start);
  if (first < 128) {
    const second = text.charCodeAt(start + 1);
    if (hasFormIndex(first, second, end - start) && WRITTEN_FORM[formIndex(first, second, end - start)] === 0) return 0;
    return WRITTEN.get(text.slice(start, end)) ?? 0;
  }
  const lower = text.slice(start, end).toLowerCase();
  return TITLE_WORDS.has(lower) ? TITLE : FIRST_NAMES.has(lower) ? GIVEN : 0;
}
/** Reused by every call: the word offsets of the text being read. */
const words: number[] = [];
/**
 * The literal part of every lower-case title, introduction and person label: one prefilter pass
 * (case-insensitive, so it admits all the case-sensitive literals too) tells which of LOWER_TITLE,
 * and of the introduction and label regexes of name-prose.ts, can match at all, where each of
 * those regexes scanned the whole text. In the engine that pass is the engine's own keyword pass
 * (the detector's `phrases`), so the text is not read again for them.
 */
const PHRASE_GROUPS = [['heer', 'mevr', 'meneer', 'juffrouw', 'dhr.', 'mw.'], INTRODUCTION_WORDS, LABEL_WORDS];
/** Built when `findNames` is called without the engine's answer (which it gets in the engine's keyword pass). */
let ownPhrases: ReturnType<typeof buildPrefilter> | undefined;
/** Reused by those calls: which of the three the text can hold. */
const ownMarks = new Uint8Array(3);
const proseWords: ProseWords = { introductions: true, labels: true };
const isGivenName = (lower: string) => FIRST_NAMES.has(lower);

function findNames(text: string, _hints?: unknown, given?: Uint8Array): Candidate[] {
  const found: Candidate[] = [];
  // Name-shaped segments count only with context (a name column, a closing line before them),
  // so given names outside our lists are found where the layout says "this is a name".
  const whole = text.length <= 60 ? WHOLE.exec(text) : null;
  if (whole && !NOT_SURNAMES.has((whole[1] as string).toLowerCase()) && surnameOk(whole[2] as string)) {
    const start = text.length - text.trimStart().length;
    found.push({ start, end: text.trimEnd().length, score: 0.3, pattern: 'name-shaped' });
  }
  const titled = (start: number): Candidate | undefined => {
    AFTER_TITLE.lastIndex = start;
    const m = AFTER_TITLE.exec(text);
    const last = m?.[0].split(' ').pop() as string;
    if (!m || !(surnameOk(last) || MONTH_SURNAMES.has(last.toLowerCase()))) return undefined;
    return { start, end: start + m[0].length, score: 0.6, pattern: 'title' };
  };
  const initial = capitalisedWords(text, words);
  for (let k = 0; k < words.length; k += 2) {
    const start = words[k] as number;
    const wordEnd = words[k + 1] as number;
    const role = roleOf(text, start, wordEnd);
    if (role === 0) continue;
    if (role === TITLE) {
      TITLE_END.lastIndex = wordEnd;
      const end = TITLE_END.exec(text);
      const c = end ? titled(TITLE_END.lastIndex) : undefined;
      if (c) found.push(c);
      continue;
    }
    FULL_AT.lastIndex = start;
    const m = FULL_AT.exec(text);
    if (!m) continue;
    const [all, , middle, particle, surname] = m as unknown as [string, string, string | undefined, string | undefined, string];
    if (!surnameOk(surname)) continue;
    found.push({ start, end: start + all.length, score: particle || middle ? 0.5 : 0.45, pattern: 'given-name' });
  }
  let phrases = given;
  if (phrases === undefined) {
    ownPhrases ??= buildPrefilter(PHRASE_GROUPS);
    ownMarks.fill(0);
    ownPhrases.scan(text, ownMarks);
    phrases = ownMarks;
  }
  if (phrases[0] === 1) {
    LOWER_TITLE.lastIndex = 0;
    for (let t = LOWER_TITLE.exec(text); t !== null; t = LOWER_TITLE.exec(text)) {
      const c = titled(t.index + t[0].length);
      if (c) found.push(c);
    }
  }
  proseWords.introductions = phrases[1] === 1;
  proseWords.labels = phrases[2] === 1;
  findProseNames(text, isGivenName, surnameOk, found, proseWords);
  if (!initial) return found;
  INITIALED.lastIndex = 0;
  for (let m = INITIALED.exec(text); m !== null; m = INITIALED.exec(text)) {
    const surname = m[0].split(' ').pop() as string;
    if (surnameOk(surname)) found.push({ start: m.index, end: m.index + m[0].length, score: 0.35, pattern: 'initials' });
  }
  return found;
}

export const personNameDetector = {
  id: 'person-name',
  category: 'identity',
  description: 'Names of people: listed given names with a surname (particles included), titles and salutations, initials; context lifts bare names.',
  requires: /\p{Lu}/u,
  find: findNames,
  phrases: PHRASE_GROUPS,
  context: {
    nl: [
      'naam',
      'voornaam',
      'achternaam',
      'volledige naam',
      'dhr',
      'mevr',
      'mw',
      'geachte',
      'beste',
      'contactpersoon',
      'medewerker',
      'werknemer',
      'sollicitant',
      'patiënt',
      'cliënt',
      'leerling',
      'met vriendelijke groet',
      'vriendelijke groet',
      'groet',
      'groeten',
      't.a.v.',
      'namens',
      'ondergetekende',
      'aanwezig',
      'afwezig',
      'notulist',
      'voorzitter',
      ...MEETING_CONTEXT.nl,
    ],
    en: [
      'name',
      'full name',
      'first name',
      'last name',
      'surname',
      'mr',
      'mrs',
      'ms',
      'dear',
      'regards',
      'kind regards',
      'sincerely',
      'employee',
      'applicant',
      'patient',
      'attn',
      'signed',
      'contact person',
      'attendees',
      'present',
      'absent',
      'chair',
      ...MEETING_CONTEXT.en,
    ],
    de: [
      'name',
      'vorname',
      'nachname',
      'herr',
      'frau',
      'sehr geehrte',
      'sehr geehrter',
      'mit freundlichen grüßen',
      'mitarbeiter',
      'ansprechpartner',
      ...MEETING_CONTEXT.de,
    ],
    fr: ['nom', 'prénom', 'monsieur', 'madame', 'cordialement', 'salarié', 'nom complet', ...MEETING_CONTEXT.fr],
    ...ROMANCE_NAME_CONTEXT,
    es: [...ROMANCE_NAME_CONTEXT.es, ...MEETING_CONTEXT.es],
    it: [...ROMANCE_NAME_CONTEXT.it, ...MEETING_CONTEXT.it],
  },
  negativeContext: {
    nl: ['straat', 'bv', 'b.v.', 'stichting', 'gemeente'],
    en: ['street', 'ltd', 'inc', 'company'],
    de: ['gmbh', 'straße'],
    fr: ['rue', 'société'],
  },
  normalize: (raw) => raw.replace(/\s+/g, ' ').trim().toLowerCase(),
  mask: (v) => maskWords(v),
  examples: {
    valid: [
      'Naam: Jan de Vries',
      'Geachte heer Bakker,',
      'Dhr. J.P. van der Berg',
      'Dear Mr Smith,',
      'Met vriendelijke groet,  Fatima el Amrani',
      'Sehr geehrte Frau Müller',
      'Contactpersoon: Ayşe Yılmaz',
      'Madame Dubois a appelé.',
      'Naam werknemer: Mohamed Bouzid',
      'Kind regards, Emily Johnson',
      'John Oliver is a comedian.',
      'Dan Bar has a bank account.',
      'They call me Mr. May.',
      'Hi, my name is Dan.',
      'Morgen een gesprek met Kees Bakker.',
      'Afspraak met mevr. El Amrani om tien uur.',
      'Ciao, mi chiamo Giuseppe.',
      'Dipendente: Giuseppe Russo',
      'contactpersoon bij ons is Wubbo Visser',
    ],
    invalid: [
      'Victoria Station',
      'Kerkstraat 12',
      'De Nederlandsche Bank',
      'Maandag 12 januari',
      'Willem de Zwijgerlaan 5',
      'Naam: Jan',
      'THE END',
      'Amsterdam Centraal',
      'Met Vriendelijke Groet',
      'jan de vries',
      'My name is on the list.', // no capitalised name after the introduction
      'Victoria Station was closed.', // a listed given name before a place word
      'The Bank has a new branch.', // no listed given name opens the sentence
      'Amsterdam Centraal is open.', // a city, not a given name
      'groetjes van het hele team', // lower-case words after a closing that are no given name
      'contactpersoon: Gemeente Utrecht', // a label before a body, `Utrecht` is no surname after `Gemeente`
    ],
  },
} satisfies Detector;
