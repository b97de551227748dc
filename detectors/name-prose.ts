/**
 * Names in running text that carry no title and no list context (issue 16): a person who
 * introduces themselves (`my name is Dan`, `mijn naam is Wubbo`, `ich heiße Jürgen`, `je m'appelle
 * Élodie`, `me llamo Lucía`, `mi chiamo Giuseppe`), and a listed given name with a surname opening
 * a sentence with a verb (`John Oliver is a comedian`, `Dan Bar has a bank account`). A finder
 * and word lists for person-name.ts; the candidates go through the same engine scoring.
 */
import type { Candidate } from './types.js';

const NAME = '\\p{Lu}\\p{Ll}{1,20}(?:-\\p{Lu}\\p{Ll}{1,20})?';
const SURNAME = "\\p{Lu}[\\p{Ll}']{1,25}(?:-\\p{Lu}[\\p{Ll}']{1,25})?";

/** Phrases after which a capitalised word is the speaker's own name. Lower case; matched case-insensitively. */
const INTRODUCTIONS = [
  'my name is',
  'call me',
  'mijn naam is',
  'ik heet',
  'ich heiße',
  'ich heisse',
  'mein name ist',
  "je m'appelle",
  'je m’appelle',
  'me llamo',
  'mi nombre es',
  'mi chiamo',
  'il mio nome è',
];
const INTRO = new RegExp(`(?<![\\p{L}])(?:${INTRODUCTIONS.map((p) => p.replace(/ /g, '\\s+')).join('|')})\\s+`, 'giu');
/**
 * Words every introduction holds, for a keyword prefilter (prefilter.ts) that tells whether INTRO
 * can match at all. The prefilter lower-cases each character; the regex folds case as Unicode
 * does, where `ſ` is an `s` too, so the one word with an `s` comes with its `ſ` twin as well.
 */
export const INTRODUCTION_WORDS: readonly string[] = ['name', 'naam', 'heet', 'call', 'heiß', 'heis', 'heiſ', 'appelle', 'llamo', 'nombre', 'chiamo', 'nome'];
/** Read at the end of an introduction, case-sensitively (under the `i` flag `\p{Lu}` would match any letter). */
const INTRO_NAME = new RegExp(`${NAME}(?: ${SURNAME})?(?![\\p{L}\\p{N}])`, 'uy');

const TITLES = new Set([
  'mr',
  'mrs',
  'ms',
  'miss',
  'dr',
  'dhr',
  'mevr',
  'mevrouw',
  'meneer',
  'herr',
  'frau',
  'monsieur',
  'madame',
  'sr',
  'sra',
  'sig',
  'signor',
  'signora',
]);

/** Verbs that follow a person's name at the start of a sentence, in our six languages. */
const VERBS =
  'is|has|was|had|says|said|works|lives|heeft|werd|zegt|woont|werkt|ist|hat|war|sagt|wohnt|arbeitet|est|a|était|dit|es|tiene|era|dice|è|ha|vive|lavora';
/**
 * A name and a verb, read where a sentence opens: at the start of the text or after `.`, `!` or
 * `?` and one to three spaces (sentenceOpenings finds those places, where a look-behind tried
 * every position).
 */
const OPENING_AT = new RegExp(`(${NAME}) (${SURNAME}) (?:${VERBS})(?![\\p{L}\\p{N}])`, 'uy');
/** `\s` of a JavaScript regex, per UTF-16 unit. */
const SPACE = /\s/;
function isSpace(c: number): boolean {
  return c === 32 || (c >= 9 && c <= 13) || (c >= 128 && SPACE.test(String.fromCharCode(c)));
}
/** Where a capitalised word could open a sentence, in order: 0, and after `[.!?]\s{1,3}`. */
function sentenceOpenings(text: string, out: number[]): void {
  if (out.length === 1) out[0] = 0;
  else {
    out.length = 0;
    out.push(0);
  }
  // The stops found by indexOf (a memchr each), in order, where a loop read every character.
  let dot = text.indexOf('.');
  let bang = text.indexOf('!');
  let ask = text.indexOf('?');
  while (dot !== -1 || bang !== -1 || ask !== -1) {
    let i = dot;
    if (i === -1 || (bang !== -1 && bang < i)) i = bang;
    if (i === -1 || (ask !== -1 && ask < i)) i = ask;
    for (let k = 1; k <= 3 && i + k < text.length && isSpace(text.charCodeAt(i + k)); k++) out.push(i + k + 1);
    if (i === dot) dot = text.indexOf('.', i + 1);
    else if (i === bang) bang = text.indexOf('!', i + 1);
    else ask = text.indexOf('?', i + 1);
  }
}
const openings: number[] = [];

/** Words that open the name of an organisation, not of a person: `Gemeente Utrecht`, `Stichting Hulp`. */
const ORGANISATION_WORDS = new Set(
  'gemeente stichting vereniging provincie afdeling bedrijf team school ziekenhuis universiteit hogeschool ministerie firma kantoor city council company stadt firma société mairie ayuntamiento comune'.split(
    ' ',
  ),
);

/** A person label, then (within a few words) `is` or `:`, then a capitalised name: `contactpersoon bij ons is Wubbo Visser`. */
const LABELLED = new RegExp(
  `(?<![\\p{L}])(?:contactpersoon|contact person|ansprechpartner|personne de contact|persona de contacto|referente)(?: [\\p{Ll}]{1,12}){0,3}(?: is| ist| est| es| è|:) (${NAME}) (${SURNAME})(?![\\p{L}\\p{N}])`,
  'gu',
);

/** Words every person label of LABELLED holds, for the prefilter. */
export const LABEL_WORDS: readonly string[] = ['contact', 'ansprechpartner', 'referente'];

/**
 * Words after which a capitalised given name with a surname is a person: context for person-name.
 * (`gesprek met Kees Bakker`, `meeting with John Smith`).
 */
export const MEETING_CONTEXT = {
  nl: ['gesprek met', 'afspraak met', 'overleg met', 'contact met', 'gesproken met', 'namens'],
  en: ['meeting with', 'spoke with', 'spoke to', 'met with', 'call with', 'on behalf of'],
  de: ['gespräch mit', 'termin mit', 'telefonat mit'],
  fr: ['rendez-vous avec', 'entretien avec', 'réunion avec'],
  es: ['reunión con', 'cita con', 'hablé con'],
  it: ['incontro con', 'colloquio con', 'appuntamento con'],
} as const;

/** Month names that are surnames after a title (`Mr. May`, `Mrs April`), and nowhere else. */
export const MONTH_SURNAMES: ReadonlySet<string> = new Set(['may', 'april', 'june', 'august', 'mei', 'juni', 'mai']);

/** What a prefilter pass said the text can hold: false only where INTRODUCTION_WORDS / LABEL_WORDS are absent. */
export interface ProseWords {
  introductions: boolean;
  labels: boolean;
}
const ANY: ProseWords = { introductions: true, labels: true };

/** Adds the prose names of `text` to `found`; `words` lets the caller skip the phrases its prefilter ruled out. */
export function findProseNames(
  text: string,
  isGivenName: (lower: string) => boolean,
  surnameOk: (s: string) => boolean,
  found: Candidate[],
  words: ProseWords = ANY,
): void {
  if (words.introductions) findIntroductions(text, surnameOk, found);
  if (words.labels) findLabelled(text, surnameOk, found);
  findOpenings(text, isGivenName, surnameOk, found);
}

function findIntroductions(text: string, surnameOk: (s: string) => boolean, found: Candidate[]): void {
  INTRO.lastIndex = 0;
  for (let m = INTRO.exec(text); m !== null; m = INTRO.exec(text)) {
    INTRO_NAME.lastIndex = m.index + m[0].length;
    const name = INTRO_NAME.exec(text);
    if (!name) continue;
    const words = name[0].split(' ');
    // `call me Mr. May`: a title is not the name; the title pattern reads what follows it.
    if (TITLES.has((words[0] as string).toLowerCase())) continue;
    if (words.length === 2 && !surnameOk(words[1] as string)) continue;
    found.push({ start: name.index, end: name.index + name[0].length, score: 0.6, pattern: 'introduction' });
  }
}

function findLabelled(text: string, surnameOk: (s: string) => boolean, found: Candidate[]): void {
  LABELLED.lastIndex = 0;
  for (let m = LABELLED.exec(text); m !== null; m = LABELLED.exec(text)) {
    const [all, given, surname] = m as unknown as [string, string, string];
    if (!surnameOk(surname) || !surnameOk(given) || ORGANISATION_WORDS.has(given.toLowerCase())) continue;
    const start = m.index + all.length - given.length - 1 - surname.length;
    found.push({ start, end: m.index + all.length, score: 0.5, pattern: 'labelled' });
  }
}

function findOpenings(text: string, isGivenName: (lower: string) => boolean, surnameOk: (s: string) => boolean, found: Candidate[]): void {
  sentenceOpenings(text, openings);
  let after = 0;
  for (let k = 0; k < openings.length; k++) {
    const at = openings[k] as number;
    if (at < after || at >= text.length) continue;
    OPENING_AT.lastIndex = at;
    const m = OPENING_AT.exec(text);
    if (m === null) continue;
    after = at + m[0].length;
    const [, given, surname] = m as unknown as [string, string, string];
    if (!isGivenName(given.toLowerCase()) || !surnameOk(surname)) continue;
    found.push({ start: m.index, end: m.index + given.length + 1 + surname.length, score: 0.55, pattern: 'sentence-opening' });
  }
}
