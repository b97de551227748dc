/**
 * Microsoft 365 as a source of events (sources/types.ts): signs in, then reads the mailboxes,
 * OneDrives and SharePoint libraries in scope. Items of this source live under the root
 * `m365://<tenant id>`; they are not swept as gone at the end of a scan (a delta round returns
 * only changes), but `gone` when Graph reports them removed, or when a full round no longer lists
 * them (a checkpoint's `folderSynced`). Nothing here writes the state: checkpoints are read through
 * the SourceReader and saved as events, once the items before them are stored.
 */
import type { SourceEvent, SourceReader } from '../types.js';
import { failureItem, isSignInFailure, type M365Context, signInError } from './context.js';
import { driveEvents, unreadAccess } from './drives.js';
import { GraphApi, GraphCallError } from './graph.js';
import { listMailboxes, type MailboxRef, mailEvents } from './mail.js';
import { type M365Settings, m365Root } from './settings.js';

export interface M365SourceOptions {
  /** Masks any value a detector finds, so subjects can become paths. */
  redact: (text: string) => string;
  /** Saved checkpoints and stored outcomes, read only. */
  reader: SourceReader;
  /** When this scan started (ISO-8601). */
  startedAt: string;
  maxAttachmentSize: number;
  /** For tests: a client other than the one the settings describe. */
  api?: GraphApi;
}

export async function* m365Source(settings: M365Settings, options: M365SourceOptions): AsyncGenerator<SourceEvent> {
  const ctx: M365Context = {
    api: options.api ?? new GraphApi(settings),
    settings,
    root: m365Root(settings),
    redact: options.redact,
    maxAttachmentSize: options.maxAttachmentSize,
    reader: options.reader,
    startedAt: options.startedAt,
  };
  try {
    let users: MailboxRef[] = [];
    if (settings.mail || settings.oneDrive) {
      // The users in scope: when they cannot be listed that is one item with its error; sites are still read.
      const place = { path: 'mailbox', uri: `${ctx.root}/users` };
      let listed = false;
      try {
        users = await listMailboxes(ctx.api, settings);
        listed = true;
      } catch (err) {
        if (isSignInFailure(err)) throw err;
        yield failureItem(ctx, { ...place, access: unreadAccess(undefined, 'the users in scope were not listed') }, err);
      }
      if (listed) yield { type: 'gone', uri: place.uri };
    }
    if (settings.mail) yield* mailEvents(ctx, users);
    if (settings.oneDrive || settings.sites.length > 0) yield* driveEvents(ctx, users);
  } catch (err) {
    // Only a failed sign-in gets here: without a token nothing at all can be read.
    if (err instanceof GraphCallError) throw signInError(err);
    throw err;
  }
}
