/**
 * Which country an item is about, from cheap signals, so that a phone number written without a
 * country code can be read in that country's numbering plan (issue 16). A region is hinted only
 * by evidence the item itself shows, never guessed from the number:
 *
 * - the item's folders (`BE/`, `belgie/`, `Deutschland/`) and the words of its file name
 *   (`klanten-belgie.csv`);
 * - in its text: an IBAN of that country (`BE71 0961…`), a number with that country's calling
 *   code (`+32`, `0049`), an e-mail or web address on its domain (`@firma.be`), a postcode with one
 *   of its cities (`1000 Brussel`, `10115 Berlin`), the country's name (`België`, `Deutschland`);
 * - for German, the language: a text written in German is read with the German plan.
 *
 * Only regions whose national numbers have a shape checked before parsing are hinted (phone.ts
 * `NATIONAL_SHAPE`): NL, BE, DE, FR. The values seen here are never kept, only which regions they
 * point at.
 */

import { AT, shapeFor } from './shape.js';

export type HintedRegion = 'NL' | 'BE' | 'DE' | 'FR';

/** Folder names, and long words of file names, that name a country (lower case, in the languages we cover). */
const PLACE_NAMES: Record<HintedRegion, readonly string[]> = {
  NL: ['nl', 'nederland', 'netherlands', 'holland', 'niederlande', 'pays-bas', 'paysbas'],
  BE: ['be', 'belgie', 'belgië', 'belgique', 'belgium', 'belgien', 'vlaanderen', 'flanders', 'wallonie', 'wallonië', 'brussel', 'bruxelles', 'brussels'],
  DE: ['de', 'deutschland', 'germany', 'duitsland', 'allemagne', 'alemania', 'germania'],
  FR: ['fr', 'france', 'frankrijk', 'frankreich', 'francia'],
};
const REGION_OF_NAME = new Map<string, HintedRegion>(
  Object.entries(PLACE_NAMES).flatMap(([region, names]) => names.map((n) => [n, region as HintedRegion] as const)),
);

/**
 * The regions an item's path names: whole folder names (`BE`, `belgie`), and in the file name only
 * words of four letters or more (`klanten-belgie.csv`), since `de` in `brief de vries.docx` is a word.
 */
export function regionsOfPath(path: string): HintedRegion[] {
  const parts = path.split(/[/\\]+/).filter(Boolean);
  const file = parts.pop() ?? '';
  const found = new Set<HintedRegion>();
  for (const folder of parts) {
    const region = REGION_OF_NAME.get(folder.toLowerCase());
    if (region) found.add(region);
  }
  for (const word of file.toLowerCase().split(/[^\p{L}]+/u)) {
    const region = word.length >= 4 ? REGION_OF_NAME.get(word) : undefined;
    if (region) found.add(region);
  }
  return [...found];
}

const BE_CITIES =
  'Brussel|Bruxelles|Antwerpen|Anvers|Gent|Gand|Brugge|Bruges|Leuven|Louvain|Liège|Luik|Namur|Namen|Charleroi|Mechelen|Malines|Hasselt|Kortrijk|Courtrai|Oostende|Ostende|Aalst|Mons|Genk|Sint-Niklaas|Roeselare|Ixelles|Elsene|Schaerbeek|Schaarbeek|Anderlecht|Uccle|Ukkel|Wavre|Waver|Tournai|Doornik|Verviers|Eupen|Arlon|Aarlen|Turnhout|Lier|Dendermonde|Ieper|Ypres|Waterloo|Ottignies|Louvain-la-Neuve|Sint-Truiden|Tongeren|Knokke-Heist|Zaventem|Vilvoorde';
const DE_CITIES =
  'Berlin|München|Hamburg|Köln|Frankfurt|Stuttgart|Düsseldorf|Dortmund|Essen|Leipzig|Bremen|Dresden|Hannover|Nürnberg|Duisburg|Bochum|Wuppertal|Bielefeld|Bonn|Münster|Aachen|Mannheim|Karlsruhe|Augsburg|Wiesbaden|Kiel|Freiburg|Mainz|Potsdam|Rostock';
const FR_CITIES = 'Paris|Lyon|Marseille|Toulouse|Nice|Nantes|Strasbourg|Montpellier|Bordeaux|Lille|Rennes|Reims|Toulon|Grenoble|Dijon|Angers';

/** Latin letters, for word edges without Unicode mode (several times slower on every text). */
const L = 'A-Za-zÀ-ÖØ-öø-ÿ';
const COUNTRY_NAMES: Record<string, HintedRegion> = {
  Nederland: 'NL',
  Netherlands: 'NL',
  Niederlande: 'NL',
  'Pays-Bas': 'NL',
  België: 'BE',
  Belgie: 'BE',
  Belgique: 'BE',
  Belgium: 'BE',
  Belgien: 'BE',
  Deutschland: 'DE',
  Germany: 'DE',
  Duitsland: 'DE',
  Allemagne: 'DE',
  France: 'FR',
  Frankrijk: 'FR',
  Frankreich: 'FR',
};
const CALLING_CODES: Record<string, HintedRegion> = { '31': 'NL', '32': 'BE', '33': 'FR', '49': 'DE' };

/**
 * One pass over a text finds every signal; the named group says which one. Each signal is specific
 * to its country: a calling code needs the digit after it, an IBAN its check digits, a postcode a
 * city of that country beside it.
 */
const DIGIT_SIGNALS = [
  String.raw`\b(?:(?<ibanNL>NL)\d{2} ?[A-Z]{4}|(?<iban>BE|DE|FR)\d{2} ?\d{4})`,
  String.raw`(?:\+|(?<!\d)00)(?<cc>3[123]|49)[ (]*[1-9]`,
  String.raw`(?<!\d)(?:[1-9]\d{3} (?<be>${BE_CITIES})|\d{5} (?:(?<de>${DE_CITIES})|(?<fr>${FR_CITIES})))(?![${L}])`,
];
const TLD_SIGNAL = String.raw`@[\w.-]+\.(?<tld>nl|be|de|fr)(?![\w.-])`;
const NAME_SIGNAL = `(?<![${L}])(?<name>${Object.keys(COUNTRY_NAMES).join('|')})(?![${L}])`;
const SIGNALS = new RegExp([DIGIT_SIGNALS[0], DIGIT_SIGNALS[1], TLD_SIGNAL, NAME_SIGNAL, DIGIT_SIGNALS[2]].join('|'), 'g');
/**
 * The signals of a text without `@`, but for the country names: a run of two digits or more is
 * in each. In such a text no signal can overlap a country name, so the names are found apart
 * (`RegionEvidence.signals`), at the capitals the shape pass noted, and the matches are the same
 * as SIGNALS'.
 */
const DIGIT_ONLY = new RegExp(DIGIT_SIGNALS.join('|'), 'g');
/** The country names by their first letter, in the order SIGNALS tries them. */
const NAMES_BY_FIRST = new Map<number, string[]>();
for (const name of Object.keys(COUNTRY_NAMES)) {
  const first = name.charCodeAt(0);
  NAMES_BY_FIRST.set(first, [...(NAMES_BY_FIRST.get(first) ?? []), name]);
}
/** Whether the character at `i` is one of `L` (none outside the text). */
function isLatinLetter(text: string, i: number): boolean {
  const c = text.charCodeAt(i); // NaN outside the text: no range holds it
  return (c >= 65 && c <= 90) || (c >= 97 && c <= 122) || (c >= 0xc0 && c <= 0xff && c !== 0xd7 && c !== 0xf7);
}
const REGIONS: readonly HintedRegion[] = ['NL', 'BE', 'DE', 'FR'];

/** The region one SIGNALS match points at. */
function regionOf(g: Record<string, string | undefined>): HintedRegion | undefined {
  if (g.ibanNL) return 'NL';
  if (g.iban) return g.iban as HintedRegion;
  if (g.cc) return CALLING_CODES[g.cc];
  if (g.tld) return g.tld.toUpperCase() as HintedRegion;
  if (g.name) return COUNTRY_NAMES[g.name];
  if (g.be) return 'BE';
  if (g.de) return 'DE';
  if (g.fr) return 'FR';
  return undefined;
}

/**
 * Words only German uses among the languages of our shares (not Dutch `die`, `was`, `in`). ASCII
 * word edges (no Unicode mode, which is several times slower): none of the words starts or ends
 * with an umlaut, and `für`, `grüße` have theirs inside.
 */
const GERMAN_LIST =
  'und|nicht|ist|für|sie|ihre|ihr|wir|ich|auf|eine|einen|einem|sehr|bitte|geehrte|geehrter|grüße|freundlichen|straße|unsere|haben|wird|können|oder|auch';
/** Words that mark a text as Dutch, English or French instead. */
const OTHER_LIST = 'het|een|niet|wij|ik|voor|zijn|naar|ook|maar|wordt|the|and|of|to|for|with|you|le|la|les|et|des|est|pour|vous|avec';
/**
 * Both lists in one pass, the group telling which list a word is from: half the work of a regex
 * per list, and the same counts. Matches of the two lists never overlap or share a start: every
 * word starts and ends on an ASCII word edge, the only edges inside a word are around the umlaut
 * or `ß` of four German words, and no word of the other list starts there.
 */
const LANGUAGE_WORDS = new RegExp(`\\b(?:(${GERMAN_LIST})|(?:${OTHER_LIST}))\\b`, 'gi');
/** German words, more than all the others together, that make a text German. */
const GERMAN_WORDS = 5;
/**
 * Only the first part of a long text is read for its language: some 2,500 words, enough to tell.
 * The word regex costs about 4 ms per MB, a tenth of all detection on clean prose; with 64 KB it
 * ran over every byte of the usual office file.
 */
const LANGUAGE_SAMPLE = 16 * 1024;

/** The regions an item points at, gathered over its segments. */
export class RegionEvidence {
  private readonly found = new Set<HintedRegion>();
  private german = 0;
  private other = 0;
  private languageRead = 0;
  private list: HintedRegion[] = [];

  constructor(start: readonly string[] = []) {
    for (const r of start) if ((REGIONS as readonly string[]).includes(r)) this.found.add(r as HintedRegion);
    this.list = [...this.found];
  }

  /** Reads one segment's text for signals. */
  see(text: string): void {
    if (this.found.size < REGIONS.length) this.signals(text);
    if (!this.found.has('DE') && this.languageRead < LANGUAGE_SAMPLE) {
      const sample = text.length > LANGUAGE_SAMPLE - this.languageRead ? text.slice(0, LANGUAGE_SAMPLE - this.languageRead) : text;
      this.languageRead += sample.length;
      LANGUAGE_WORDS.lastIndex = 0;
      for (let m = LANGUAGE_WORDS.exec(sample); m !== null; m = LANGUAGE_WORDS.exec(sample)) {
        if (m[1] !== undefined) this.german++;
        else this.other++;
      }
      if (this.german >= GERMAN_WORDS && this.german > this.other) this.add('DE');
    }
  }

  has(region: string): boolean {
    return this.found.has(region as HintedRegion);
  }

  /** The regions seen so far, in the order they were first seen. */
  regions(): readonly HintedRegion[] {
    return this.list;
  }

  /**
   * The signals in order of their place in the text. SIGNALS tries its alternatives at every
   * character (its look-behinds allow no skipping ahead), a tenth of all detection on prose; most
   * texts have no `@`, and then only the digit signals need the regex, and only with two digits in a row.
   */
  private signals(text: string): void {
    const shape = shapeFor(text);
    if ((shape.flags & AT) !== 0) {
      SIGNALS.lastIndex = 0;
      this.matches(SIGNALS, text, text.length);
      return;
    }
    let at = 0;
    const { marks, markCount } = shape;
    const digits = shape.longestDigitRun >= 2;
    if (digits) DIGIT_ONLY.lastIndex = 0;
    for (let k = 0; k < markCount && this.found.size < REGIONS.length; k++) {
      const start = marks[k] as number;
      if (start < at) continue;
      const names = NAMES_BY_FIRST.get(text.charCodeAt(start));
      if (names === undefined || isLatinLetter(text, start - 1)) continue;
      const name = names.find((n) => text.startsWith(n, start) && !isLatinLetter(text, start + n.length));
      if (name === undefined) continue;
      // The digit signals before the name first, then the name: in the order SIGNALS finds them.
      if (digits) this.matches(DIGIT_ONLY, text, start);
      if (this.found.size < REGIONS.length) this.add(COUNTRY_NAMES[name] as HintedRegion);
      at = start + name.length;
      if (digits && DIGIT_ONLY.lastIndex < at) DIGIT_ONLY.lastIndex = at;
    }
    if (digits) this.matches(DIGIT_ONLY, text, text.length);
  }

  /** The regions of a global regex's matches from its lastIndex on that start before `before`; the regex is left after the last one read. */
  private matches(re: RegExp, text: string, before: number): void {
    for (let from = re.lastIndex; this.found.size < REGIONS.length; from = re.lastIndex) {
      const m = re.exec(text);
      if (m === null || m.index >= before) {
        re.lastIndex = m === null ? text.length : from;
        return;
      }
      const region = m.groups ? regionOf(m.groups) : undefined;
      if (region) this.add(region);
    }
  }

  private add(region: HintedRegion): void {
    if (this.found.has(region)) return;
    this.found.add(region);
    this.list = [...this.list, region];
  }
}
