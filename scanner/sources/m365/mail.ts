/**
 * Exchange Online mailboxes through Microsoft Graph. Per mailbox: every mail folder (nested ones
 * too), and per folder a message delta round (`nextLink` pages until a `deltaLink`). Each message
 * is repacked with its attachments as one JSON document and handed to the worker like a file, so
 * the same extractors and detectors read it.
 *
 * Everything comes out as source events (sources/types.ts); nothing here writes the state. Per
 * folder a checkpoint keeps either the nextLink of the page to fetch next (a scan that was killed
 * resumes there; the pages before it are stored) or the deltaLink of the last finished round (a
 * rescan fetches only what changed since; messages reported removed are `gone`). An expired delta
 * (410 Gone) restarts that folder from scratch and, when the round is through, its checkpoint says
 * `folderSynced`, so the folder's messages it no longer returned go.
 */

import pLimit from 'p-limit';
import picomatch from 'picomatch';
import { GRAPH_MESSAGE_EXTENSION, GRAPH_MESSAGE_TYPE, type GraphAttachmentDoc, type GraphMessageDoc } from '../../extractors/graph-message.js';
import type { Access, SourceItem } from '../../model.js';
import { mergeStreams } from '../merge.js';
import { type SourceEvent, type SourceReader, settled } from '../types.js';
import { errorOf, failureItem, isSignInFailure, type M365Context, signInError } from './context.js';
import { type GraphApi, GraphCallError, type Page } from './graph.js';
import type { M365Settings } from './settings.js';

/** What Graph returns per message: only the fields the scan needs. */
export const MESSAGE_SELECT = 'subject,body,from,toRecipients,ccRecipients,replyTo,receivedDateTime,lastModifiedDateTime,changeKey,hasAttachments';
/** Messages per delta page that we ask for (Graph's maximum for messages is larger; smaller pages checkpoint more often). */
const PAGE_SIZE = 50;
/** Mailboxes scanned at once; each stays within its own limit of 4 requests. */
const MAILBOXES_AT_ONCE = 6;
/** Folders of one mailbox synced at once; their calls, and the attachment fetches of its messages, share the mailbox's 4 slots. */
const FOLDERS_AT_ONCE = 3;
/** Messages of the retry list asked for at once. */
const RETRIES_AT_ONCE = 4;

export const MAILBOX_ACCESS_NOTE =
  'mailbox owner known; delegates (FullAccess, SendAs, folder permissions) are not collected: Microsoft Graph cannot list them. Use Exchange Online PowerShell Get-MailboxPermission and Get-MailboxFolderPermission.';

export interface MailboxRef {
  id: string;
  upn: string;
}

interface GraphUser {
  '@odata.type'?: string;
  id: string;
  userPrincipalName?: string;
  mail?: string | null;
}

interface GraphFolder {
  id: string;
  displayName: string;
  childFolderCount?: number;
}

interface GraphMessage extends GraphMessageDoc {
  id: string;
  '@removed'?: { reason: string };
  receivedDateTime?: string;
  lastModifiedDateTime?: string;
  changeKey?: string;
  hasAttachments?: boolean;
}

interface GraphAttachment {
  '@odata.type': string;
  id: string;
  name?: string;
  contentType?: string | null;
  size?: number;
  contentBytes?: string;
  sourceUrl?: string;
  item?: GraphMessage & { attachments?: GraphAttachment[] };
}

/** What the kv table holds per folder. */
interface FolderCheckpoint {
  /** The page to fetch next in an unfinished round. */
  next?: string;
  /** Where the next round starts: only changes since the last finished one. */
  delta?: string;
  /** Set during a full round: when the scan that began it started (to drop what it did not return). */
  fullSince?: string;
  /** The folder's item path (`mailbox/<upn>/<folder path>`), to drop its messages once the folder is gone or out of scope. */
  path?: string;
}

/** The mailboxes, several at once, their events merged into one stream. */
export function mailEvents(ctx: M365Context, mailboxes: MailboxRef[]): AsyncGenerator<SourceEvent> {
  return mergeStreams(
    mailboxes.map((m) => () => mailboxEvents(ctx, m)),
    MAILBOXES_AT_ONCE,
  );
}

/** The mailboxes in scope: the given UPNs, the members of a group (users only), or every user. */
export async function listMailboxes(api: GraphApi, settings: M365Settings): Promise<MailboxRef[]> {
  if (settings.deviceLogin) {
    // Signed in as a person: that person's own mailbox (by object id, which /users/{id} accepts for oneself).
    const me = await api.get<GraphUser>(undefined, '/me?$select=id,userPrincipalName');
    return [{ id: me.id, upn: (me.userPrincipalName ?? me.id).toLowerCase() }];
  }
  if (settings.mailboxes.length > 0) return settings.mailboxes.map((upn) => ({ id: upn, upn: upn.toLowerCase() }));
  const source = settings.group
    ? api.all<GraphUser>(undefined, `/groups/${encodeURIComponent(settings.group)}/members?$select=id,userPrincipalName,mail&$top=100`)
    : api.all<GraphUser>(undefined, '/users?$select=id,userPrincipalName,mail&$top=100');
  const out: MailboxRef[] = [];
  for await (const u of source) {
    if (u['@odata.type'] && u['@odata.type'] !== '#microsoft.graph.user') continue;
    if (u.userPrincipalName) out.push({ id: u.id, upn: u.userPrincipalName.toLowerCase() });
  }
  return out;
}

async function* mailboxEvents(ctx: M365Context, mailbox: MailboxRef): AsyncGenerator<SourceEvent> {
  let folders: { id: string; path: string }[];
  let retry: RetryList;
  try {
    folders = await listFolders(ctx.api, mailbox);
    retry = await RetryList.load(ctx.reader, mailbox);
  } catch (err) {
    // Without a token nothing can be read: that ends the scan instead of failing every mailbox.
    if (isSignInFailure(err)) throw err;
    yield failureItem(ctx, { path: `mailbox/${mailbox.upn}`, uri: `m365://${mailbox.upn}/mailbox`, access: mailboxAccess(mailbox) }, err);
    return;
  }
  // A failure recorded by an earlier scan is over.
  yield { type: 'gone', uri: `m365://${mailbox.upn}/mailbox` };
  yield* retryFailedMessages(ctx, mailbox, retry);
  const include = ctx.settings.includeFolders.length > 0 ? picomatch(ctx.settings.includeFolders, { nocase: true }) : () => true;
  const exclude = ctx.settings.excludeFolders.length > 0 ? picomatch(ctx.settings.excludeFolders, { nocase: true }) : () => false;
  const scoped = folders.filter((folder) => include(folder.path) && !exclude(folder.path));
  yield* dropFoldersOutOfScope(ctx, mailbox, new Set(scoped.map((f) => f.id)));
  yield* mergeStreams(
    scoped.map((folder) => () => folderOrFailure(ctx, mailbox, folder, retry)),
    FOLDERS_AT_ONCE,
  );
  // Every message is stored now, so the retry list can lose the ones whose attachments came after all.
  // Saved again even when unchanged: the folders' saves may be applied in any order among themselves.
  if (retry.size > 0 || retry.saved) {
    const stored = settled();
    yield stored.event;
    await stored.stored;
    yield* retry.checkpoint(true);
  }
}

/** One folder's events; a folder that cannot be read becomes one item with its error, and the mailbox goes on. */
async function* folderOrFailure(ctx: M365Context, mailbox: MailboxRef, folder: { id: string; path: string }, retry: RetryList): AsyncGenerator<SourceEvent> {
  const uri = folderUri(mailbox, folder.id);
  try {
    yield* syncFolder(ctx, mailbox, folder, retry);
  } catch (err) {
    if (isSignInFailure(err)) throw err;
    yield failureItem(ctx, { path: `mailbox/${mailbox.upn}/${folder.path}`, uri, access: mailboxAccess(mailbox) }, err);
    return;
  }
  yield { type: 'gone', uri };
}

/** Every mail folder, depth first, with its path of display names (`Inbox/Clients/2023`). */
export async function listFolders(api: GraphApi, mailbox: MailboxRef): Promise<{ id: string; path: string }[]> {
  const out: { id: string; path: string }[] = [];
  const user = `/users/${encodeURIComponent(mailbox.id)}`;
  const walk = async (url: string, prefix: string): Promise<void> => {
    for await (const f of api.all<GraphFolder>(mailbox.upn, url)) {
      const path = `${prefix}${safeName(f.displayName)}`;
      out.push({ id: f.id, path });
      if (f.childFolderCount !== 0) await walk(`${user}/mailFolders/${encodeURIComponent(f.id)}/childFolders?$top=100&includeHiddenFolders=true`, `${path}/`);
    }
  };
  await walk(`${user}/mailFolders?$top=100&includeHiddenFolders=true`, '');
  return out;
}

/** A folder synced before that is deleted now, or no longer in scope: its messages leave the state with its checkpoint. */
async function* dropFoldersOutOfScope(ctx: M365Context, mailbox: MailboxRef, current: Set<string>): AsyncGenerator<SourceEvent> {
  const prefix = `m365:mail:${mailbox.upn}:`;
  let dropped = false;
  for (const { key, value } of await ctx.reader.entriesWithPrefix(prefix)) {
    if (current.has(key.slice(prefix.length))) continue;
    const path = (JSON.parse(value) as FolderCheckpoint).path;
    // A far-future start drops all the folder held.
    yield { type: 'checkpoint', key, value: undefined, ...(path ? { folderSynced: { root: ctx.root, folder: path, syncStartedAt: '9999' } } : {}) };
    dropped = true;
  }
  // Applied before any folder of this scan is synced, so a new folder of the same name is not touched.
  if (dropped) {
    const applied = settled();
    yield applied.event;
    await applied.stored;
  }
}

async function* syncFolder(ctx: M365Context, mailbox: MailboxRef, folder: { id: string; path: string }, retry: RetryList): AsyncGenerator<SourceEvent> {
  const key = `m365:mail:${mailbox.upn}:${folder.id}`;
  const initial = `/users/${encodeURIComponent(mailbox.id)}/mailFolders/${encodeURIComponent(folder.id)}/messages/delta?$select=${MESSAGE_SELECT}`;
  const saved = JSON.parse((await ctx.reader.getValue(key)) ?? '{}') as FolderCheckpoint;
  const folderPath = `mailbox/${mailbox.upn}/${folder.path}`;
  let checkpoint: FolderCheckpoint = saved.next || saved.delta ? { ...saved, path: folderPath } : { fullSince: ctx.startedAt, path: folderPath };
  let url = checkpoint.next ?? checkpoint.delta ?? initial;
  for (;;) {
    let page: Page<GraphMessage>;
    try {
      page = await ctx.api.get<Page<GraphMessage>>(mailbox.upn, url, { Prefer: `odata.maxpagesize=${PAGE_SIZE}` });
    } catch (err) {
      if (err instanceof GraphCallError && err.code === 'gone' && url !== initial) {
        // The delta token expired: read the folder whole again, then drop what that round did not return.
        checkpoint = { fullSince: ctx.startedAt, path: folderPath };
        yield { type: 'checkpoint', key, value: JSON.stringify(checkpoint) };
        url = initial;
        continue;
      }
      throw err;
    }
    // The attachment lists of the page's messages in $batch round trips instead of one call each.
    const withAttachments = page.value.filter((m) => !m['@removed'] && m.hasAttachments);
    const lists =
      withAttachments.length > 1
        ? await ctx.api.batchGet<Page<GraphAttachment>>(
            mailbox.upn,
            withAttachments.map((m) => attachmentsPath(mailbox, m.id)),
          )
        : [];
    const prefetched = new Map(withAttachments.map((m, i) => [m.id, lists[i]]));
    for (const m of page.value) if (!m['@removed']) yield { type: 'item', item: messageItem(ctx, mailbox, folderPath, m, retry, prefetched.get(m.id)) };
    for (const m of page.value) if (m['@removed']) yield { type: 'gone', uri: messageUri(mailbox, m.id) };
    // Before the round moves past the page: the messages whose attachments may yet fail are on the retry list.
    yield* retry.checkpoint();
    const next = page['@odata.nextLink'];
    if (next) {
      checkpoint = { ...checkpoint, next };
      yield { type: 'checkpoint', key, value: JSON.stringify(checkpoint) };
      url = next;
      continue;
    }
    const done: FolderCheckpoint = { delta: page['@odata.deltaLink'] ?? initial, path: folderPath };
    yield {
      type: 'checkpoint',
      key,
      value: JSON.stringify(done),
      ...(checkpoint.fullSince ? { folderSynced: { root: ctx.root, folder: folderPath, syncStartedAt: checkpoint.fullSince } } : {}),
    };
    return;
  }
}

const folderUri = (mailbox: MailboxRef, id: string) => `m365://${mailbox.upn}/mailFolders/${encodeURIComponent(id)}`;

/**
 * Messages whose attachments could not be read are listed with an error, and their ids kept under
 * this key: a delta round would not return them again until they change, so the next scan asks for
 * each one. The attachments are fetched only when the pipeline reads the message, after the source
 * has moved on; so a message whose attachments may fail goes on the list when it is yielded, and off
 * it once they came. The list is saved with each page's checkpoint; a scan killed in between asks
 * for a few messages again that were read after all (and reuses them).
 */
class RetryList {
  /** Changed since it was last saved. */
  private changed = false;
  /** Saved at least once while this mailbox was read. */
  saved = false;

  private constructor(
    private readonly key: string,
    private readonly ids: Map<string, string>,
  ) {}

  static async load(reader: SourceReader, mailbox: MailboxRef): Promise<RetryList> {
    const key = `m365:retry:${mailbox.upn}`;
    const saved = JSON.parse((await reader.getValue(key)) ?? '{}') as Record<string, string>;
    return new RetryList(key, new Map(Object.entries(saved)));
  }

  entries(): [string, string][] {
    return [...this.ids];
  }

  get size(): number {
    return this.ids.size;
  }

  keep(id: string, folderPath: string): void {
    if (this.ids.get(id) === folderPath) return;
    this.ids.set(id, folderPath);
    this.changed = true;
  }

  done(id: string): void {
    if (this.ids.delete(id)) this.changed = true;
  }

  /** The list as it stands, when it changed since it was last saved. */
  *checkpoint(always = false): Generator<SourceEvent> {
    if (!this.changed && !always) return;
    this.changed = false;
    this.saved = true;
    yield { type: 'checkpoint', key: this.key, value: this.ids.size > 0 ? JSON.stringify(Object.fromEntries(this.ids)) : undefined };
  }
}

async function* retryFailedMessages(ctx: M365Context, mailbox: MailboxRef, retry: RetryList): AsyncGenerator<SourceEvent> {
  const list = retry.entries();
  if (list.length === 0) return;
  // Asked for several at once (the mailbox's limit of 4 still holds), yielded in the list's order.
  const limit = pLimit(RETRIES_AT_ONCE);
  const asked = list.map(([id]) =>
    limit(() =>
      ctx.api.get<GraphMessage>(mailbox.upn, `/users/${encodeURIComponent(mailbox.id)}/messages/${encodeURIComponent(id)}?$select=${MESSAGE_SELECT}`).then(
        (m) => ({ m }),
        (err: unknown) => ({ err }),
      ),
    ),
  );
  for (const [i, [id, folderPath]] of list.entries()) {
    const answer = await (asked[i] as Promise<{ m: GraphMessage } | { err: unknown }>);
    if ('err' in answer) {
      const err = answer.err;
      if (isSignInFailure(err)) throw err;
      // Gone: off the list. Any other failure: asked for again next scan.
      if (err instanceof GraphCallError && err.code === 'not-found') {
        retry.done(id);
        yield { type: 'gone', uri: messageUri(mailbox, id) };
      }
      continue;
    }
    const m = answer.m;
    // Off the list unless its attachments fail again (the fetch puts it back).
    retry.done(id);
    // Not put back on the list before it is read: the settle below sees what its fetch learnt, and a reused one is complete.
    yield { type: 'item', item: messageItem(ctx, mailbox, folderPath, { ...m, id }, retry, undefined, false) };
  }
  const stored = settled();
  yield stored.event;
  await stored.stored;
  yield* retry.checkpoint();
}

export function messageUri(mailbox: MailboxRef, id: string): string {
  return `m365://${mailbox.upn}/messages/${encodeURIComponent(id)}`;
}

/**
 * One message as an item. Graph's changeKey changes with every change of the message, so it is the
 * version: equal means the stored result still holds (a page served again after a resumed scan),
 * and the attachments, fetched only when the message is read, are not fetched again.
 */
function messageItem(
  ctx: M365Context,
  mailbox: MailboxRef,
  folderPath: string,
  m: GraphMessage,
  retry: RetryList,
  attachmentList?: Page<GraphAttachment> | GraphCallError,
  /** On the retry list from now until its attachments came: the page's checkpoint may be saved before it is read. */
  keepUntilRead = true,
): SourceItem {
  const received = m.receivedDateTime ?? '';
  const subject = safeName(ctx.redact(m.subject ?? '')).slice(0, 120) || '(no subject)';
  const doc: GraphMessageDoc = {
    subject: m.subject ?? null,
    body: m.body ?? null,
    from: m.from ?? null,
    toRecipients: m.toRecipients ?? [],
    ccRecipients: m.ccRecipients ?? [],
    replyTo: m.replyTo ?? [],
  };
  if (keepUntilRead && m.hasAttachments && !allInline(ctx, attachmentList)) retry.keep(m.id, folderPath);
  return {
    root: ctx.root,
    path: `${folderPath}/${received} ${subject}`.trimEnd(),
    uri: messageUri(mailbox, m.id),
    kind: 'message',
    size: Buffer.byteLength(JSON.stringify(doc)),
    ...(m.lastModifiedDateTime ? { modified: m.lastModifiedDateTime } : {}),
    ...(m.changeKey ? { version: `changeKey:${m.changeKey}` } : {}),
    mediaType: GRAPH_MESSAGE_TYPE,
    name: `message.${GRAPH_MESSAGE_EXTENSION}`,
    access: mailboxAccess(mailbox),
    fetch: async () => {
      let complete = true;
      if (m.hasAttachments) {
        try {
          doc.attachments = await fetchAttachments(ctx, mailbox, m.id, attachmentList);
        } catch (err) {
          if (isSignInFailure(err)) throw signInError(err);
          // The message itself is still scanned; its attachments are listed as one unread entry and retried next scan.
          const error = errorOf(err, 'reading its attachments');
          doc.attachments = [{ type: 'missing', name: '(attachments)', code: error.code, reason: error.message }];
          complete = false;
        }
      }
      if (complete) retry.done(m.id);
      else retry.keep(m.id, folderPath);
      return { bytes: Buffer.from(JSON.stringify(doc)), complete };
    },
  };
}

/** Whether a message's attachments are all in the list already fetched, so reading it needs no further call that could fail. */
function allInline(ctx: M365Context, list: Page<GraphAttachment> | GraphCallError | undefined): boolean {
  if (!list || list instanceof GraphCallError || list['@odata.nextLink']) return false;
  return list.value.every(
    (a) =>
      a['@odata.type'] === '#microsoft.graph.referenceAttachment' ||
      (a['@odata.type'] === '#microsoft.graph.fileAttachment' && (a.contentBytes !== undefined || (a.size ?? 0) > ctx.maxAttachmentSize)),
  );
}

const attachmentsPath = (mailbox: MailboxRef, messageId: string) =>
  `/users/${encodeURIComponent(mailbox.id)}/messages/${encodeURIComponent(messageId)}/attachments`;

/** Every attachment of a message; the first page of the list may have come in a $batch already. */
async function* attachmentsOf(
  ctx: M365Context,
  mailbox: MailboxRef,
  messageId: string,
  first?: Page<GraphAttachment> | GraphCallError,
): AsyncGenerator<GraphAttachment> {
  if (first instanceof GraphCallError) throw first;
  if (!first) {
    yield* ctx.api.all<GraphAttachment>(mailbox.upn, attachmentsPath(mailbox, messageId));
    return;
  }
  yield* first.value;
  if (first['@odata.nextLink']) yield* ctx.api.all<GraphAttachment>(mailbox.upn, first['@odata.nextLink']);
}

async function fetchAttachments(
  ctx: M365Context,
  mailbox: MailboxRef,
  messageId: string,
  first?: Page<GraphAttachment> | GraphCallError,
): Promise<GraphAttachmentDoc[]> {
  const base = attachmentsPath(mailbox, messageId);
  const out: GraphAttachmentDoc[] = [];
  for await (const a of attachmentsOf(ctx, mailbox, messageId, first)) {
    const name = a.name || 'attachment';
    const at = `${base}/${encodeURIComponent(a.id)}`;
    switch (a['@odata.type']) {
      case '#microsoft.graph.fileAttachment': {
        if ((a.size ?? 0) > ctx.maxAttachmentSize) {
          out.push({ type: 'missing', name, code: 'too-large', reason: 'attachment larger than --max-file-size; not fetched' });
        } else if (a.contentBytes !== undefined) {
          out.push({ type: 'file', name, ...(a.contentType ? { contentType: a.contentType } : {}), contentBase64: a.contentBytes });
        } else {
          // Large attachments come without contentBytes; their bytes are at /$value.
          const bytes = await ctx.api.getBytes(mailbox.upn, `${at}/$value`);
          out.push({ type: 'file', name, contentBase64: bytes.toString('base64') });
        }
        break;
      }
      case '#microsoft.graph.itemAttachment': {
        const full = await ctx.api.get<GraphAttachment>(mailbox.upn, `${at}?$expand=microsoft.graph.itemattachment/item`);
        out.push({ type: 'item', name, message: itemDoc(full.item) });
        break;
      }
      case '#microsoft.graph.referenceAttachment':
        out.push({ type: 'reference', name, ...(a.sourceUrl ? { sourceUrl: a.sourceUrl } : {}) });
        break;
      default:
        out.push({ type: 'missing', name, code: 'unsupported-format', reason: `attachment of type ${a['@odata.type']} is not read` });
    }
  }
  return out;
}

/** An attached message as Graph expands it; its own file attachments come inline when Graph includes them. */
function itemDoc(item: GraphAttachment['item']): GraphMessageDoc {
  if (!item) return {};
  const nested: GraphAttachmentDoc[] = [];
  for (const a of item.attachments ?? []) {
    if (a['@odata.type'] === '#microsoft.graph.fileAttachment' && a.contentBytes)
      nested.push({ type: 'file', name: a.name || 'attachment', contentBase64: a.contentBytes });
    else if (a['@odata.type'] === '#microsoft.graph.itemAttachment') nested.push({ type: 'item', name: a.name || 'message', message: itemDoc(a.item) });
  }
  return {
    subject: item.subject ?? null,
    body: item.body ?? null,
    from: item.from ?? null,
    toRecipients: item.toRecipients ?? [],
    ccRecipients: item.ccRecipients ?? [],
    replyTo: item.replyTo ?? [],
    ...(nested.length > 0 ? { attachments: nested } : {}),
  };
}

export function mailboxAccess(mailbox: MailboxRef): Access {
  return { owner: mailbox.upn, entries: [{ principal: mailbox.upn, rights: 'owner' }], broad: false, reasons: [], notes: [MAILBOX_ACCESS_NOTE] };
}

/** A display name made safe as one path part: no slashes or control characters. */
export function safeName(name: string): string {
  return name
    .replace(/[/\\\u0000-\u001f\u007f]+/g, ' ')
    .replace(/\s+/g, ' ')
    .trim();
}
