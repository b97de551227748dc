/** What the parts of the Microsoft 365 source share while they read a tenant, and how they report a part that failed. */
import { InzageError } from '../../errors.js';
import type { Access, ErrorCode, ItemError, SourceItem } from '../../model.js';
import type { SourceEvent, SourceReader } from '../types.js';
import { type GraphApi, GraphCallError } from './graph.js';
import type { M365Settings } from './settings.js';

export interface M365Context {
  api: GraphApi;
  settings: M365Settings;
  /** The report root of Microsoft 365 items, `m365://<tenant>`. */
  root: string;
  /** Masks any value a detector finds, so subjects can become paths. */
  redact: (text: string) => string;
  maxAttachmentSize: number;
  /** The saved checkpoints and stored outcomes, read only. */
  reader: SourceReader;
  /** When this scan started (ISO-8601): a full round drops what scans before it saw and it did not return. */
  startedAt: string;
}

/** Without a token nothing at all can be read: such an error ends the scan instead of failing each part. */
export const isSignInFailure = (err: unknown): err is GraphCallError => err instanceof GraphCallError && err.code === 'auth-failed';

export function signInError(err: GraphCallError): InzageError {
  return new InzageError(`m365-${err.code}`, `Microsoft 365: ${err.message}`);
}

/**
 * A part of the tenant that could not be listed (a mailbox, a mail folder, a drive, a site, the
 * list of sites or users) becomes one item carrying the error, so the report shows what was not
 * read and why; the scan goes on. A later scan that lists it says this item is `gone`.
 */
export function failureItem(ctx: M365Context, place: { path: string; uri: string; access?: Access }, err: unknown): SourceEvent {
  const item: SourceItem = {
    root: ctx.root,
    path: place.path,
    uri: place.uri,
    kind: 'folder',
    size: 0,
    ...(place.access ? { access: place.access } : {}),
    error: errorOf(err, 'listing it'),
  };
  return { type: 'item', item };
}

/** A Graph failure as an item's error, with a stable code. */
export function errorOf(err: unknown, action: string): ItemError {
  if (!(err instanceof GraphCallError)) return { code: 'internal', message: `failed while ${action} (${(err as Error)?.name ?? 'error'}); the scan went on` };
  const codes: Record<string, ErrorCode> = { forbidden: 'permission-denied', 'auth-failed': 'permission-denied', 'not-found': 'not-found' };
  return { code: codes[err.code] ?? 'io-error', message: err.message };
}
