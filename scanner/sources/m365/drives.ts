/**
 * OneDrive and SharePoint document libraries through Microsoft Graph. Per drive, a driveItem delta
 * round (`nextLink` pages until a `deltaLink`, checkpointed like mail folders) lists files added or
 * changed since the last round and those deleted. A file is an item whose version is its content
 * tag; it is downloaded (/content, which redirects to a pre-authenticated URL) only when the pipeline
 * reads it, that is when the tag differs from the stored one. Once a page is stored, the sharing
 * permissions of its files with findings are read and said as `access` events: anonymous and
 * organization-wide links, and grants to SharePoint's "Everyone" principals, are broad access. Where
 * they were not read (no findings, a failed call) access says `broad: 'unknown'`.
 */
import pLimit from 'p-limit';
import type { Access, AccessEntry, FetchedContent, SourceItem } from '../../model.js';
import { mergeStreams } from '../merge.js';
import { type SourceEvent, settled } from '../types.js';
import { errorOf, failureItem, isSignInFailure, type M365Context, signInError } from './context.js';
import { GraphCallError, type Page } from './graph.js';
import { type MailboxRef, safeName } from './mail.js';

const DRIVE_SELECT = 'id,name,size,file,folder,root,deleted,parentReference,lastModifiedDateTime,cTag';
const DRIVES_AT_ONCE = 4;
const FILES_AT_ONCE = 4;

interface GraphDrive {
  id: string;
  name?: string;
}

interface GraphDriveItem {
  id: string;
  name?: string;
  size?: number;
  cTag?: string;
  lastModifiedDateTime?: string;
  file?: { mimeType?: string };
  folder?: object;
  root?: object;
  deleted?: object;
  parentReference?: { driveId?: string; path?: string };
}

interface GraphIdentity {
  user?: { displayName?: string; email?: string };
  group?: { displayName?: string; email?: string };
  siteUser?: { displayName?: string; loginName?: string };
  siteGroup?: { displayName?: string; loginName?: string };
}

export interface GraphPermission {
  id: string;
  roles?: string[];
  link?: { scope?: 'anonymous' | 'organization' | 'users' | 'existingAccess'; type?: string };
  grantedToV2?: GraphIdentity;
  grantedToIdentitiesV2?: GraphIdentity[];
  grantedTo?: GraphIdentity;
  grantedToIdentities?: GraphIdentity[];
  inheritedFrom?: object;
}

interface DriveTarget {
  id: string;
  /** Path prefix of its items: `onedrive/<upn>` or `sharepoint/<site>/<library>`. */
  label: string;
  owner?: string;
}

interface Checkpoint {
  next?: string;
  delta?: string;
  fullSince?: string;
}

interface GraphSite {
  id: string;
  displayName?: string;
  name?: string;
}

/** The OneDrives of the users and the libraries of the sites in scope, several drives at once. */
export async function* driveEvents(ctx: M365Context, users: MailboxRef[]): AsyncGenerator<SourceEvent> {
  const targets: DriveTarget[] = [];
  if (ctx.settings.oneDrive) {
    for (const u of users) {
      const drive = yield* listed(ctx, { path: `onedrive/${u.upn}`, uri: `m365://${u.upn}/drive` }, () =>
        ctx.api.get<GraphDrive>(u.upn, `/users/${encodeURIComponent(u.id)}/drive?$select=id,name`),
      );
      if (drive) targets.push({ id: drive.id, label: `onedrive/${u.upn}`, owner: u.upn });
    }
  }
  const sites: GraphSite[] = [];
  for (const siteId of ctx.settings.sites) {
    if (siteId === 'all') {
      // Every site of the tenant (all geographies); app-only sign-in only.
      const all = yield* listed(ctx, { path: 'sharepoint', uri: `${ctx.root}/sites` }, () =>
        collect(ctx.api.all<GraphSite>(undefined, '/sites/getAllSites?$select=id,displayName,name&$top=100')),
      );
      sites.push(...(all ?? []));
    } else {
      const site = yield* listed(ctx, { path: `sharepoint/${safeName(siteId)}`, uri: `m365://sites/${encodeURIComponent(siteId)}` }, () =>
        ctx.api.get<Omit<GraphSite, 'id'>>(undefined, `/sites/${encodeURIComponent(siteId)}?$select=id,displayName,name`),
      );
      if (site) sites.push({ ...site, id: siteId });
    }
  }
  for (const site of sites) {
    const label = `sharepoint/${safeName(site.displayName ?? site.name ?? site.id)}`;
    const drives = yield* listed(ctx, { path: label, uri: `m365://sites/${encodeURIComponent(site.id)}/drives` }, () =>
      collect(ctx.api.all<GraphDrive>(undefined, `/sites/${encodeURIComponent(site.id)}/drives?$select=id,name`)),
    );
    for (const d of drives ?? []) targets.push({ id: d.id, label: `${label}/${safeName(d.name ?? d.id)}` });
  }
  yield* mergeStreams(
    targets.map((t) => () => syncDrive(ctx, t)),
    DRIVES_AT_ONCE,
  );
}

/** A listing: its result, and `gone` for the failure an earlier scan recorded; or, when it fails, one item with its error. */
async function* listed<T>(ctx: M365Context, place: { path: string; uri: string }, list: () => Promise<T>): AsyncGenerator<SourceEvent, T | undefined> {
  let result: T;
  try {
    result = await list();
  } catch (err) {
    if (isSignInFailure(err)) throw err;
    yield failureItem(ctx, { ...place, access: unreadAccess(undefined, 'not listed, so who can read it was not read') }, err);
    return undefined;
  }
  yield { type: 'gone', uri: place.uri };
  return result;
}

async function collect<T>(items: AsyncIterable<T>): Promise<T[]> {
  const out: T[] = [];
  for await (const item of items) out.push(item);
  return out;
}

async function* syncDrive(ctx: M365Context, drive: DriveTarget): AsyncGenerator<SourceEvent> {
  const key = `m365:drive:${drive.id}`;
  const initial = `/drives/${encodeURIComponent(drive.id)}/root/delta?$select=${DRIVE_SELECT}`;
  const saved = JSON.parse((await ctx.reader.getValue(key)) ?? '{}') as Checkpoint;
  let checkpoint: Checkpoint = saved.next || saved.delta ? saved : { fullSince: ctx.startedAt };
  let url = checkpoint.next ?? checkpoint.delta ?? initial;
  const slot = `drive:${drive.id}`;
  for (;;) {
    let page: Page<GraphDriveItem>;
    try {
      page = await ctx.api.get<Page<GraphDriveItem>>(slot, url);
    } catch (err) {
      if (err instanceof GraphCallError && err.code === 'gone' && url !== initial) {
        checkpoint = { fullSince: ctx.startedAt };
        yield { type: 'checkpoint', key, value: JSON.stringify(checkpoint) };
        url = initial;
        continue;
      }
      if (isSignInFailure(err) || !(err instanceof GraphCallError)) throw err;
      yield failureItem(
        ctx,
        { path: drive.label, uri: `m365://drives/${drive.id}`, access: unreadAccess(drive.owner, 'not listed, so who can read it was not read') },
        err,
      );
      return;
    }
    const files = page.value.filter((entry) => !entry.deleted && entry.file);
    for (const entry of files) yield { type: 'item', item: fileItem(ctx, drive, entry) };
    for (const entry of page.value) if (entry.deleted) yield { type: 'gone', uri: itemUri(drive, entry.id) };
    if (files.length > 0) {
      // The page is stored now: the sharing of its files that hold findings is read, before the round moves past them.
      const page = settled();
      yield page.event;
      await page.stored;
      yield* sharingOf(ctx, drive, files);
    }
    const next = page['@odata.nextLink'];
    if (next) {
      checkpoint = { ...checkpoint, next };
      yield { type: 'checkpoint', key, value: JSON.stringify(checkpoint) };
      url = next;
      continue;
    }
    yield {
      type: 'checkpoint',
      key,
      value: JSON.stringify({ delta: page['@odata.deltaLink'] ?? initial } satisfies Checkpoint),
      ...(checkpoint.fullSince ? { folderSynced: { root: ctx.root, folder: drive.label, syncStartedAt: checkpoint.fullSince, deep: true } } : {}),
    };
    yield { type: 'gone', uri: `m365://drives/${drive.id}` };
    return;
  }
}

const itemUri = (drive: DriveTarget, id: string) => `m365://drives/${encodeURIComponent(drive.id)}/items/${encodeURIComponent(id)}`;

/** One file as an item: its content tag is the version, and it is downloaded only when the pipeline reads it. */
function fileItem(ctx: M365Context, drive: DriveTarget, entry: GraphDriveItem): SourceItem {
  const name = entry.name ?? entry.id;
  const size = entry.size ?? 0;
  return {
    root: ctx.root,
    path: `${drive.label}/${folderOf(entry)}${safeName(name)}`,
    uri: itemUri(drive, entry.id),
    kind: 'drive-item',
    size,
    ...(entry.lastModifiedDateTime ? { modified: entry.lastModifiedDateTime } : {}),
    // Until the sharing permissions are read (only for files with findings), who else can read it is unknown.
    access: unreadAccess(drive.owner, 'sharing permissions are read only for files with findings; not read for this one'),
    // The content tag changes only when the content does: equal means the stored result holds.
    ...(entry.cTag ? { version: `cTag:${entry.cTag}` } : {}),
    ...(entry.file?.mimeType ? { mediaType: entry.file.mimeType } : {}),
    name,
    fetch: async (): Promise<FetchedContent> => {
      if (size > ctx.maxAttachmentSize) return { error: { code: 'too-large', message: 'larger than --max-file-size; not downloaded' } };
      try {
        return { bytes: await ctx.api.getBytes(`drive:${drive.id}`, `/drives/${encodeURIComponent(drive.id)}/items/${encodeURIComponent(entry.id)}/content`) };
      } catch (err) {
        if (isSignInFailure(err)) throw signInError(err);
        return { error: errorOf(err, 'downloading it') };
      }
    },
  };
}

/** The sharing of the files that hold findings (read or reused), as access events; only where it matters: files holding personal data. */
async function* sharingOf(ctx: M365Context, drive: DriveTarget, files: GraphDriveItem[]): AsyncGenerator<SourceEvent> {
  const counts = await ctx.reader.findingCounts(files.map((entry) => itemUri(drive, entry.id)));
  const limit = pLimit(FILES_AT_ONCE);
  const read = await Promise.all(
    files
      .filter((entry) => (counts.get(itemUri(drive, entry.id)) ?? 0) > 0)
      .map((entry) =>
        limit(async (): Promise<SourceEvent> => {
          const uri = itemUri(drive, entry.id);
          try {
            const perms: GraphPermission[] = [];
            for await (const p of ctx.api.all<GraphPermission>(
              `drive:${drive.id}`,
              `/drives/${encodeURIComponent(drive.id)}/items/${encodeURIComponent(entry.id)}/permissions`,
            ))
              perms.push(p);
            return { type: 'access', uri, access: accessFromPermissions(perms, drive.owner) };
          } catch (err) {
            if (isSignInFailure(err)) throw err;
            const why = errorOf(err, 'reading its sharing permissions').message;
            return { type: 'access', uri, access: unreadAccess(drive.owner, `sharing permissions could not be read (${why}); the next scan reads them again`) };
          }
        }),
      ),
  );
  yield* read;
}

/** The owner is known, who else can read it is not: `broad` says `unknown`, never `false`. */
export function unreadAccess(owner: string | undefined, why: string): Access {
  return { ...(owner ? { owner } : {}), entries: owner ? [{ principal: owner, rights: 'owner' }] : [], broad: 'unknown', reasons: [], notes: [why] };
}

const LINK_PRINCIPAL: Record<string, string> = {
  anonymous: 'anyone with the link',
  organization: 'everyone in the organization with the link',
  users: 'specific people with the link',
  existingAccess: 'people with existing access',
};

/**
 * SharePoint's "everyone" principals, by claim and by display name (English and Dutch; the name
 * follows the site's language). A grant to one of them on a site or library shows on each item as
 * an inherited permission, so checking the item's permissions covers all three levels.
 */
const EVERYONE_CLAIMS: readonly { claim: RegExp; name: string }[] = [
  // Everyone except external users: every member of the tenant, `…/spo-grid-all-users/<tenant id>`.
  { claim: /^c:0-\.f\|rolemanager\|spo-grid-all-users(\/|$)/i, name: 'Everyone except external users' },
  // Everyone: members and guests.
  { claim: /^c:0\(\.s\|true$/i, name: 'Everyone' },
];
const EVERYONE_NAMES = new Map(
  [
    ['everyone except external users', 'Everyone except external users'],
    ['iedereen behalve externe gebruikers', 'Everyone except external users'],
    ['everyone', 'Everyone'],
    ['iedereen', 'Everyone'],
  ].map(([k, v]) => [k, v] as const),
);

/** The "everyone" principal an identity stands for, if it is one. */
export function everyonePrincipal(who: GraphIdentity): string | undefined {
  for (const id of [who.siteUser, who.siteGroup, who.user, who.group]) {
    if (!id) continue;
    const login = 'loginName' in id ? id.loginName : undefined;
    const byClaim = login ? EVERYONE_CLAIMS.find((c) => c.claim.test(login.trim()))?.name : undefined;
    const byName = id.displayName ? EVERYONE_NAMES.get(id.displayName.trim().toLowerCase()) : undefined;
    if (byClaim ?? byName) return byClaim ?? byName;
  }
  return undefined;
}

/** Sharing links and grants as access entries; anonymous and organization links, and grants to everyone, make access broad. */
export function accessFromPermissions(perms: GraphPermission[], owner: string | undefined): Access {
  const entries: AccessEntry[] = [];
  const reasons: string[] = [];
  for (const p of perms) {
    const rights = `${(p.roles ?? []).join(',') || 'read'}${p.inheritedFrom ? ' (inherited)' : ''}`;
    if (p.link?.scope) {
      entries.push({ principal: `link: ${LINK_PRINCIPAL[p.link.scope] ?? p.link.scope}`, rights });
      if (p.link.scope === 'anonymous') reasons.push('anonymous sharing link');
      if (p.link.scope === 'organization') reasons.push('organization-wide sharing link');
    }
    // grantedToV2 / grantedToIdentitiesV2, and the older grantedTo / grantedToIdentities some tenants still return.
    const grantees = [p.grantedToV2 ?? p.grantedTo, ...(p.grantedToIdentitiesV2 ?? p.grantedToIdentities ?? [])];
    for (const who of grantees) {
      if (!who) continue;
      const everyone = everyonePrincipal(who);
      if (everyone) {
        entries.push({ principal: everyone, rights });
        reasons.push(`granted to ${everyone}${p.inheritedFrom ? ' (inherited from the library or site)' : ''}`);
        continue;
      }
      const name =
        who.user?.email ?? who.user?.displayName ?? who.group?.email ?? who.group?.displayName ?? who.siteUser?.loginName ?? who.siteGroup?.displayName;
      if (name) entries.push({ principal: name, rights });
    }
  }
  return { ...(owner ? { owner } : {}), entries, broad: reasons.length > 0, reasons: [...new Set(reasons)] };
}

/** The folder path of an item below its drive root, with a trailing slash ('' at the root). */
function folderOf(entry: GraphDriveItem): string {
  const raw = entry.parentReference?.path ?? '';
  const i = raw.indexOf('root:');
  if (i === -1) return '';
  let rel = raw.slice(i + 'root:'.length).replace(/^\/+/, '');
  try {
    rel = decodeURIComponent(rel);
  } catch {
    // Not percent-encoded after all; keep it as it is.
  }
  const parts = rel.split('/').map(safeName).filter(Boolean);
  return parts.length > 0 ? `${parts.join('/')}/` : '';
}
