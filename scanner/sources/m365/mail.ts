/**
 * Exchange Online mailboxes through Microsoft Graph. Per mailbox: every mail folder (nested ones
 * too), and per folder a message delta round (`nextLink` pages until a `deltaLink`). Each message
 * is repacked with its attachments as one JSON document and handed to the worker like a file, so
 * the same extractors and detectors read it.
 *
 * The state's kv table keeps, per folder, either the nextLink of the page to fetch next (a scan that
 * was killed resumes there; the pages before it are in the state) or the deltaLink of the last
 * finished round (a rescan fetches only what changed since, and drops messages reported removed).
 * An expired delta (410 Gone) restarts that folder from scratch and, when the round is through,
 * drops the folder's messages it no longer returned.
 */

import pLimit from 'p-limit';
import picomatch from 'picomatch';
import { GRAPH_MESSAGE_EXTENSION, type GraphAttachmentDoc, type GraphMessageDoc } from '../../extractors/graph-message.js';
import type { Access, ErrorCode, ItemError, SourceItem } from '../../model.js';
import type { ProgressEvent, ScanSession } from '../../pipeline/scan.js';
import { type GraphApi, GraphCallError, type Page } from './graph.js';
import type { M365Settings } from './settings.js';

/** What Graph returns per message: only the fields the scan needs. */
export const MESSAGE_SELECT = 'subject,body,from,toRecipients,ccRecipients,replyTo,receivedDateTime,lastModifiedDateTime,changeKey,hasAttachments';
/** Messages per delta page that we ask for (Graph's maximum for messages is larger; smaller pages checkpoint more often). */
const PAGE_SIZE = 50;
/** Mailboxes scanned at once; each stays within its own limit of 4 requests. */
const MAILBOXES_AT_ONCE = 6;
/** Folders of one mailbox synced at once, and messages of one page read at once; all their calls share the mailbox's 4 slots. */
const FOLDERS_AT_ONCE = 3;
const MESSAGES_AT_ONCE = 8;

export const MAILBOX_ACCESS_NOTE =
  'mailbox owner known; delegates (FullAccess, SendAs, folder permissions) are not collected: Microsoft Graph cannot list them. Use Exchange Online PowerShell Get-MailboxPermission and Get-MailboxFolderPermission.';

export interface MailScanContext {
  session: ScanSession;
  scanId: string;
  api: GraphApi;
  settings: M365Settings;
  /** The report root of Microsoft 365 items, `m365://<tenant>`. */
  root: string;
  /** Masks any value a detector finds, so subjects can become paths. */
  redact: (text: string) => string;
  maxAttachmentSize: number;
  onItem?: (event: ProgressEvent) => void;
}

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

export async function scanMailboxes(ctx: MailScanContext, mailboxes: MailboxRef[]): Promise<void> {
  const limit = pLimit(MAILBOXES_AT_ONCE);
  await Promise.all(mailboxes.map((m) => limit(() => scanMailbox(ctx, m))));
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

async function scanMailbox(ctx: MailScanContext, mailbox: MailboxRef): Promise<void> {
  let folders: { id: string; path: string }[];
  try {
    folders = await listFolders(ctx.api, mailbox);
    // A failure recorded by an earlier scan is over.
    ctx.session.state.markUriGone(ctx.scanId, `m365://${mailbox.upn}/mailbox`);
    await retryFailedMessages(ctx, mailbox);
  } catch (err) {
    // Without a token nothing can be read: that ends the scan instead of failing every mailbox.
    if (err instanceof GraphCallError && err.code === 'auth-failed') throw err;
    await recordFailure(ctx, { path: `mailbox/${mailbox.upn}`, uri: `m365://${mailbox.upn}/mailbox`, access: mailboxAccess(mailbox) }, err);
    return;
  }
  const include = ctx.settings.includeFolders.length > 0 ? picomatch(ctx.settings.includeFolders, { nocase: true }) : () => true;
  const exclude = ctx.settings.excludeFolders.length > 0 ? picomatch(ctx.settings.excludeFolders, { nocase: true }) : () => false;
  const scoped = folders.filter((folder) => include(folder.path) && !exclude(folder.path));
  dropFoldersOutOfScope(ctx, mailbox, new Set(scoped.map((f) => f.id)));
  const limit = pLimit(FOLDERS_AT_ONCE);
  await Promise.all(
    scoped.map((folder) =>
      limit(async () => {
        try {
          await syncFolder(ctx, mailbox, folder);
          ctx.session.state.markUriGone(ctx.scanId, folderUri(mailbox, folder.id));
        } catch (err) {
          if (err instanceof GraphCallError && err.code === 'auth-failed') throw err;
          await recordFailure(ctx, { path: `mailbox/${mailbox.upn}/${folder.path}`, uri: folderUri(mailbox, folder.id), access: mailboxAccess(mailbox) }, err);
        }
      }),
    ),
  );
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
function dropFoldersOutOfScope(ctx: MailScanContext, mailbox: MailboxRef, current: Set<string>): void {
  const { state } = ctx.session;
  const prefix = `m365:mail:${mailbox.upn}:`;
  for (const { key, value } of state.entriesWithPrefix(prefix)) {
    if (current.has(key.slice(prefix.length))) continue;
    const path = (JSON.parse(value) as FolderCheckpoint).path;
    // Before any folder of this scan is synced, so a new folder of the same name is not touched.
    if (path) state.markFolderGoneBefore(ctx.scanId, ctx.root, path, '9999');
    state.setValue(key, undefined);
  }
}

async function syncFolder(ctx: MailScanContext, mailbox: MailboxRef, folder: { id: string; path: string }): Promise<void> {
  const { state } = ctx.session;
  const key = `m365:mail:${mailbox.upn}:${folder.id}`;
  const initial = `/users/${encodeURIComponent(mailbox.id)}/mailFolders/${encodeURIComponent(folder.id)}/messages/delta?$select=${MESSAGE_SELECT}`;
  const saved = JSON.parse(state.getValue(key) ?? '{}') as FolderCheckpoint;
  const startedAt = state.scanStartedAt(ctx.scanId) ?? new Date().toISOString();
  const folderPath = `mailbox/${mailbox.upn}/${folder.path}`;
  let checkpoint: FolderCheckpoint = saved.next || saved.delta ? { ...saved, path: folderPath } : { fullSince: startedAt, path: folderPath };
  let url = checkpoint.next ?? checkpoint.delta ?? initial;
  const limit = pLimit(MESSAGES_AT_ONCE);
  for (;;) {
    let page: Page<GraphMessage>;
    try {
      page = await ctx.api.get<Page<GraphMessage>>(mailbox.upn, url, { Prefer: `odata.maxpagesize=${PAGE_SIZE}` });
    } catch (err) {
      if (err instanceof GraphCallError && err.code === 'gone' && url !== initial) {
        // The delta token expired: read the folder whole again, then drop what that round did not return.
        checkpoint = { fullSince: startedAt, path: folderPath };
        state.setValue(key, JSON.stringify(checkpoint));
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
    await Promise.all(
      page.value.map((m) =>
        limit(async () => {
          const uri = messageUri(mailbox, m.id);
          if (m['@removed']) state.markUriGone(ctx.scanId, uri);
          else await handleMessage(ctx, mailbox, folderPath, m, prefetched.get(m.id));
        }),
      ),
    );
    const next = page['@odata.nextLink'];
    if (next) {
      checkpoint = { ...checkpoint, next };
      state.setValue(key, JSON.stringify(checkpoint));
      url = next;
      continue;
    }
    if (checkpoint.fullSince) state.markFolderGoneBefore(ctx.scanId, ctx.root, folderPath, checkpoint.fullSince);
    state.setValue(key, JSON.stringify({ delta: page['@odata.deltaLink'] ?? initial, path: folderPath } satisfies FolderCheckpoint));
    return;
  }
}

const folderUri = (mailbox: MailboxRef, id: string) => `m365://${mailbox.upn}/mailFolders/${encodeURIComponent(id)}`;

/**
 * Messages whose attachments could not be read are listed with an error, and their ids kept here:
 * a delta round would not return them again until they change, so the next scan asks for each one.
 */
const retryKey = (mailbox: MailboxRef) => `m365:retry:${mailbox.upn}`;

function rememberFailed(ctx: MailScanContext, mailbox: MailboxRef, id: string, folderPath: string): void {
  const list = JSON.parse(ctx.session.state.getValue(retryKey(mailbox)) ?? '{}') as Record<string, string>;
  list[id] = folderPath;
  ctx.session.state.setValue(retryKey(mailbox), JSON.stringify(list));
}

async function retryFailedMessages(ctx: MailScanContext, mailbox: MailboxRef): Promise<void> {
  const list = JSON.parse(ctx.session.state.getValue(retryKey(mailbox)) ?? '{}') as Record<string, string>;
  for (const [id, folderPath] of Object.entries(list)) {
    try {
      const m = await ctx.api.get<GraphMessage>(
        mailbox.upn,
        `/users/${encodeURIComponent(mailbox.id)}/messages/${encodeURIComponent(id)}?$select=${MESSAGE_SELECT}`,
      );
      if (!(await handleMessage(ctx, mailbox, folderPath, { ...m, id }))) continue;
    } catch (err) {
      if (!(err instanceof GraphCallError && err.code === 'not-found')) continue;
      ctx.session.state.markUriGone(ctx.scanId, messageUri(mailbox, id));
    }
    // Read now, or gone: off the list (read again from the state, as handleMessage may have added to it).
    const now = JSON.parse(ctx.session.state.getValue(retryKey(mailbox)) ?? '{}') as Record<string, string>;
    delete now[id];
    ctx.session.state.setValue(retryKey(mailbox), Object.keys(now).length > 0 ? JSON.stringify(now) : undefined);
  }
}

export function messageUri(mailbox: MailboxRef, id: string): string {
  return `m365://${mailbox.upn}/messages/${encodeURIComponent(id)}`;
}

/** Reads one message into the state; false when its attachments could not be read (it is then retried next scan). */
async function handleMessage(
  ctx: MailScanContext,
  mailbox: MailboxRef,
  folderPath: string,
  m: GraphMessage,
  attachmentList?: Page<GraphAttachment> | GraphCallError,
): Promise<boolean> {
  const uri = messageUri(mailbox, m.id);
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
  const access = mailboxAccess(mailbox);
  // Graph's changeKey changes with every change of the message; equal means the stored result still
  // holds (a page served again after a resumed scan), and its attachments need not be fetched again.
  const fingerprint = {
    size: Buffer.byteLength(JSON.stringify(doc)),
    mtimeMs: Date.parse(m.lastModifiedDateTime ?? '') || 0,
    ino: m.changeKey ?? '',
    dev: 'm365',
  };
  const base = { root: ctx.root, path: `${folderPath}/${received} ${subject}`.trimEnd(), uri, kind: 'message' as const, access, fingerprint };
  if (ctx.session.state.reuseIfUnchanged(ctx.scanId, { ...base, size: 0 }, access, ctx.session.settings)) {
    ctx.onItem?.({ path: base.path, size: 0, findings: ctx.session.state.findingsOf(uri).length, error: null, reused: true });
    return true;
  }
  let complete = true;
  if (m.hasAttachments) {
    try {
      doc.attachments = await fetchAttachments(ctx, mailbox, m.id, attachmentList);
    } catch (err) {
      if (err instanceof GraphCallError && err.code === 'auth-failed') throw err;
      // The message itself is still scanned; its attachments are listed as one unread entry and retried next scan.
      const error = errorOf(err, 'reading its attachments');
      doc.attachments = [{ type: 'missing', name: '(attachments)', code: error.code, reason: error.message }];
      complete = false;
      rememberFailed(ctx, mailbox, m.id, folderPath);
    }
  }
  const bytes = Buffer.from(JSON.stringify(doc));
  const item: SourceItem = {
    ...base,
    size: bytes.length,
    ...(m.lastModifiedDateTime ? { modified: m.lastModifiedDateTime } : {}),
    bytes,
    name: `message.${GRAPH_MESSAGE_EXTENSION}`,
  };
  // Without a fingerprint an incomplete result is never reused.
  if (!complete) delete item.fingerprint;
  const event = await ctx.session.handle(ctx.scanId, item);
  ctx.onItem?.(event);
  return complete;
}

const attachmentsPath = (mailbox: MailboxRef, messageId: string) =>
  `/users/${encodeURIComponent(mailbox.id)}/messages/${encodeURIComponent(messageId)}/attachments`;

/** Every attachment of a message; the first page of the list may have come in a $batch already. */
async function* attachmentsOf(
  ctx: MailScanContext,
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
  ctx: MailScanContext,
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

/**
 * A part of the tenant that could not be listed (a mailbox, a mail folder, a drive, a site, the
 * list of sites or users) becomes one item carrying the error, so the report shows what was not
 * read and why; the scan goes on. A later scan that lists it marks this item gone (`markUriGone`).
 */
export async function recordFailure(ctx: MailScanContext, place: { path: string; uri: string; access?: Access }, err: unknown): Promise<void> {
  const item: SourceItem = {
    root: ctx.root,
    path: place.path,
    uri: place.uri,
    kind: 'folder',
    size: 0,
    ...(place.access ? { access: place.access } : {}),
    error: errorOf(err, 'listing it'),
  };
  ctx.onItem?.(await ctx.session.handle(ctx.scanId, item));
}

export function errorOf(err: unknown, action: string): ItemError {
  if (!(err instanceof GraphCallError)) return { code: 'internal', message: `failed while ${action} (${(err as Error)?.name ?? 'error'}); the scan went on` };
  const codes: Record<string, ErrorCode> = { forbidden: 'permission-denied', 'auth-failed': 'permission-denied', 'not-found': 'not-found' };
  return { code: codes[err.code] ?? 'io-error', message: err.message };
}

/** A display name made safe as one path part: no slashes or control characters. */
export function safeName(name: string): string {
  return name
    .replace(/[/\\\u0000-\u001f\u007f]+/g, ' ')
    .replace(/\s+/g, ' ')
    .trim();
}
