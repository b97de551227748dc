/**
 * Windows access control lists (NTFS, or an SMB share's security descriptor seen over a CIFS
 * mount) in one model, whichever tool printed them (icacls.ts, cifsacl.ts). Rights are
 * normalised to the same words as POSIX (`read`, `write`, `execute`) plus Windows' own
 * (`delete`, `change-permissions`, `take-ownership`, `full`).
 *
 * Group membership is not expanded: a deny entry only cancels an allow entry of the same
 * principal. That can overstate access (a deny on a subgroup), never understate it.
 */
import type { Access, AccessEntry, AccessSource } from '../model.js';
import { type BroadOptions, broadMatcher } from './principals.js';

export interface NtAce {
  principal: string;
  type: 'allow' | 'deny';
  /** Normalised rights, in RIGHTS_ORDER. */
  rights: string[];
  /** Taken over from the parent folder. */
  inherited: boolean;
  /** Applies to children only, not to this object. */
  inheritOnly: boolean;
  native: string;
}

export interface NtAcl {
  owner?: string;
  group?: string;
  aces: NtAce[];
}

export const RIGHTS_ORDER = ['full', 'read', 'write', 'execute', 'delete', 'change-permissions', 'take-ownership'] as const;

export function orderRights(rights: Iterable<string>): string[] {
  const set = new Set(rights);
  if (set.has('full')) return ['full'];
  return RIGHTS_ORDER.filter((r) => set.has(r));
}

function canRead(rights: readonly string[]): boolean {
  return rights.includes('read') || rights.includes('full');
}

/** Principals as tools print them can carry a leading `\` for well-known accounts (winbind's `\Everyone`). */
export function cleanPrincipal(principal: string): string {
  return principal.trim().replace(/^\\/, '');
}

export function evaluateNtAcl(acl: NtAcl, source: AccessSource, options: BroadOptions = {}): Access {
  const broad = broadMatcher(options);
  const entries: AccessEntry[] = acl.aces.map((ace) => ({
    principal: ace.principal,
    rights: ace.rights.join(',') || 'none',
    ...(ace.type === 'deny' ? { type: 'deny' as const } : {}),
    ...(ace.inherited ? { inherited: true } : {}),
    ...(ace.inheritOnly ? { default: true } : {}),
    native: ace.native,
  }));
  const effective = acl.aces.filter((a) => !a.inheritOnly);
  const denied = new Set(effective.filter((a) => a.type === 'deny' && canRead(a.rights)).map((a) => a.principal.toLowerCase()));
  const readers: string[] = [];
  const reasons: string[] = [];
  for (const ace of effective) {
    if (ace.type !== 'allow' || !canRead(ace.rights) || denied.has(ace.principal.toLowerCase())) continue;
    if (readers.includes(ace.principal)) continue;
    readers.push(ace.principal);
    if (broad.isBroad(ace.principal)) reasons.push(`ACL grants read to broad group ${ace.principal}`);
  }
  return {
    ...(acl.owner ? { owner: acl.owner } : {}),
    ...(acl.group ? { group: acl.group } : {}),
    entries,
    broad: reasons.length > 0,
    reasons,
    source,
    readers,
  };
}
