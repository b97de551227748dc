/**
 * Calls to Microsoft Graph through @microsoft/microsoft-graph-client, kept within the service's
 * limits: at most 4 requests in flight per mailbox (Graph's MailboxConcurrency limit) under a
 * global limit, and 429/503/504 retried after the server's Retry-After (the client's RetryHandler)
 * with exponential backoff where none is given. Errors become GraphCallError with a stable code and
 * a message that names the resource, never a token or secret.
 */
import { type AccessToken, ClientCertificateCredential, ClientSecretCredential, DeviceCodeCredential, type TokenCredential } from '@azure/identity';
import {
  AuthenticationHandler,
  Client,
  HTTPMessageHandler,
  RedirectHandler,
  ResponseType,
  RetryHandler,
  RetryHandlerOptions,
} from '@microsoft/microsoft-graph-client';
import { TokenCredentialAuthenticationProvider } from '@microsoft/microsoft-graph-client/authProviders/azureTokenCredentials/index.js';
import pLimit, { type LimitFunction } from 'p-limit';
import type { M365Settings } from './settings.js';

/** Retries of one request on 429/503/504 before it fails; the delay doubles from 2 s unless Retry-After says otherwise. */
const MAX_RETRIES = 6;
/** Graph's limit of requests in one $batch. */
const BATCH_MAX = 20;

interface BatchResponse {
  id: string;
  status: number;
  headers?: Record<string, string>;
  body?: unknown;
}
const RETRY_DELAY_S = 2;

export type GraphErrorCode = 'auth-failed' | 'forbidden' | 'not-found' | 'gone' | 'throttled' | 'graph-error' | 'network';

export class GraphCallError extends Error {
  constructor(
    readonly code: GraphErrorCode,
    readonly status: number | undefined,
    message: string,
  ) {
    super(message);
    this.name = 'GraphCallError';
  }
}

export interface Page<T> {
  value: T[];
  '@odata.nextLink'?: string;
  '@odata.deltaLink'?: string;
}

export function credentialFor(settings: M365Settings, prompt: (message: string) => void = (m) => process.stderr.write(`${m}\n`)): TokenCredential {
  const options = { authorityHost: settings.authorityHost, disableInstanceDiscovery: settings.disableInstanceDiscovery };
  if (settings.deviceLogin) {
    return new DeviceCodeCredential({
      ...options,
      tenantId: settings.tenantId,
      clientId: settings.clientId,
      userPromptCallback: (info) => prompt(info.message),
    });
  }
  if (settings.clientSecret) return new ClientSecretCredential(settings.tenantId, settings.clientId, settings.clientSecret, options);
  return new ClientCertificateCredential(settings.tenantId, settings.clientId, { certificatePath: settings.certificatePath as string }, options);
}

/**
 * Keeps one token until five minutes before it expires, and lets concurrent calls share one request
 * for it: the Graph client asks for a token on every call, and a person signing in with a device
 * code must be asked once, not once per request.
 */
export function cachedCredential(inner: TokenCredential): TokenCredential {
  let current: AccessToken | null = null;
  let pending: Promise<AccessToken | null> | null = null;
  return {
    async getToken(scopes, options) {
      if (current && current.expiresOnTimestamp - Date.now() > 5 * 60_000) return current;
      pending ??= inner.getToken(scopes, options).finally(() => {
        pending = null;
      });
      current = await pending;
      return current;
    },
  };
}

export class GraphApi {
  private readonly client: Client;
  private readonly global: LimitFunction;
  private readonly mailboxes = new Map<string, LimitFunction>();
  /** Requests sent (each retry counts once more inside the client). */
  requests = 0;

  constructor(
    private readonly settings: M365Settings,
    credential: TokenCredential = credentialFor(settings),
  ) {
    const auth = new TokenCredentialAuthenticationProvider(cachedCredential(credential), { scopes: [`${settings.graphEndpoint}/.default`] });
    const chain = [
      new AuthenticationHandler(auth),
      new RetryHandler(new RetryHandlerOptions(RETRY_DELAY_S, MAX_RETRIES)),
      new RedirectHandler(),
      new HTTPMessageHandler(),
    ];
    const host = new URL(settings.graphEndpoint).hostname;
    this.client = Client.initWithMiddleware({
      middleware: chain,
      baseUrl: `${settings.graphEndpoint}/`,
      defaultVersion: 'v1.0',
      // Hosts outside Microsoft's list (a proxy, the test server) get the token only when named here.
      customHosts: new Set([host]),
    });
    this.global = pLimit(settings.globalConcurrency);
  }

  /** GET a JSON resource; `mailbox` (a UPN or id) puts the call under that mailbox's limit. */
  get<T>(mailbox: string | undefined, path: string, headers?: Record<string, string>): Promise<T> {
    return this.call(mailbox, path, (request) => (headers ? request.headers(headers) : request).get() as Promise<T>);
  }

  /** GET raw bytes (an attachment's /$value). */
  getBytes(mailbox: string | undefined, path: string): Promise<Buffer> {
    return this.call(mailbox, path, async (request) => Buffer.from((await request.responseType(ResponseType.ARRAYBUFFER).get()) as ArrayBuffer));
  }

  /**
   * GETs several resources of one mailbox in $batch round trips of up to 20. The requests of a batch
   * depend on each other, so Graph runs them one after another and the batch needs one of the
   * mailbox's slots, not twenty. An inner request that failed (throttled, or after one that failed)
   * is sent again on its own, after the Retry-After it was given, with the usual retries; what still
   * fails comes back as its GraphCallError.
   */
  async batchGet<T>(mailbox: string, paths: string[]): Promise<(T | GraphCallError)[]> {
    const out: (T | GraphCallError | undefined)[] = new Array(paths.length).fill(undefined);
    let waitS = 0;
    for (let i = 0; i < paths.length; i += BATCH_MAX) {
      const chunk = paths.slice(i, i + BATCH_MAX);
      const requests = chunk.map((url, k) => ({ id: String(k + 1), method: 'GET', url, ...(k > 0 ? { dependsOn: [String(k)] } : {}) }));
      let body: { responses?: BatchResponse[] };
      try {
        body = await this.call(mailbox, '/$batch', (request) => request.post({ requests }) as Promise<{ responses?: BatchResponse[] }>, 'POST');
      } catch (err) {
        if (err instanceof GraphCallError && err.code === 'auth-failed') throw err;
        continue; // each request is tried on its own below
      }
      for (const r of body.responses ?? []) {
        const k = Number(r.id) - 1;
        if (r.status >= 200 && r.status < 300) out[i + k] = r.body as T;
        const after = Number(r.headers?.['Retry-After'] ?? r.headers?.['retry-after'] ?? 0);
        if (after > waitS) waitS = Math.min(after, 60);
      }
    }
    if (out.some((v) => v === undefined) && waitS > 0) await new Promise((resolve) => setTimeout(resolve, waitS * 1000));
    await Promise.all(
      paths.map(async (path, j) => {
        if (out[j] !== undefined) return;
        try {
          out[j] = await this.get<T>(mailbox, path);
        } catch (err) {
          out[j] = err instanceof GraphCallError ? err : toCallError(err, path);
        }
      }),
    );
    return out as (T | GraphCallError)[];
  }

  /** Every item of a collection, following @odata.nextLink. */
  async *all<T>(mailbox: string | undefined, path: string): AsyncGenerator<T> {
    let next: string | undefined = path;
    while (next) {
      const page: Page<T> = await this.get<Page<T>>(mailbox, next);
      yield* page.value;
      next = page['@odata.nextLink'];
    }
  }

  private call<T>(mailbox: string | undefined, path: string, run: (request: ReturnType<Client['api']>) => Promise<T>, method = 'GET'): Promise<T> {
    const attempt = () =>
      this.global(async () => {
        this.requests++;
        try {
          return await run(this.client.api(path));
        } catch (err) {
          throw toCallError(err, path, [this.settings.clientSecret], method);
        }
      });
    // Mailbox slot first, global slot second: a call waiting for its mailbox holds no global slot.
    return mailbox ? this.limiterFor(mailbox)(attempt) : attempt();
  }

  private limiterFor(mailbox: string): LimitFunction {
    const key = mailbox.toLowerCase();
    let limit = this.mailboxes.get(key);
    if (!limit) {
      limit = pLimit(this.settings.perMailboxConcurrency);
      this.mailboxes.set(key, limit);
    }
    return limit;
  }
}

/**
 * Maps what the client or the credential threw to a stable code. The message says what was called
 * (method and resource, without the query, which can carry delta and skip tokens) and what Graph
 * answered (status and its error code): a fact the reader can check, never a guess at the cause.
 */
export function toCallError(err: unknown, path: string, secrets: (string | undefined)[] = [], method = 'GET'): GraphCallError {
  const e = err as { statusCode?: number; code?: string; message?: string; name?: string };
  const call = `${method} ${describePath(path)}`;
  const status = typeof e?.statusCode === 'number' && e.statusCode > 0 ? e.statusCode : undefined;
  const scrub = (s: string) => {
    let text = s;
    for (const secret of secrets) if (secret) text = text.split(secret).join('***');
    return text.replace(/Bearer\s+\S+/g, 'Bearer ***');
  };
  // The Graph client passes credential errors on as plain errors; Entra ID's AADSTS code says what went wrong.
  const aadsts = /AADSTS\d+:[^.\n]*\.?/.exec(e?.message ?? '')?.[0];
  if (AUTH_ERRORS.has(e?.name ?? '') || aadsts || /\b(invalid_client|unauthorized_client|invalid_tenant|invalid_request)\b/.test(e?.message ?? '')) {
    const why = aadsts ?? firstLine(e?.message ?? '');
    return new GraphCallError(
      'auth-failed',
      status,
      scrub(`signing in to Entra ID failed (${why}); check AZURE_TENANT_ID, AZURE_CLIENT_ID and the secret or certificate`),
    );
  }
  // Graph's own error code (ErrorInvalidUser, itemNotFound, accessDenied…) is an identifier, safe to repeat.
  const graphCode = typeof e?.code === 'string' && /^[A-Za-z][A-Za-z0-9_.-]{0,80}$/.test(e.code) ? ` ${e.code}` : '';
  const answered = `Graph answered ${status}${graphCode} to ${call}`;
  switch (status) {
    case 401:
      return new GraphCallError('auth-failed', status, `${answered}: the token was refused; check the app registration and admin consent`);
    case 403:
      return new GraphCallError(
        'forbidden',
        status,
        `${answered}: access denied; the app needs the permission docs/m365.md names for this call, within its application access policy`,
      );
    case 404:
      return new GraphCallError('not-found', status, answered);
    case 410:
      return new GraphCallError('gone', status, `${answered}: the sync state expired`);
    case 429:
    case 503:
    case 504:
      return new GraphCallError('throttled', status, `${answered} after ${MAX_RETRIES} retries; run the scan again later, it resumes`);
    case undefined:
      return new GraphCallError('network', undefined, scrub(`no answer from Graph to ${call} (${e?.name ?? 'error'}: ${firstLine(e?.message ?? '')})`));
    default:
      return new GraphCallError('graph-error', status, answered);
  }
}

/** The resource part of a Graph URL without its query (which can carry delta and skip tokens). */
export function describePath(path: string): string {
  const noQuery = path.split('?')[0] as string;
  return noQuery.replace(/^https:\/\/[^/]+\/(v1\.0|beta)\//, '/').replace(/^\/?/, '/');
}

const AUTH_ERRORS = new Set(['AuthenticationError', 'CredentialUnavailableError', 'AggregateAuthenticationError']);
const firstLine = (s: string) => (s.split('\n')[0] as string).slice(0, 200);
