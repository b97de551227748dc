/**
 * Microsoft 365 connection settings. Credentials follow the Azure SDK's environment conventions
 * (AZURE_TENANT_ID, AZURE_CLIENT_ID, AZURE_CLIENT_SECRET or AZURE_CLIENT_CERTIFICATE_PATH,
 * AZURE_AUTHORITY_HOST) so admins reuse what they have. The Graph endpoint and the login authority
 * are per cloud; secrets are read here and never put in a message.
 */
import { InzageError } from '../../errors.js';

/** Microsoft's clouds with their documented Graph endpoint and Entra ID authority. */
export const NATIONAL_CLOUDS = {
  global: { graphEndpoint: 'https://graph.microsoft.com', authorityHost: 'https://login.microsoftonline.com' },
  'us-gov': { graphEndpoint: 'https://graph.microsoft.us', authorityHost: 'https://login.microsoftonline.us' },
  'us-dod': { graphEndpoint: 'https://dod-graph.microsoft.us', authorityHost: 'https://login.microsoftonline.us' },
  china: { graphEndpoint: 'https://microsoftgraph.chinacloudapi.cn', authorityHost: 'https://login.chinacloudapi.cn' },
} as const;
export type CloudName = keyof typeof NATIONAL_CLOUDS;

/** Authority hosts MSAL knows; for any other host instance discovery would ask Microsoft and fail. */
const MICROSOFT_AUTHORITY_HOSTS = new Set(['login.microsoftonline.com', 'login.microsoft.com', 'login.microsoftonline.us', 'login.chinacloudapi.cn']);

/** Graph's documented limit of concurrent requests per mailbox per app. */
export const PER_MAILBOX_CONCURRENCY = 4;
export const GLOBAL_CONCURRENCY = 16;

export interface M365Input {
  tenantId?: string;
  clientId?: string;
  clientSecret?: string;
  certificatePath?: string;
  authorityHost?: string;
  graphEndpoint?: string;
  cloud?: CloudName;
  disableInstanceDiscovery?: boolean;
  /** User principal names to scan; empty means every user (or the group's members). */
  mailboxes?: string[];
  /** Object id of a group whose members' mailboxes are scanned. */
  group?: string;
  /** Globs over folder paths (`Inbox/Clients/**`); a folder is scanned when it matches an include (if any) and no exclude. */
  includeFolders?: string[];
  excludeFolders?: string[];
  globalConcurrency?: number;
  /** Sign in as a person with a device code (delegated) and scan only that person's own mailbox and OneDrive. */
  deviceLogin?: boolean;
  /** Scan mailboxes (default true). */
  mail?: boolean;
  /** Scan the OneDrive of each user in scope. */
  oneDrive?: boolean;
  /** SharePoint site ids whose document libraries are scanned. */
  sites?: string[];
}

export interface M365Settings {
  tenantId: string;
  clientId: string;
  clientSecret?: string;
  certificatePath?: string;
  authorityHost: string;
  graphEndpoint: string;
  disableInstanceDiscovery: boolean;
  mailboxes: string[];
  group?: string;
  includeFolders: string[];
  excludeFolders: string[];
  perMailboxConcurrency: number;
  globalConcurrency: number;
  deviceLogin: boolean;
  mail: boolean;
  oneDrive: boolean;
  sites: string[];
}

/**
 * Explicit settings (command-line flags) win over the environment, the environment over the config
 * file's `m365` section; a missing credential is a usage error naming the variable to set.
 */
export function resolveM365Settings(flags: M365Input = {}, env: NodeJS.ProcessEnv = process.env, fromConfig: M365Input = {}): M365Settings {
  const given = Object.fromEntries(Object.entries(flags).filter(([, v]) => v !== undefined)) as M365Input;
  // Flags first; keys without an environment variable fall back to the config straight away.
  const input: M365Input = {
    ...withoutEnvKeys(fromConfig),
    ...given,
  };
  const cloud = NATIONAL_CLOUDS[input.cloud ?? 'global'];
  if (!cloud) throw new InzageError('m365-config', `unknown cloud "${input.cloud}"; choose one of ${Object.keys(NATIONAL_CLOUDS).join(', ')}`);
  const deviceLogin = input.deviceLogin ?? false;
  // A person signing in may use the "organizations" endpoint; an app needs its tenant.
  const tenantId = given.tenantId ?? (env.AZURE_TENANT_ID || undefined) ?? fromConfig.tenantId ?? (deviceLogin ? 'organizations' : undefined);
  const clientId = given.clientId ?? (env.AZURE_CLIENT_ID || undefined) ?? fromConfig.clientId;
  // A secret or a certificate from the environment replaces both of the config's: they are one choice.
  const envCredential = env.AZURE_CLIENT_SECRET || env.AZURE_CLIENT_CERTIFICATE_PATH;
  const clientSecret = given.clientSecret ?? (envCredential ? env.AZURE_CLIENT_SECRET || undefined : fromConfig.clientSecret);
  const certificatePath = given.certificatePath ?? (envCredential ? env.AZURE_CLIENT_CERTIFICATE_PATH || undefined : fromConfig.certificatePath);
  const missing = [
    !tenantId && 'AZURE_TENANT_ID',
    !clientId && 'AZURE_CLIENT_ID',
    !deviceLogin && !clientSecret && !certificatePath && 'AZURE_CLIENT_SECRET or AZURE_CLIENT_CERTIFICATE_PATH',
  ].filter(Boolean);
  if (missing.length > 0) {
    throw new InzageError('m365-credentials', `--m365 needs an app registration: set ${missing.join(', ')} (or m365.* in the config file); see docs/m365.md`);
  }
  const authorityHost = trimSlash(given.authorityHost ?? (env.AZURE_AUTHORITY_HOST || undefined) ?? fromConfig.authorityHost ?? cloud.authorityHost);
  const graphEndpoint = trimSlash(input.graphEndpoint ?? cloud.graphEndpoint);
  for (const [name, value] of [
    ['authority host', authorityHost],
    ['Graph endpoint', graphEndpoint],
  ] as const) {
    let url: URL;
    try {
      url = new URL(value);
    } catch {
      throw new InzageError('m365-config', `the ${name} "${value}" is not a URL`);
    }
    // The Graph client sends the token only over https, and Entra ID answers only there.
    if (url.protocol !== 'https:') throw new InzageError('m365-config', `the ${name} must be an https:// URL, not ${value}`);
  }
  return {
    tenantId: tenantId as string,
    clientId: clientId as string,
    ...(clientSecret ? { clientSecret } : {}),
    ...(certificatePath && !clientSecret ? { certificatePath } : {}),
    authorityHost,
    graphEndpoint,
    disableInstanceDiscovery: input.disableInstanceDiscovery ?? !MICROSOFT_AUTHORITY_HOSTS.has(new URL(authorityHost).hostname),
    mailboxes: input.mailboxes ?? [],
    ...(input.group ? { group: input.group } : {}),
    includeFolders: input.includeFolders ?? [],
    excludeFolders: input.excludeFolders ?? [],
    perMailboxConcurrency: PER_MAILBOX_CONCURRENCY,
    globalConcurrency: input.globalConcurrency ?? GLOBAL_CONCURRENCY,
    deviceLogin,
    mail: input.mail ?? true,
    oneDrive: input.oneDrive ?? false,
    sites: input.sites ?? [],
  };
}

/** The config keys that have an AZURE_* variable; they are merged one by one above. */
function withoutEnvKeys(input: M365Input): M365Input {
  const { tenantId: _t, clientId: _c, clientSecret: _s, certificatePath: _p, authorityHost: _a, ...rest } = input;
  return rest;
}

/** The report root of a tenant's items. */
export function m365Root(settings: Pick<M365Settings, 'tenantId'>): string {
  return `m365://${settings.tenantId}`;
}

const trimSlash = (s: string) => s.replace(/\/+$/, '');
