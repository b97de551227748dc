/**
 * Access on POSIX file systems from what the crawl already has (owner, group, mode): names
 * resolved from the local user and group databases, and `broad` when everyone on the machine can
 * read the file or its group is one that stands for "all staff". ACL entries are collected by the
 * access issue's collector on top of this.
 */
import { readFileSync } from 'node:fs';
import type { Access, AccessEntry, SourceItem } from '../model.js';

/** Group names that mean "everybody in the organisation" on typical Linux and Samba/AD setups. */
export const DEFAULT_BROAD_GROUPS = ['users', 'domain users', 'everyone', 'authenticated users', 'staff'];

function readIdMap(file: string): Map<number, string> {
  const map = new Map<number, string>();
  try {
    for (const line of readFileSync(file, 'utf8').split('\n')) {
      const [name, , id] = line.split(':');
      if (name && id && /^\d+$/.test(id)) map.set(Number(id), name);
    }
  } catch {
    // No local database (containers, Windows): numeric ids are shown.
  }
  return map;
}

let users: Map<number, string> | undefined;
let groups: Map<number, string> | undefined;

function rights(bits: number): string {
  const list = [bits & 4 ? 'read' : '', bits & 2 ? 'write' : '', bits & 1 ? 'execute' : ''].filter(Boolean);
  return list.join(',') || 'none';
}

export function posixAccess(item: SourceItem, broadGroups: readonly string[] = DEFAULT_BROAD_GROUPS): Access | undefined {
  if (item.mode === undefined || item.uid === undefined || item.gid === undefined) return undefined;
  users ??= readIdMap('/etc/passwd');
  groups ??= readIdMap('/etc/group');
  const owner = users.get(item.uid) ?? String(item.uid);
  const group = groups.get(item.gid) ?? String(item.gid);
  const mode = item.mode & 0o7777;
  const entries: AccessEntry[] = [
    { principal: `user:${owner}`, rights: rights(mode >> 6) },
    { principal: `group:${group}`, rights: rights(mode >> 3) },
    { principal: 'everyone', rights: rights(mode) },
  ];
  const reasons: string[] = [];
  if (mode & 0o004) reasons.push('world-readable');
  const broadSet = new Set(broadGroups.map((g) => g.toLowerCase()));
  if (mode & 0o040 && broadSet.has(group.toLowerCase())) reasons.push(`readable by broad group ${group}`);
  return { owner, group, mode: mode.toString(8).padStart(4, '0'), entries, broad: reasons.length > 0, reasons };
}
