/**
 * Access on POSIX file systems. Mode bits come from the crawl's stat; a POSIX ACL (read with
 * getfacl, see getfacl.ts) adds named users and groups whose rights the mask limits. Both are
 * evaluated the same way: the mode is the ACL with only its three base entries.
 *
 * An item is `broad` when everyone on the machine can read it, or when a broad group (see
 * principals.ts) can: as owning group, or through a named ACL entry.
 */
import { spawnSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import type { Access, AccessEntry, SourceItem } from '../model.js';
import { type BroadOptions, broadMatcher } from './principals.js';

export { DEFAULT_BROAD_GROUPS } from './principals.js';

export interface PosixAclEntry {
  tag: 'user' | 'group' | 'mask' | 'other';
  /** Named user or group; absent for the owner (`user::`), owning group (`group::`), mask and other. */
  qualifier?: string;
  /** `rwx` form, `-` for a missing right. */
  perms: string;
  /** An entry of a folder's default ACL, which new children inherit. */
  default: boolean;
}

export interface PosixAcl {
  owner: string;
  group: string;
  entries: PosixAclEntry[];
}

/**
 * Id → name, cached per process: first the local files, then `getent` for ids they lack, so
 * accounts from LDAP, sssd or winbind (AD-joined file servers) get their names too. A share
 * holds few distinct owners, so the few getent calls cost little.
 */
class IdNames {
  private map?: Map<number, string>;
  constructor(
    private readonly file: string,
    private readonly database: 'passwd' | 'group',
  ) {}

  name(id: number): string {
    if (!this.map) {
      this.map = new Map();
      try {
        for (const line of readFileSync(this.file, 'utf8').split('\n')) {
          const [name, , idText] = line.split(':');
          if (name && idText && /^\d+$/.test(idText)) this.map.set(Number(idText), name);
        }
      } catch {
        // No local database (containers, Windows): getent or numeric ids.
      }
    }
    let name = this.map.get(id);
    if (name === undefined) {
      name = lookUp(this.database, id) ?? String(id);
      this.map.set(id, name);
    }
    return name;
  }
}

function lookUp(database: 'passwd' | 'group', id: number): string | undefined {
  if (process.platform === 'win32') return undefined;
  try {
    const r = spawnSync('getent', [database, String(id)], { encoding: 'utf8', timeout: 5_000, stdio: ['ignore', 'pipe', 'ignore'] });
    const name = r.status === 0 ? r.stdout.split(':')[0] : undefined;
    return name || undefined;
  } catch {
    return undefined;
  }
}

const userNames = new IdNames('/etc/passwd', 'passwd');
const groupNames = new IdNames('/etc/group', 'group');

export function userName(uid: number): string {
  return userNames.name(uid);
}

export function groupName(gid: number): string {
  return groupNames.name(gid);
}

/** `rwx` → `read,write,execute`; nothing → `none`. */
export function rightsOf(perms: string): string {
  const list = [perms.includes('r') ? 'read' : '', perms.includes('w') ? 'write' : '', perms.includes('x') ? 'execute' : ''].filter(Boolean);
  return list.join(',') || 'none';
}

function permsOf(bits: number): string {
  return `${bits & 4 ? 'r' : '-'}${bits & 2 ? 'w' : '-'}${bits & 1 ? 'x' : '-'}`;
}

/** The minimal ACL that mode bits stand for. */
export function aclFromMode(owner: string, group: string, mode: number): PosixAcl {
  return {
    owner,
    group,
    entries: [
      { tag: 'user', perms: permsOf(mode >> 6), default: false },
      { tag: 'group', perms: permsOf(mode >> 3), default: false },
      { tag: 'other', perms: permsOf(mode), default: false },
    ],
  };
}

/** Rights of `perms` that survive the mask. */
function masked(perms: string, mask: string | undefined): string {
  if (mask === undefined) return perms;
  return [...perms].map((c, i) => (c !== '-' && mask[i] !== '-' ? c : '-')).join('');
}

function principalOf(e: PosixAclEntry, acl: PosixAcl): string {
  switch (e.tag) {
    case 'user':
      return `user:${e.qualifier ?? acl.owner}`;
    case 'group':
      return `group:${e.qualifier ?? acl.group}`;
    case 'mask':
      return 'mask';
    case 'other':
      return 'everyone';
  }
}

/**
 * Evaluates an ACL: entries for the report, who can read (the mask limits named users, the owning
 * group and named groups, not the owner or other), and whether that is broad.
 */
export function evaluatePosixAcl(acl: PosixAcl, mode: number | undefined, options: BroadOptions = {}): Access {
  const broad = broadMatcher(options);
  const accessEntries = acl.entries.filter((e) => !e.default);
  const mask = accessEntries.find((e) => e.tag === 'mask')?.perms;
  const hasAcl = acl.entries.some((e) => e.default || e.tag === 'mask' || e.qualifier !== undefined);
  const entries: AccessEntry[] = [];
  const readers: string[] = [];
  const reasons: string[] = [];
  for (const e of acl.entries) {
    const principal = principalOf(e, acl);
    const entry: AccessEntry = { principal, rights: rightsOf(e.perms), native: e.perms };
    if (e.default) {
      entry.default = true;
      entries.push(entry);
      continue;
    }
    const limited = e.tag === 'mask' || e.tag === 'other' || (e.tag === 'user' && e.qualifier === undefined) ? e.perms : masked(e.perms, mask);
    if (limited !== e.perms) entry.effective = rightsOf(limited);
    entries.push(entry);
    if (e.tag === 'mask' || !limited.includes('r')) continue;
    readers.push(principal);
    if (e.tag === 'other') reasons.push('world-readable');
    else if (e.tag === 'group' && broad.isBroad(e.qualifier ?? acl.group)) {
      reasons.push(e.qualifier === undefined ? `readable by broad group ${acl.group}` : `ACL grants read to broad group ${e.qualifier}`);
    } else if (e.tag === 'user' && e.qualifier !== undefined && broad.isBroad(e.qualifier)) {
      reasons.push(`ACL grants read to broad principal ${e.qualifier}`);
    }
  }
  return {
    owner: acl.owner,
    group: acl.group,
    ...(mode !== undefined ? { mode: (mode & 0o7777).toString(8).padStart(4, '0') } : {}),
    entries,
    broad: reasons.length > 0,
    reasons,
    source: hasAcl ? 'posix-acl' : 'posix-mode',
    readers,
  };
}

/** Access from the crawl's stat alone (no ACL read): owner, group, mode. */
export function posixAccess(item: SourceItem, options: BroadOptions = {}): Access | undefined {
  if (item.mode === undefined || item.uid === undefined || item.gid === undefined) return undefined;
  return evaluatePosixAcl(aclFromMode(userName(item.uid), groupName(item.gid), item.mode), item.mode, options);
}
