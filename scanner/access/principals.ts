/**
 * Which principals count as "broad": everyone in the organisation, or everyone at all. A group
 * is configured by name (`domain users`); the same group also matches under a domain prefix
 * (`CONTOSO\Domain Users`), its well-known SID, and its name on a Dutch Windows, because shares
 * in the Netherlands are often administered from Dutch-language servers.
 */

/** Group names that mean "everybody in the organisation" on typical Linux and Samba/AD setups. */
export const DEFAULT_BROAD_GROUPS: readonly string[] = ['users', 'domain users', 'everyone', 'authenticated users', 'staff', 'anonymous'];

export interface BroadOptions {
  /** Group names (case-insensitive) whose members are "everyone"; defaults to DEFAULT_BROAD_GROUPS. */
  broadGroups?: readonly string[];
}

/** Other spellings of a canonical broad group: well-known SIDs and Dutch Windows names. */
const ALIASES: Record<string, readonly string[]> = {
  everyone: ['s-1-1-0', 'iedereen', 'world'],
  'authenticated users': ['s-1-5-11', 'geverifieerde gebruikers'],
  users: ['s-1-5-32-545', 'gebruikers'],
  'domain users': ['domeingebruikers'],
  anonymous: ['s-1-5-7', 'anonymous logon', 'anonieme aanmelding'],
};

/** Domain Users is S-1-5-21-<domain>-513 in every domain. */
const DOMAIN_USERS_SID = /^s-1-5-21-\d+-\d+-\d+-513$/;

/** The name without a domain or authority prefix, lower case: `CONTOSO\Domain Users` → `domain users`. */
export function bareName(principal: string): string {
  let name = principal.trim();
  const colon = name.indexOf(':');
  if (colon > 0 && /^(user|group)$/i.test(name.slice(0, colon))) name = name.slice(colon + 1);
  const slash = name.lastIndexOf('\\');
  if (slash >= 0) name = name.slice(slash + 1);
  const at = name.indexOf('@');
  if (at > 0) name = name.slice(0, at);
  return name.toLowerCase();
}

export class BroadMatcher {
  private readonly names = new Set<string>();
  private readonly domainUsers: boolean;

  constructor(options: BroadOptions = {}) {
    for (const group of options.broadGroups ?? DEFAULT_BROAD_GROUPS) {
      const canonical = group.trim().toLowerCase();
      this.names.add(canonical);
      for (const alias of ALIASES[canonical] ?? []) this.names.add(alias);
    }
    this.domainUsers = this.names.has('domain users');
  }

  /** Whether a principal (name, `DOMAIN\name`, `group:name`, or SID) is a configured broad group. */
  isBroad(principal: string): boolean {
    const bare = bareName(principal);
    if (this.names.has(bare)) return true;
    return this.domainUsers && DOMAIN_USERS_SID.test(bare);
  }
}

const matchers = new WeakMap<BroadOptions, BroadMatcher>();
const defaultMatcher = new BroadMatcher();

/** One matcher per options object: evaluating thousands of ACLs should not rebuild the name set each time. */
export function broadMatcher(options: BroadOptions = {}): BroadMatcher {
  if (!options.broadGroups) return defaultMatcher;
  let m = matchers.get(options);
  if (!m) {
    m = new BroadMatcher(options);
    matchers.set(options, m);
  }
  return m;
}
