/**
 * The types a detector author needs. A detector is data plus a few small functions; the engine
 * (engine.ts) does prefiltering, scoring, overlap resolution, masking and hashing in one place,
 * so a detector never decides how a value is shown or stored.
 */

/** GDPR grouping of finding types; `special` covers Art. 9 special categories and Art. 10 criminal data. */
export type Category = 'contact' | 'identity' | 'online' | 'financial' | 'national-id' | 'special';

/** Languages we carry context words for. */
export type Lang = 'nl' | 'en' | 'de' | 'fr' | 'es' | 'it';

/** Where in an item a segment (and so a finding) sits. Extractors fill what applies. */
export interface Where {
  line?: number;
  page?: number;
  sheet?: string;
  cell?: string;
  paragraph?: number;
  slide?: number;
  part?: string;
  /** An image inside a document (`word/media/image1.png`), read by OCR. */
  image?: string;
  /** A metadata field (`GPSLatitude`, `Author`) rather than the content. */
  metadata?: string;
}

/** A piece of text taken from an item, with its location. */
export interface Segment {
  text: string;
  where: Where;
  /**
   * Extra context that is not part of the text but tells what it is: the column header of a
   * spreadsheet cell, the line before a line. Context words found here count as if near the match.
   */
  context?: string;
  /**
   * When a huge line is cut into overlapping pieces, each match belongs to exactly one piece:
   * the one where it starts within [ownedStart, ownedEnd). The text around that range is there so
   * that a match crossing a cut is seen whole and a match's tail is not mistaken for a match.
   */
  ownedStart?: number;
  ownedEnd?: number;
  /**
   * Set when the text was read by OCR: its findings get basis `ocr` and their confidence is
   * tempered by how sure the OCR engine was of these words (0..100).
   */
  ocr?: { confidence: number };
}

/** A regular-expression pattern. It must have the `g` flag and only bounded repetition (no `.*`). */
export interface DetectorPattern {
  /** A short name, shown in a finding's `basis` (for example `dotted`, `plain`). */
  name: string;
  regex: RegExp;
  /** Confidence 0..1 when the pattern matched and the validator (if any) passed. */
  score: number;
}

/** A raw candidate span, as returned by a detector's own `find`. */
export interface Candidate {
  start: number;
  end: number;
  /** Confidence before context; defaults to 0.5. */
  score?: number;
  /** Pattern name for the finding's `basis`. */
  pattern?: string;
  /**
   * The score this candidate has when its item turns out to be about `region` (region-hints.ts):
   * a national phone number that only a neighbour's plan accepts stays under the threshold, unless
   * the item, in this segment or a later one, shows it is about that country.
   */
  inRegion?: { region: string; score: number };
}

/** What the engine knows of the item a segment belongs to, for detectors that read it (`regional`). */
export interface ItemHints {
  /** Countries the item points at (its folder, an IBAN, a calling code, the language), first seen first. */
  regions: readonly string[];
}

export type ContextWords = Partial<Record<Lang, readonly string[]>>;

export interface Detector {
  /** The finding type id, part of the report contract (`iban`, `nl-bsn`, …). */
  id: string;
  category: Category;
  /** ISO 3166 alpha-2 code for national identifiers. */
  country?: string;
  /** One line for users: what it finds and how it is checked. */
  description: string;
  /**
   * Prefilter: the detector only runs on text that contains one of these (case-insensitive).
   * Omit when no literal is certain to be present (most number formats).
   */
  keywords?: readonly string[];
  /** The cheapest possible test of whether the text can hold a match at all (e.g. /\d{9}/). */
  requires?: RegExp;
  patterns?: readonly DetectorPattern[];
  /**
   * For formats a regular expression states badly (phone numbers): find candidates in code.
   * `phrases` is given by the engine when the detector declares `phrases`: per group, 1 when
   * one of its words occurs in `text`. Called without it (a test, another engine), `find` looks
   * for itself.
   */
  find?(text: string, hints?: ItemHints, phrases?: Uint8Array): Iterable<Candidate>;
  /**
   * Groups of words a `find` asks about before its costlier steps (the lower-case titles, the
   * introductions and the person labels of `person-name`). The engine looks for them in its keyword
   * pass over the text (case-insensitive, as substrings) and tells `find`, which so needs no pass
   * of its own. Unlike `keywords` they gate nothing: the detector runs either way.
   */
  phrases?: readonly (readonly string[])[];
  /** Whether `find` and `normalize` read the item's hints; the engine gathers them only when a detector does. */
  regional?: boolean;
  /** Words that, near a match or in its column header, make it more likely to be this type. */
  context?: ContextWords;
  /** Words that make it less likely (`order`, `factuur`, `tracking`). */
  negativeContext?: ContextWords;
  /** Canonical form of the raw match: what is hashed and what `inzage find` compares. */
  normalize?(raw: string, hints?: ItemHints): string;
  /**
   * Tri-state check of the normalised value, as Presidio's: `true` certain (a checksum passed),
   * `false` drop the candidate, `undefined` keep the pattern's score.
   */
  validate?(normalized: string): boolean | undefined;
  /** Known dummy or reserved values to drop (`000000000`, `127.0.0.1`). */
  invalidate?(normalized: string): boolean;
  /**
   * Whether `validate` is a checksum. A checksum-validated candidate claims its span: a weaker
   * type (a phone number inside an IBAN) is not reported over it.
   */
  checksum?: boolean;
  /** The masked form shown in reports. Sees the normalised and the raw value; returns neither. */
  mask(normalized: string, raw: string): string;
  /**
   * Examples that the shared detector test runs: each valid text yields exactly one finding of
   * this type at the default threshold, each invalid text none. Fictitious values only.
   */
  examples: { valid: readonly string[]; invalid: readonly string[] };
}

/** One occurrence of personal data, as it leaves the engine: no raw value. */
export interface Finding {
  type: string;
  category: Category;
  confidence: number;
  masked: string;
  /** HMAC-SHA256 of `type` and the normalised value under the installation key, hex. */
  hash: string;
  where: Where;
  /** Why it scored as it did: pattern name, `checksum`, `context`, `negative-context`. */
  basis?: string[];
}

/** Computes the keyed hash of a normalised value. Supplied by the scanner, which owns the key. */
export type Hasher = (type: string, normalized: string) => string;
