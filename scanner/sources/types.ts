/**
 * The source contract: a source is an async iterable of events that the pipeline consumes. A
 * source never calls the session or writes the state; it says what it found, and the pipeline
 * alone decides what is unchanged and reused, what is read, and what is counted and stored.
 *
 * - `item`: one thing to scan, with an opaque `version` (size+mtime+inode, a changeKey, an ETag)
 *   and its media type when the source knows it.
 * - `gone`: an item the source knows was removed (a delta round's `@removed`).
 * - `checkpoint`: a value to keep (a delta link), applied only after every item before it is
 *   stored; `folderSynced` says a folder was listed in full, so what it did not list went.
 * - `access`: who can read an item, learnt apart from the item (sharing links read later).
 *
 * Adding a source is one folder under sources/ plus one line in sources/index.ts.
 */
import type { Access, SourceItem } from '../model.js';

export type SourceEvent =
  | { type: 'item'; item: SourceItem }
  | { type: 'gone'; uri: string }
  | {
      type: 'checkpoint';
      key: string;
      /** undefined deletes the key. */
      value: string | undefined;
      folderSynced?: { root: string; folder: string; syncStartedAt: string; deep?: boolean };
    }
  | { type: 'access'; uri: string; access: Access };

export type Source = AsyncIterable<SourceEvent>;
