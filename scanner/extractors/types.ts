/**
 * The extractor interface. An extractor turns an item's bytes into text segments, each with its
 * location, and (for containers such as zip or e-mail, in a later extractor) into child items
 * that go back through the same extractors.
 */
import type { Segment } from '../../detectors/types.js';
import type { ErrorCode, ItemKind } from '../model.js';

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
  /** Set when the container knows the child cannot be read (an attachment too large to fetch): listed with this error, not extracted. */
  error?: { code: ErrorCode; message: string };
}

export type Extracted = { segment: Segment } | { child: ChildContent };

export interface ExtractContext {
  mediaType: string;
  /** Nesting depth of containers above this item (0 for a file on the share). */
  depth: number;
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
