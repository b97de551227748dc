/**
 * The source contract: a source is an async iterable of events that the pipeline consumes. A
 * source never calls the session or writes the state; it says what it found, and the pipeline
 * alone decides what is unchanged and reused, what is read, and what is counted and stored.
 *
 * - `item`: one thing to scan, with an opaque `version` (size+mtime+inode, a changeKey, an ETag)
 *   and its media type when the source knows it. Content that costs a download may come as
 *   `item.fetch`, which the pipeline calls only when it reads the item, never when it reuses it.
 * - `gone`: an item the source knows was removed (a delta round's `@removed`).
 * - `checkpoint`: a value to keep (a delta link), applied only after every item before it is
 *   stored; `folderSynced` says a folder was listed in full, so what it did not list went.
 * - `access`: who can read an item, learnt apart from the item (sharing links read later).
 * - `settle`: nothing to apply; `done` is called once everything before it is stored and applied.
 *
 * Checkpoint, gone and access events are applied in the order given, each once the items before it
 * are stored; the items after it go on meanwhile. A source that needs the outcome of what it
 * yielded (which drive files hold findings, whose attachments came) yields a `settle` and waits
 * for it (settled() below); then it may read that outcome through its SourceReader. Only that
 * source waits: the pipeline goes on with the others.
 *
 * Adding a source is one folder under sources/ plus one line in sources/index.ts.
 */
import type { Access, SourceItem } from '../model.js';

export type SourceEvent = StreamEvent & {
  /**
   * Set by mergeStreams: which of the streams read at once said it (`2/0`: the first folder of the
   * third mailbox). An event then waits only for the items before it of its own stream, of the
   * streams it holds and of those holding it, not for the others'.
   */
  stream?: string;
};

type StreamEvent =
  | { type: 'item'; item: SourceItem }
  | { type: 'gone'; uri: string }
  | {
      type: 'checkpoint';
      key: string;
      /** undefined deletes the key. */
      value: string | undefined;
      folderSynced?: { root: string; folder: string; syncStartedAt: string; deep?: boolean };
    }
  | { type: 'access'; uri: string; access: Access }
  | {
      type: 'settle';
      /** Called by the pipeline once everything before it is stored and applied (see settled()). */
      done: () => void;
    };

export type Source = AsyncIterable<SourceEvent>;

/** What a source may read of the state: its own checkpoints, and the outcome of items it yielded. Never a write. */
export interface SourceReader {
  getValue(key: string): Promise<string | undefined>;
  entriesWithPrefix(prefix: string): Promise<{ key: string; value: string }[]>;
  /** Findings stored per item (children included); after a `settle`, those of the items yielded before it. */
  findingCounts(uris: readonly string[]): Promise<Map<string, number>>;
}

/** A settle event and the promise its source awaits: `yield s.event; await s.stored;`. */
export function settled(): { event: SourceEvent; stored: Promise<void> } {
  let done: () => void = () => undefined;
  const stored = new Promise<void>((resolve) => {
    done = resolve;
  });
  return { event: { type: 'settle', done }, stored };
}
