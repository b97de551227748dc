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

/**
 * One pass over a text finds every signal; the named group says which region it points at. Each
 * signal is specific to its country: a calling code needs the digit after it, an IBAN its check
 * digits, a postcode a city of that country beside it.
 */
const SIGNALS = new RegExp(
  [
    String.raw`(?<NL>(?<![\p{L}\p{N}])NL\d{2} ?[A-Z]{4}|(?:\+|(?<![\p{N}])00)31[ (]*[1-9]|@[\w.-]+\.nl(?![\p{L}\p{N}.-])|(?<![\p{L}])(?:Nederland|Netherlands|Niederlande|Pays-Bas)(?![\p{L}]))`,
    String.raw`(?<BE>(?<![\p{L}\p{N}])BE\d{2} ?\d{4}|(?:\+|(?<![\p{N}])00)32[ (]*[1-9]|@[\w.-]+\.be(?![\p{L}\p{N}.-])|(?<![\p{L}])(?:België|Belgie|Belgique|Belgium|Belgien)(?![\p{L}])|(?<![\p{N}])[1-9]\d{3} (?:${BE_CITIES})(?![\p{L}]))`,
    String.raw`(?<DE>(?<![\p{L}\p{N}])DE\d{2} ?\d{4}|(?:\+|(?<![\p{N}])00)49[ (]*[1-9]|@[\w.-]+\.de(?![\p{L}\p{N}.-])|(?<![\p{L}])(?:Deutschland|Germany|Duitsland|Allemagne)(?![\p{L}])|(?<![\p{N}])\d{5} (?:${DE_CITIES})(?![\p{L}]))`,
    String.raw`(?<FR>(?<![\p{L}\p{N}])FR\d{2} ?\d{4}|(?:\+|(?<![\p{N}])00)33[ (]*[1-9]|@[\w.-]+\.fr(?![\p{L}\p{N}.-])|(?<![\p{L}])(?:France|Frankrijk|Frankreich)(?![\p{L}])|(?<![\p{N}])\d{5} (?:${FR_CITIES})(?![\p{L}]))`,
  ].join('|'),
  'gu',
);
const REGIONS: readonly HintedRegion[] = ['NL', 'BE', 'DE', 'FR'];

/** Words only German uses among the languages of our shares (not Dutch `die`, `was`, `in`). */
const GERMAN =
  /(?<![\p{L}])(?:und|nicht|ist|für|sie|ihre|ihr|wir|ich|auf|eine|einen|einem|sehr|bitte|geehrte|geehrter|grüße|freundlichen|straße|unsere|haben|wird|können|über|oder|auch)(?![\p{L}])/giu;
/** Words that mark a text as Dutch, English or French instead. */
const OTHER = /(?<![\p{L}])(?:het|een|niet|wij|ik|voor|zijn|naar|ook|maar|wordt|the|and|of|to|for|with|you|le|la|les|et|des|est|pour|vous|avec)(?![\p{L}])/giu;
/** German words, more than all the others together, that make a text German. */
const GERMAN_WORDS = 5;
/** Only the first part of a long text is read for its language: enough to tell, cheap on a large file. */
const LANGUAGE_SAMPLE = 64 * 1024;

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
    if (this.found.size < REGIONS.length && /[@+0A-Z1-9]/.test(text)) {
      SIGNALS.lastIndex = 0;
      for (let m = SIGNALS.exec(text); m !== null; m = SIGNALS.exec(text)) {
        for (const r of REGIONS) if (m.groups?.[r] !== undefined) this.add(r);
        if (this.found.size === REGIONS.length) break;
      }
    }
    if (!this.found.has('DE') && this.languageRead < LANGUAGE_SAMPLE) {
      const sample = text.length > LANGUAGE_SAMPLE - this.languageRead ? text.slice(0, LANGUAGE_SAMPLE - this.languageRead) : text;
      this.languageRead += sample.length;
      this.german += sample.match(GERMAN)?.length ?? 0;
      this.other += sample.match(OTHER)?.length ?? 0;
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

  private add(region: HintedRegion): void {
    if (this.found.has(region)) return;
    this.found.add(region);
    this.list = [...this.list, region];
  }
}
