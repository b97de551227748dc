/**
 * OneDrive and SharePoint document libraries through Microsoft Graph. Per drive, a driveItem delta
 * round (`nextLink` pages until a `deltaLink`, checkpointed in the state like mail folders) lists
 * files added or changed since the last round and those deleted. A file is downloaded (/content,
 * which redirects to a pre-authenticated URL) only when its content tag differs from the stored
 * one. For each file with findings the sharing permissions are read: anonymous and organization-wide
 * links are broad access.
 */
import pLimit from 'p-limit';
import type { Access, AccessEntry, SourceItem } from '../../model.js';
import { GraphCallError, type Page } from './graph.js';
import { errorOf, type MailboxRef, type MailScanContext, recordFailure, safeName } from './mail.js';

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
  file?: object;
  folder?: object;
  root?: object;
  deleted?: object;
  parentReference?: { driveId?: string; path?: string };
}

interface GraphIdentity {
  user?: { displayName?: string; email?: string };
  group?: { displayName?: string; email?: string };
  siteUser?: { displayName?: string; loginName?: string };
  siteGroup?: { displayName?: string };
}

export interface GraphPermission {
  id: string;
  roles?: string[];
  link?: { scope?: 'anonymous' | 'organization' | 'users' | 'existingAccess'; type?: string };
  grantedToV2?: GraphIdentity;
  grantedToIdentitiesV2?: GraphIdentity[];
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

export async function scanDrives(ctx: MailScanContext, users: MailboxRef[]): Promise<void> {
  const targets: DriveTarget[] = [];
  if (ctx.settings.oneDrive) {
    for (const u of users) {
      try {
        const drive = await ctx.api.get<GraphDrive>(u.upn, `/users/${encodeURIComponent(u.id)}/drive?$select=id,name`);
        targets.push({ id: drive.id, label: `onedrive/${u.upn}`, owner: u.upn });
      } catch (err) {
        if (err instanceof GraphCallError && err.code === 'auth-failed') throw err;
        await recordFailure(ctx, u, `onedrive/${u.upn}`, `m365://${u.upn}/drive`, err);
      }
    }
  }
  const sites: { id: string; displayName?: string; name?: string }[] = [];
  for (const siteId of ctx.settings.sites) {
    if (siteId === 'all') {
      // Every site of the tenant (all geographies); app-only sign-in only.
      for await (const s of ctx.api.all<{ id: string; displayName?: string; name?: string }>(
        undefined,
        '/sites/getAllSites?$select=id,displayName,name&$top=100',
      ))
        sites.push(s);
    } else {
      sites.push({
        ...(await ctx.api.get<{ displayName?: string; name?: string }>(undefined, `/sites/${encodeURIComponent(siteId)}?$select=id,displayName,name`)),
        id: siteId,
      });
    }
  }
  for (const site of sites) {
    const siteId = site.id;
    for await (const d of ctx.api.all<GraphDrive>(undefined, `/sites/${encodeURIComponent(siteId)}/drives?$select=id,name`)) {
      targets.push({ id: d.id, label: `sharepoint/${safeName(site.displayName ?? site.name ?? siteId)}/${safeName(d.name ?? d.id)}` });
    }
  }
  const limit = pLimit(DRIVES_AT_ONCE);
  await Promise.all(targets.map((t) => limit(() => syncDrive(ctx, t))));
}

async function syncDrive(ctx: MailScanContext, drive: DriveTarget): Promise<void> {
  const { state } = ctx.session;
  const key = `m365:drive:${drive.id}`;
  const initial = `/drives/${encodeURIComponent(drive.id)}/root/delta?$select=${DRIVE_SELECT}`;
  const saved = JSON.parse(state.getValue(key) ?? '{}') as Checkpoint;
  const startedAt = state.scanStartedAt(ctx.scanId) ?? new Date().toISOString();
  let checkpoint: Checkpoint = saved.next || saved.delta ? saved : { fullSince: startedAt };
  let url = checkpoint.next ?? checkpoint.delta ?? initial;
  const slot = `drive:${drive.id}`;
  const limit = pLimit(FILES_AT_ONCE);
  for (;;) {
    let page: Page<GraphDriveItem>;
    try {
      page = await ctx.api.get<Page<GraphDriveItem>>(slot, url);
    } catch (err) {
      if (err instanceof GraphCallError && err.code === 'gone' && url !== initial) {
        checkpoint = { fullSince: startedAt };
        state.setValue(key, JSON.stringify(checkpoint));
        url = initial;
        continue;
      }
      if (err instanceof GraphCallError && err.code !== 'auth-failed') {
        ctx.onItem?.(
          await ctx.session.handle(ctx.scanId, {
            root: ctx.root,
            path: drive.label,
            uri: `m365://drives/${drive.id}`,
            kind: 'folder',
            size: 0,
            error: errorOf(err, 'listing it'),
          }),
        );
        return;
      }
      throw err;
    }
    await Promise.all(
      page.value.map((entry) =>
        limit(async () => {
          const uri = itemUri(drive, entry.id);
          if (entry.deleted) state.markUriGone(ctx.scanId, uri);
          else if (entry.file) await handleFile(ctx, drive, entry);
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
    if (checkpoint.fullSince) state.markFolderGoneBefore(ctx.scanId, ctx.root, drive.label, checkpoint.fullSince, true);
    state.setValue(key, JSON.stringify({ delta: page['@odata.deltaLink'] ?? initial } satisfies Checkpoint));
    ctx.session.state.markUriGone(ctx.scanId, `m365://drives/${drive.id}`);
    return;
  }
}

const itemUri = (drive: DriveTarget, id: string) => `m365://drives/${encodeURIComponent(drive.id)}/items/${encodeURIComponent(id)}`;

async function handleFile(ctx: MailScanContext, drive: DriveTarget, entry: GraphDriveItem): Promise<void> {
  const { state } = ctx.session;
  const uri = itemUri(drive, entry.id);
  const name = entry.name ?? entry.id;
  const size = entry.size ?? 0;
  const owned: Access = ownerAccess(drive.owner);
  const base = {
    root: ctx.root,
    path: `${drive.label}/${folderOf(entry)}${safeName(name)}`,
    uri,
    kind: 'drive-item' as const,
    size,
    ...(entry.lastModifiedDateTime ? { modified: entry.lastModifiedDateTime } : {}),
    access: owned,
    // The content tag changes only when the content does: equal means the stored result holds.
    fingerprint: { size, mtimeMs: 0, ino: entry.cTag ?? '', dev: 'm365-drive' },
  };
  let event: Awaited<ReturnType<typeof ctx.session.handle>>;
  if (state.reuseIfUnchanged(ctx.scanId, base, owned, ctx.session.settings)) {
    event = { path: base.path, size, findings: state.findingsOf(uri).length, error: null, reused: true };
  } else if (size > ctx.maxAttachmentSize) {
    event = await ctx.session.handle(ctx.scanId, { ...base, error: { code: 'too-large', message: `larger than --max-file-size; not downloaded` } });
  } else {
    let item: SourceItem;
    try {
      const bytes = await ctx.api.getBytes(`drive:${drive.id}`, `/drives/${encodeURIComponent(drive.id)}/items/${encodeURIComponent(entry.id)}/content`);
      item = { ...base, bytes, name };
    } catch (err) {
      if (err instanceof GraphCallError && err.code === 'auth-failed') throw err;
      item = { ...base, error: errorOf(err, 'downloading it') };
    }
    event = await ctx.session.handle(ctx.scanId, item);
  }
  if (event.findings > 0) {
    // Sharing is read only where it matters: files holding personal data.
    try {
      const perms: GraphPermission[] = [];
      for await (const p of ctx.api.all<GraphPermission>(
        `drive:${drive.id}`,
        `/drives/${encodeURIComponent(drive.id)}/items/${encodeURIComponent(entry.id)}/permissions`,
      ))
        perms.push(p);
      state.setAccess([{ uri, access: accessFromPermissions(perms, drive.owner) }]);
    } catch (err) {
      if (err instanceof GraphCallError && err.code === 'auth-failed') throw err;
      state.setAccess([{ uri, access: { ...owned, notes: ['sharing permissions could not be read; run the scan again'] } }]);
    }
  }
  ctx.onItem?.(event);
}

function ownerAccess(owner: string | undefined): Access {
  return { ...(owner ? { owner } : {}), entries: owner ? [{ principal: owner, rights: 'owner' }] : [], broad: false, reasons: [] };
}

const LINK_PRINCIPAL: Record<string, string> = {
  anonymous: 'anyone with the link',
  organization: 'everyone in the organization with the link',
  users: 'specific people with the link',
  existingAccess: 'people with existing access',
};

/** Sharing links and grants as access entries; anonymous and organization links make access broad. */
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
    for (const who of [p.grantedToV2, ...(p.grantedToIdentitiesV2 ?? [])]) {
      const name =
        who &&
        (who.user?.email ?? who.user?.displayName ?? who.group?.email ?? who.group?.displayName ?? who.siteUser?.loginName ?? who.siteGroup?.displayName);
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
