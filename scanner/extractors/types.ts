/**
 * The extractor interface. An extractor turns an item's bytes into text segments, each with its
 * location, and (for containers such as zip or e-mail, in a later extractor) into child items
 * that go back through the same extractors.
 */
import type { Category, Segment, Where } from '../../detectors/types.js';
import type { ErrorCode, ItemError, ItemKind } from '../model.js';

/** An item's content, read lazily: small heads for sniffing, streams for big text, whole bytes for formats that need them. */
export interface ItemContent {
  /** File name (last path part or entry name), for extension hints. */
  readonly name: string;
  readonly size: number;
  /** The first bytes (up to 8 KiB), already read, for magic numbers and encoding sniffing. */
  readonly head: Uint8Array;
  /** The bytes in chunks; each call starts from the beginning. */
  chunks(): AsyncIterable<Uint8Array>;
  /** All bytes at once; for formats that cannot be streamed. */
  bytes(): Promise<Uint8Array>;
}

/** A container's child (zip entry, attachment): extracted recursively by the worker. */
export interface ChildContent {
  kind: ItemKind;
  entry: string;
  content: ItemContent;
  /**
   * Set when the container already knows the child cannot be read (an encrypted zip entry, an
   * entry over the size limit): the child is listed with this error and not extracted.
   */
  error?: ItemError;
}

/**
 * What one item on the share may cost, shared by all containers nested in it: a zip of zips
 * cannot multiply its way past these, however deep it nests.
 */
export interface ExtractBudget {
  /** Uncompressed bytes that archive entries may still expand to. */
  bytes: number;
  /** Archive entries that may still be opened. */
  entries: number;
}

/**
 * A finding an extractor knows without reading text: a photo's GPS position, a document's author,
 * a page that is a copy of an identity document. The worker hashes `value`; it never leaves the thread.
 */
export interface DirectFinding {
  type: string;
  category: Category;
  /** Normalised value, hashed by the worker. */
  value: string;
  masked: string;
  confidence: number;
  where: Where;
  basis: string[];
}

/** OCR work done for an item, counted apart in the stats. */
export interface OcrWork {
  pages: number;
  ms: number;
}

/**
 * What an extractor yields. `segments` is many small segments at once, for formats that make
 * hundreds of thousands of them (a sheet, one per cell, yields a row at a time): each step of an
 * async generator costs a promise, about a microsecond, as much as detecting an empty cell.
 * The segments are detected one by one, in order, as if each had been yielded alone.
 */
export type Extracted = { segment: Segment } | { segments: readonly Segment[] } | { child: ChildContent } | { direct: DirectFinding } | { ocr: OcrWork };

/** The text segments of a part, one or many; none for a child, a direct finding or OCR work. */
export function segmentsOf(part: Extracted): readonly Segment[] {
  if ('segment' in part) return [part.segment];
  if ('segments' in part) return part.segments;
  return [];
}

export interface ExtractContext {
  mediaType: string;
  /** Nesting depth of containers above this item (0 for a file on the share). */
  depth: number;
  /** The top-level item's remaining budget; absent when an extractor is called on its own (tests, benchmarks). */
  budget?: ExtractBudget;
}

export interface Extractor {
  id: string;
  /** Media types this extractor reads (matched after magic-byte detection). */
  mediaTypes: readonly string[];
  /** Lower-case extensions (without dot) this extractor reads when magic bytes say nothing. */
  extensions: readonly string[];
  extract(content: ItemContent, context: ExtractContext): AsyncIterable<Extracted>;
}

/** An error an extractor throws to end its item with a specific code (`encrypted`, `corrupt`…). */
export class ExtractError extends Error {
  constructor(
    readonly code: ErrorCode,
    message: string,
  ) {
    super(message);
    this.name = 'ExtractError';
  }
}
