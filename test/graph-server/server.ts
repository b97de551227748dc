/**
 * A local Microsoft Graph look-alike for tests, served over HTTPS with a certificate made at start
 * (the Graph client sends the Authorization header only to https hosts it knows, and resolves
 * @odata.nextLink only for https URLs). It answers the documented v1.0 endpoints with the
 * documented shapes, plus the Entra ID token endpoint and OpenID metadata that @azure/identity
 * asks for, and it checks what a good client must do: a bearer token it issued on every call,
 * $select on message queries, at most 4 concurrent requests per mailbox.
 */

import { constants, createPublicKey, verify } from 'node:crypto';
import type { IncomingMessage, ServerResponse } from 'node:http';
import { createServer, type Server } from 'node:https';
import type { AddressInfo } from 'node:net';
import { generate } from 'selfsigned';
import type { Attachment, Drive, DriveItem, Folder, Grant, Mailbox, Message, Tenant } from './tenant.js';

/** Attachments above this size come without contentBytes; the client must read /$value. */
export const INLINE_LIMIT = 64 * 1024;
export const PER_MAILBOX_LIMIT = 4;

export interface ServerOptions {
  tenantId: string;
  clientId: string;
  clientSecret: string;
  /** Every Nth Graph request is answered 429 with Retry-After: 1 (0: never). */
  throttleEvery?: number;
  /** Every Nth Graph request is answered 503 with Retry-After: 1 (0: never). */
  unavailableEvery?: number;
  /** Milliseconds each Graph answer waits, so concurrent requests overlap as on the real service. */
  latencyMs?: number;
  usersPageSize?: number;
  messagesPageSize?: number;
}

export interface ServerStats {
  requests: number;
  tokens: number;
  /** Device codes handed out, and tokens issued for them (a person signing in). */
  deviceCodes: number;
  deviceTokens: number;
  /** Tokens issued for a client assertion signed with the registered certificate. */
  certificateTokens: number;
  unauthorized: number;
  /** Highest number of requests in flight for one mailbox at once. */
  maxPerMailbox: number;
  /** Requests a mailbox got while it already had PER_MAILBOX_LIMIT in flight. */
  overLimit: number;
  throttled: number;
  unavailable: number;
  /** Retries of a throttled URL that came sooner than its Retry-After. */
  earlyRetries: number;
  nextLinksFollowed: number;
  /** Message objects sent (delta pages and listings), and removal markers. */
  messagesServed: number;
  removedServed: number;
  /** Message queries without $select. */
  unselected: number;
  /** Initial (token-less) delta requests per folder id. */
  initialDeltas: Map<string, number>;
  /** Folders whose delta round ended with a deltaLink. */
  roundsFinished: Set<string>;
  /** Delta requests that asked for a page size with Prefer: odata.maxpagesize. */
  preferredPageSize: number;
  valueReads: number;
  gone: number;
  /** $batch round trips and the requests they carried. */
  batches: number;
  batchedRequests: number;
  throttledInBatch: number;
  /** Drive items sent by driveItem delta, file downloads, permission reads. */
  driveItemsServed: number;
  downloads: number;
  permissionReads: number;
}

export class GraphTestServer {
  readonly stats: ServerStats = freshStats();
  /** Folder ids whose next delta token request is answered 410 Gone. */
  readonly expireDeltaOf = new Set<string>();
  /** Message ids whose attachment list, asked for inside a $batch, is answered 429 once. */
  readonly throttleInBatchOnce = new Set<string>();
  /** Message ids whose attachments are answered 500 (an error the client does not retry). */
  readonly failAttachmentsOf = new Set<string>();
  /** Drive item ids whose permissions are answered 500. */
  readonly failPermissionsOf = new Set<string>();
  /**
   * Graph paths (below /v1.0, without the query) answered with this status and Graph error code,
   * as a tenant answers what it does not offer: `/sites/getAllSites` → 404 on some tenants.
   */
  readonly failPath = new Map<string, { status: number; code: string }>();
  /** A PEM certificate whose key may sign client assertions (certificate credentials). */
  clientCertificate?: string;
  /** Called after each message object is served; tests use it to kill a scan at a known point. */
  onMessageServed?: (count: number) => void;
  private server?: Server;
  private readonly inFlight = new Map<string, number>();
  private readonly throttledAt = new Map<string, number>();
  private readonly issued = new Set<string>();
  private fresh = 0;
  private cert = '';
  baseUrl = '';

  constructor(
    readonly tenant: Tenant,
    readonly options: ServerOptions,
  ) {}

  /** The PEM certificate clients must trust (NODE_EXTRA_CA_CERTS). */
  get certificate(): string {
    return this.cert;
  }

  async start(): Promise<void> {
    const pems = await generate([{ name: 'commonName', value: 'localhost' }], {
      keyType: 'ec',
      algorithm: 'sha256',
      extensions: [
        { name: 'basicConstraints', cA: true },
        {
          name: 'subjectAltName',
          altNames: [
            { type: 2, value: 'localhost' },
            { type: 7, ip: '127.0.0.1' },
          ],
        },
      ],
    });
    this.cert = pems.cert;
    this.server = createServer({ key: pems.private, cert: pems.cert }, (req, res) => {
      this.route(req, res).catch((err: Error) => send(res, 500, { error: { code: 'serverError', message: err.message } }));
    });
    await new Promise<void>((resolve) => this.server?.listen(0, '127.0.0.1', resolve));
    this.baseUrl = `https://localhost:${(this.server.address() as AddressInfo).port}`;
  }

  async stop(): Promise<void> {
    this.server?.closeAllConnections();
    await new Promise<void>((resolve) => this.server?.close(() => resolve()));
  }

  resetStats(): void {
    Object.assign(this.stats, freshStats());
  }

  private async route(req: IncomingMessage, res: ServerResponse): Promise<void> {
    const url = new URL(req.url ?? '/', this.baseUrl);
    const path = url.pathname;
    if (!path.startsWith('/v1.0/')) return this.identity(req, res, url);

    this.stats.requests++;
    const token = /^Bearer (.+)$/.exec(req.headers.authorization ?? '')?.[1];
    if (!token || !this.issued.has(token)) {
      this.stats.unauthorized++;
      return send(res, 401, { error: { code: 'InvalidAuthenticationToken', message: 'Access token is empty or not valid.' } });
    }
    if (path === '/v1.0/$batch' && req.method === 'POST') return this.batch(req, res);
    return this.dispatch(req, res, url);
  }

  /**
   * JSON batching: up to 20 requests in one round trip, answered in one body. Each inner request goes
   * through the same checks (mailbox concurrency, faults) as a request of its own; one that depends on
   * a failed one is answered 424.
   */
  private async batch(req: IncomingMessage, res: ServerResponse): Promise<void> {
    const { requests } = JSON.parse(await readBody(req)) as {
      requests: { id: string; method: string; url: string; dependsOn?: string[]; headers?: Record<string, string> }[];
    };
    if (!Array.isArray(requests) || requests.length > 20) return send(res, 400, { error: { code: 'BadRequest', message: 'A batch holds 1 to 20 requests.' } });
    this.stats.batches++;
    this.stats.batchedRequests += requests.length;
    const failed = new Set<string>();
    const responses: object[] = [];
    for (const inner of requests) {
      if (inner.dependsOn?.some((d) => failed.has(d))) {
        failed.add(inner.id);
        responses.push({ id: inner.id, status: 424, body: { error: { code: 'FailedDependency', message: 'A request this one depends on failed.' } } });
        continue;
      }
      const target = `/v1.0${inner.url.startsWith('/') ? '' : '/'}${inner.url}`;
      const throttled = [...this.throttleInBatchOnce].find((id) => target.endsWith(`/messages/${id}/attachments`));
      if (throttled) {
        this.throttleInBatchOnce.delete(throttled);
        this.stats.throttledInBatch++;
        this.throttledAt.set(target, Date.now());
        failed.add(inner.id);
        responses.push({
          id: inner.id,
          status: 429,
          headers: { 'Retry-After': '1' },
          body: { error: { code: 'ApplicationThrottled', message: 'Too many requests.' } },
        });
        continue;
      }
      const capture = new Capture();
      const fake = {
        method: inner.method,
        url: target,
        headers: Object.fromEntries(Object.entries(inner.headers ?? {}).map(([k, v]) => [k.toLowerCase(), v])),
      };
      await this.dispatch(fake as unknown as IncomingMessage, capture as unknown as ServerResponse, new URL(target, this.baseUrl));
      if (capture.statusCode >= 400) failed.add(inner.id);
      responses.push({ id: inner.id, status: capture.statusCode, headers: capture.headers, body: JSON.parse(capture.body.toString() || 'null') });
    }
    return send(res, 200, { responses });
  }

  private async dispatch(req: IncomingMessage, res: ServerResponse, url: URL): Promise<void> {
    const path = url.pathname;
    const mailboxKey = /^\/v1\.0\/users\/([^/]+)\//.exec(path)?.[1];
    const mailbox = mailboxKey ? this.tenant.mailbox(mailboxKey) : undefined;
    const key = mailbox?.id;
    if (key) {
      const now = (this.inFlight.get(key) ?? 0) + 1;
      if (now > PER_MAILBOX_LIMIT) this.stats.overLimit++;
      this.inFlight.set(key, now);
      this.stats.maxPerMailbox = Math.max(this.stats.maxPerMailbox, now);
    }
    try {
      await delay(this.options.latencyMs ?? 2);
      const retryOf = this.throttledAt.get(req.url ?? '');
      if (retryOf !== undefined) {
        if (Date.now() - retryOf < 950) this.stats.earlyRetries++;
        this.throttledAt.delete(req.url ?? '');
      } else {
        // Faults go by the count of first attempts only, so every Nth one is hit whatever the timing.
        this.fresh++;
        const fault =
          this.options.unavailableEvery && this.fresh % this.options.unavailableEvery === 0
            ? 503
            : this.options.throttleEvery && this.fresh % this.options.throttleEvery === 0
              ? 429
              : 0;
        if (fault) {
          if (fault === 429) this.stats.throttled++;
          else this.stats.unavailable++;
          this.throttledAt.set(req.url ?? '', Date.now());
          res.setHeader('Retry-After', '1');
          return send(
            res,
            fault,
            fault === 429
              ? { error: { code: 'ApplicationThrottled', message: 'Application is over its MailboxConcurrency limit.' } }
              : { error: { code: 'serviceNotAvailable', message: 'Service unavailable.' } },
          );
        }
      }
      this.graph(req, res, url, mailbox);
    } finally {
      if (key) this.inFlight.set(key, (this.inFlight.get(key) ?? 1) - 1);
    }
  }

  /** Entra ID: the OpenID metadata MSAL reads for the authority, and the client-credentials token endpoint. */
  private async identity(req: IncomingMessage, res: ServerResponse, url: URL): Promise<void> {
    const tenant = this.options.tenantId;
    const authority = `${this.baseUrl}/${tenant}`;
    // Pre-authenticated download URLs, where /content redirects to (as SharePoint's are).
    const download = /^\/download\/([^/]+)\/([^/]+)$/.exec(url.pathname);
    if (download) {
      const item = this.tenant.drives.find((d) => d.id === download[1])?.items.get(download[2] as string);
      if (!item || url.searchParams.get('sig') !== 'ok') return send(res, 404, { error: 'not_found' });
      this.stats.downloads++;
      res.writeHead(200, { 'Content-Type': 'application/octet-stream', 'Content-Length': item.bytes.length });
      res.end(item.bytes);
      return;
    }
    if (url.pathname.endsWith('/.well-known/openid-configuration')) {
      return send(res, 200, {
        issuer: `${authority}/v2.0`,
        authorization_endpoint: `${authority}/oauth2/v2.0/authorize`,
        token_endpoint: `${authority}/oauth2/v2.0/token`,
        end_session_endpoint: `${authority}/oauth2/v2.0/logout`,
        jwks_uri: `${authority}/discovery/v2.0/keys`,
        response_types_supported: ['code', 'id_token', 'token'],
        subject_types_supported: ['pairwise'],
        id_token_signing_alg_values_supported: ['RS256'],
      });
    }
    if (url.pathname === `/${tenant}/oauth2/v2.0/devicecode` && req.method === 'POST') {
      const form = new URLSearchParams(await readBody(req));
      if (form.get('client_id') !== this.options.clientId)
        return send(res, 400, { error: 'unauthorized_client', error_description: 'AADSTS700016: Application not found.' });
      this.stats.deviceCodes++;
      return send(res, 200, {
        device_code: `device-${this.stats.deviceCodes}`,
        user_code: 'TESTCODE1',
        verification_uri: 'https://microsoft.com/devicelogin',
        expires_in: 900,
        interval: 1,
        message: 'To sign in, use a web browser to open the page https://microsoft.com/devicelogin and enter the code TESTCODE1 to authenticate.',
      });
    }
    if (url.pathname === `/${tenant}/oauth2/v2.0/token` && req.method === 'POST') {
      const form = new URLSearchParams(await readBody(req));
      const assertion = form.get('client_assertion');
      if (form.get('grant_type') === 'device_code' || form.get('grant_type') === 'urn:ietf:params:oauth:grant-type:device_code') {
        // The person "signed in" at once.
        if (!form.get('device_code')?.startsWith('device-') || form.get('client_id') !== this.options.clientId) {
          return send(res, 400, { error: 'invalid_grant', error_description: 'AADSTS70000: The provided device code is invalid.' });
        }
        this.stats.deviceTokens++;
      } else if (assertion) {
        if (!this.clientCertificate || !verifyAssertion(assertion, this.clientCertificate, this.options.clientId)) {
          return send(res, 401, { error: 'invalid_client', error_description: 'AADSTS700027: Client assertion contains an invalid signature.' });
        }
        this.stats.certificateTokens++;
      } else if (form.get('client_id') !== this.options.clientId || form.get('client_secret') !== this.options.clientSecret) {
        return send(res, 401, { error: 'invalid_client', error_description: 'AADSTS7000215: Invalid client secret provided.' });
      }
      this.stats.tokens++;
      const token = `test-token-${this.issued.size + 1}-${Math.random().toString(36).slice(2)}`;
      this.issued.add(token);
      return send(res, 200, { token_type: 'Bearer', expires_in: 3599, ext_expires_in: 3599, access_token: token });
    }
    return send(res, 404, { error: 'not_found' });
  }

  private graph(req: IncomingMessage, res: ServerResponse, url: URL, mailbox: Mailbox | undefined) {
    const path = url.pathname.slice('/v1.0'.length);
    const q = url.searchParams;
    if (q.has('$skiptoken') || q.has('$deltatoken')) this.stats.nextLinksFollowed += q.has('$skiptoken') ? 1 : 0;
    if (req.method !== 'GET') return send(res, 405, { error: { code: 'methodNotAllowed', message: 'GET only here' } });
    const failure = this.failPath.get(path);
    if (failure) return send(res, failure.status, { error: { code: failure.code, message: 'The requested resource could not be served.' } });

    if (path === '/me') return send(res, 200, userJson(this.tenant.mailboxes[1] as Mailbox));
    if (path === '/users') return this.page(res, url, this.tenant.mailboxes.map(userJson), this.options.usersPageSize ?? 5);
    const drives = this.drives(res, url, path);
    if (drives !== false) return drives;
    const group = /^\/groups\/([^/]+)\/members$/.exec(path);
    if (group) {
      const ids = this.tenant.groups.get(decodeURIComponent(group[1] as string));
      if (!ids) return notFound(res, 'Request_ResourceNotFound');
      const members = ids.map((id) => this.tenant.mailbox(id) as Mailbox).map((m) => ({ '@odata.type': '#microsoft.graph.user', ...userJson(m) }));
      members.push({ '@odata.type': '#microsoft.graph.device', id: 'd-1', displayName: 'Printer' } as never);
      return this.page(res, url, members, 3);
    }
    if (!mailbox) return notFound(res, 'ErrorInvalidUser');
    const rest = path.replace(/^\/users\/[^/]+/, '');

    if (rest === '/mailFolders') return this.page(res, url, this.childrenOf(mailbox, `${mailbox.id}-root`), 2);
    const children = /^\/mailFolders\/([^/]+)\/childFolders$/.exec(rest);
    if (children) return this.page(res, url, this.childrenOf(mailbox, children[1] as string), 2);

    const delta = /^\/mailFolders\/([^/]+)\/messages\/delta$/.exec(rest);
    if (delta) {
      // Graph honours Prefer: odata.maxpagesize up to its own page size.
      const preferred = Number(/odata\.maxpagesize=(\d+)/.exec(String(req.headers.prefer ?? ''))?.[1] ?? 0);
      if (preferred > 0) this.stats.preferredPageSize++;
      return this.delta(res, url, mailbox, delta[1] as string, preferred);
    }
    const listing = /^\/mailFolders\/([^/]+)\/messages$/.exec(rest);
    if (listing) {
      if (!q.has('$select')) this.stats.unselected++;
      const messages = [...mailbox.messages.values()].filter((m) => m.folderId === listing[1]).sort(bySeq);
      this.stats.messagesServed += messages.length;
      return this.page(
        res,
        url,
        messages.map((m) => messageJson(m, q.get('$select'))),
        this.options.messagesPageSize ?? 50,
      );
    }

    const single = /^\/messages\/([^/]+)$/.exec(rest);
    if (single) {
      const message = mailbox.messages.get(decodeURIComponent(single[1] as string));
      if (!message) return notFound(res, 'ErrorItemNotFound');
      if (!q.has('$select')) this.stats.unselected++;
      this.stats.messagesServed++;
      return send(res, 200, messageJson(message, q.get('$select')));
    }
    const att = /^\/messages\/([^/]+)\/attachments(?:\/([^/]+))?(\/\$value)?$/.exec(rest);
    if (att) {
      const message = mailbox.messages.get(decodeURIComponent(att[1] as string));
      if (!message) return notFound(res, 'ErrorItemNotFound');
      if (this.failAttachmentsOf.has(message.id))
        return send(res, 500, { error: { code: 'ErrorInternalServerError', message: 'An internal server error occurred.' } });
      if (!att[2]) return send(res, 200, { value: message.attachments.map((a) => attachmentJson(a, false)) });
      const attachment = message.attachments.find((a) => a.id === decodeURIComponent(att[2] as string));
      if (!attachment) return notFound(res, 'ErrorItemNotFound');
      if (att[3]) {
        if (attachment.kind !== 'file') return send(res, 400, { error: { code: 'ErrorInvalidRequest', message: '$value is for file attachments' } });
        this.stats.valueReads++;
        res.writeHead(200, { 'Content-Type': attachment.contentType, 'Content-Length': attachment.bytes.length });
        res.end(attachment.bytes);
        return;
      }
      return send(res, 200, attachmentJson(attachment, q.get('$expand')?.includes('item') === true));
    }
    return notFound(res, 'ResourceNotFound');
  }

  /** OneDrive and SharePoint: drives, driveItem delta, content (a 302 to a download URL), permissions. */
  private drives(res: ServerResponse, url: URL, path: string): undefined | false {
    const userDrive = /^\/users\/([^/]+)\/drive$/.exec(path);
    if (userDrive) {
      const upn = this.tenant.mailbox(userDrive[1] as string)?.upn;
      const drive = this.tenant.drives.find((d) => d.ownerUpn === upn);
      if (!drive) return notFound(res, 'itemNotFound');
      return send(res, 200, driveJson(drive));
    }
    if (path === '/sites/getAllSites') {
      this.page(
        res,
        url,
        [...this.tenant.sites.values()].map((s) => ({ id: s.id, displayName: s.displayName, name: s.displayName.toLowerCase() })),
        5,
      );
      return undefined;
    }
    const site = /^\/sites\/([^/]+)(\/drives)?$/.exec(path);
    if (site) {
      const s = this.tenant.sites.get(decodeURIComponent(site[1] as string));
      if (!s) return notFound(res, 'itemNotFound');
      if (!site[2])
        return send(res, 200, {
          id: s.id,
          displayName: s.displayName,
          name: s.displayName.toLowerCase(),
          webUrl: `https://contoso.sharepoint.example/sites/${s.id}`,
        });
      return send(res, 200, { value: s.driveIds.map((id) => driveJson(this.tenant.drives.find((d) => d.id === id) as Drive)) });
    }
    const m = /^\/drives\/([^/]+)\/(root\/delta|items\/([^/]+)\/(content|permissions))$/.exec(path);
    if (!m) return false;
    const drive = this.tenant.drives.find((d) => d.id === m[1]);
    if (!drive) return notFound(res, 'itemNotFound');
    if (m[2] === 'root/delta') {
      const token = url.searchParams.get('token');
      const since = token ? Number(token) : 0;
      const until = this.tenant.seq;
      const root = { id: `${drive.id}-root`, name: 'root', root: {}, folder: { childCount: 0 }, parentReference: { driveId: drive.id } };
      const changed = [...drive.items.values()].filter((i) => i.seq > since && i.seq <= until);
      const removed = since === 0 ? [] : [...drive.removed].filter(([, seq]) => seq > since && seq <= until).map(([id]) => id);
      const entries = [
        ...(since === 0 ? [root] : []),
        ...changed.map((i) => driveItemJson(drive, i)),
        ...removed.map((id) => ({ id, deleted: { state: 'deleted' }, parentReference: { driveId: drive.id } })),
      ];
      const offset = Number(url.searchParams.get('$skiptoken') ?? 0);
      const size = 10;
      const body: Record<string, unknown> = { value: entries.slice(offset, offset + size) };
      this.stats.driveItemsServed += (body.value as object[]).length;
      const base = `${this.baseUrl}/v1.0/drives/${drive.id}/root/delta`;
      if (offset + size < entries.length) body['@odata.nextLink'] = `${base}?$skiptoken=${offset + size}${token ? `&token=${token}` : ''}`;
      else body['@odata.deltaLink'] = `${base}?token=${until}`;
      return send(res, 200, body);
    }
    const item = drive.items.get(decodeURIComponent(m[3] as string));
    if (!item) return notFound(res, 'itemNotFound');
    if (m[4] === 'content') {
      res.writeHead(302, { Location: `${this.baseUrl}/download/${drive.id}/${item.id}?sig=ok` });
      res.end();
      return undefined;
    }
    this.stats.permissionReads++;
    if (this.failPermissionsOf.has(item.id)) return send(res, 500, { error: { code: 'generalException', message: 'An unspecified error has occurred.' } });
    const owner = drive.ownerUpn ?? 'hr-owners@contoso.example';
    const value: object[] = [{ id: 'owner', roles: ['owner'], grantedToV2: { user: { displayName: owner, email: owner } } }];
    // Site and library grants show on every item below them, marked as inherited from the library root.
    const inherited = { driveId: drive.id, id: `${drive.id}-root`, path: '/drive/root:' };
    const ofSite = drive.siteId ? this.tenant.sites.get(drive.siteId) : undefined;
    for (const [n, g] of [...(ofSite?.grants ?? []), ...(drive.grants ?? [])].entries()) value.push(grantJson(`inherited-${n}`, g, inherited));
    for (const [n, g] of (item.grants ?? []).entries()) value.push(grantJson(`grant-${n}`, g));
    for (const [n, scope] of item.links.entries()) {
      value.push({
        id: `link-${n}`,
        roles: ['read'],
        link: { scope, type: 'view', webUrl: `https://contoso.sharepoint.example/:t:/s/${n}` },
        ...(scope === 'users' ? { grantedToIdentitiesV2: [{ user: { displayName: 'Extern', email: 'partner@example.org' } }] } : {}),
        ...(n === 0 && scope === 'organization' ? { inheritedFrom: { driveId: drive.id, id: `${drive.id}-root`, path: '/drive/root:' } } : {}),
      });
    }
    return send(res, 200, { value });
  }

  private childrenOf(mailbox: Mailbox, parentId: string) {
    return mailbox.folders
      .filter((f) => f.parentFolderId === parentId)
      .map((f) => ({
        id: f.id,
        displayName: f.displayName,
        parentFolderId: f.parentFolderId,
        childFolderCount: mailbox.folders.filter((c) => c.parentFolderId === f.id).length,
        totalItemCount: [...mailbox.messages.values()].filter((m) => m.folderId === f.id).length,
        unreadItemCount: 0,
        isHidden: false,
      }));
  }

  /**
   * messages/delta: the first round returns every message of the folder, page by page, then a
   * deltaLink whose token is the change sequence number at the start; a round with that token returns
   * messages changed and removed since. $skiptoken pages carry the round's start and end numbers.
   */
  private delta(res: ServerResponse, url: URL, mailbox: Mailbox, folderId: string, preferred: number) {
    const q = url.searchParams;
    const folder = mailbox.folders.find((f) => f.id === folderId) as Folder | undefined;
    if (!folder) return notFound(res, 'ErrorInvalidIdMalformed');
    if (!q.has('$select') && !q.has('$skiptoken') && !q.has('$deltatoken')) this.stats.unselected++;
    let since = 0;
    let until = this.tenant.seq;
    let offset = 0;
    let select = q.get('$select');
    const skip = q.get('$skiptoken');
    const dtoken = q.get('$deltatoken');
    if (skip) {
      const [s, u, o, sel] = skip.split('.');
      since = Number(s);
      until = Number(u);
      offset = Number(o);
      select = sel ? Buffer.from(sel, 'base64url').toString() : null;
    } else if (dtoken) {
      if (this.expireDeltaOf.delete(folderId)) {
        this.stats.gone++;
        return send(res, 410, { error: { code: 'SyncStateNotFound', message: 'The sync state generation is not found. Resync.' } });
      }
      since = Number(dtoken.split('.')[0]);
      select = dtoken.split('.')[1] ? Buffer.from(dtoken.split('.')[1] as string, 'base64url').toString() : select;
    } else {
      this.stats.initialDeltas.set(folderId, (this.stats.initialDeltas.get(folderId) ?? 0) + 1);
    }
    const changed = [...mailbox.messages.values()].filter((m) => m.folderId === folderId && m.seq > since && m.seq <= until).sort(bySeq);
    const removed = since === 0 ? [] : [...folder.removed].filter(([, seq]) => seq > since && seq <= until).map(([id]) => id);
    const entries: object[] = [
      ...changed.map((m) => messageJson(m, select)),
      ...removed.map((id) => ({ '@odata.type': '#microsoft.graph.message', id, '@removed': { reason: 'deleted' } })),
    ];
    const size = Math.min(this.options.messagesPageSize ?? 50, preferred || Number.POSITIVE_INFINITY);
    const page = entries.slice(offset, offset + size);
    for (const e of page) {
      if ('@removed' in e) this.stats.removedServed++;
      else {
        this.stats.messagesServed++;
        this.onMessageServed?.(this.stats.messagesServed);
      }
    }
    const sel = select ? Buffer.from(select).toString('base64url') : '';
    const base = `${this.baseUrl}/v1.0/users/${mailbox.id}/mailFolders/${folderId}/messages/delta`;
    const body: Record<string, unknown> = { '@odata.context': `${this.baseUrl}/v1.0/$metadata#Collection(message)`, value: page };
    if (offset + size < entries.length) body['@odata.nextLink'] = `${base}?$skiptoken=${since}.${until}.${offset + size}.${sel}`;
    else {
      body['@odata.deltaLink'] = `${base}?$deltatoken=${until}.${sel}`;
      this.stats.roundsFinished.add(folderId);
    }
    send(res, 200, body);
  }

  /** A collection page; the nextLink carries the offset as $skiptoken and keeps the query. */
  private page(res: ServerResponse, url: URL, all: object[], defaultSize: number): void {
    const q = url.searchParams;
    const size = Math.min(Number(q.get('$top') ?? defaultSize), defaultSize);
    const offset = Number(q.get('$skiptoken') ?? 0);
    const body: Record<string, unknown> = { value: all.slice(offset, offset + size) };
    if (offset + size < all.length) {
      const next = new URL(url.href);
      next.searchParams.set('$skiptoken', String(offset + size));
      body['@odata.nextLink'] = decodeURIComponent(next.href);
    }
    send(res, 200, body);
  }
}

function freshStats(): ServerStats {
  return {
    requests: 0,
    tokens: 0,
    deviceCodes: 0,
    deviceTokens: 0,
    certificateTokens: 0,
    unauthorized: 0,
    maxPerMailbox: 0,
    overLimit: 0,
    throttled: 0,
    unavailable: 0,
    earlyRetries: 0,
    nextLinksFollowed: 0,
    messagesServed: 0,
    removedServed: 0,
    unselected: 0,
    initialDeltas: new Map(),
    roundsFinished: new Set(),
    preferredPageSize: 0,
    valueReads: 0,
    gone: 0,
    batches: 0,
    batchedRequests: 0,
    throttledInBatch: 0,
    driveItemsServed: 0,
    downloads: 0,
    permissionReads: 0,
  };
}

const bySeq = (a: Message, b: Message) => a.seq - b.seq;

function userJson(m: Mailbox) {
  return { id: m.id, userPrincipalName: m.upn, mail: m.upn, displayName: m.displayName };
}

const address = (a: string) => ({ emailAddress: { name: a.split('@')[0], address: a } });

function messageJson(m: Message, select: string | null): Record<string, unknown> {
  const full: Record<string, unknown> = {
    '@odata.etag': `W/"${m.seq}"`,
    id: m.id,
    subject: m.subject,
    receivedDateTime: m.received,
    lastModifiedDateTime: new Date(Date.UTC(2024, 6, 1) + m.seq * 1000).toISOString(),
    changeKey: `ck${m.seq}`,
    hasAttachments: m.attachments.length > 0,
    body: { contentType: 'html', content: m.bodyHtml },
    bodyPreview: m.bodyHtml.replace(/<[^>]+>/g, '').slice(0, 255),
    from: address(m.from),
    sender: address(m.from),
    toRecipients: m.to.map(address),
    ccRecipients: m.cc.map(address),
    bccRecipients: [],
    replyTo: [],
    parentFolderId: m.folderId,
    internetMessageId: `<${m.id}@contoso.example>`,
  };
  if (!select) return full;
  const keep = new Set(['@odata.etag', 'id', ...select.split(',')]);
  return Object.fromEntries(Object.entries(full).filter(([k]) => keep.has(k)));
}

/** A grant as SharePoint returns it: the principal in grantedToV2 (with its claim), its name in the older grantedTo. */
function grantJson(id: string, g: Grant, inheritedFrom?: object) {
  return {
    id,
    roles: ['read'],
    grantedToV2: { [g.kind]: { ...(g.displayName !== undefined ? { displayName: g.displayName } : {}), ...(g.loginName ? { loginName: g.loginName } : {}) } },
    ...(g.displayName ? { grantedTo: { user: { displayName: g.displayName } } } : {}),
    ...(inheritedFrom ? { inheritedFrom } : {}),
  };
}

function driveJson(d: Drive) {
  return {
    id: d.id,
    name: d.name,
    driveType: d.siteId ? 'documentLibrary' : 'business',
    ...(d.ownerUpn ? { owner: { user: { displayName: d.ownerUpn, email: d.ownerUpn } } } : { owner: { group: { displayName: 'HR' } } }),
  };
}

function driveItemJson(d: Drive, i: DriveItem) {
  return {
    id: i.id,
    name: i.name,
    eTag: `"{${i.id}},${i.seq}"`,
    cTag: `"c:{${i.id}},${i.seq}"`,
    size: i.bytes.length,
    lastModifiedDateTime: new Date(Date.UTC(2024, 6, 1) + i.seq * 1000).toISOString(),
    parentReference: { driveId: d.id, path: `/drive/root:${i.parentPath ? `/${i.parentPath}` : ''}` },
    ...(i.folder ? { folder: { childCount: 0 } } : { file: { mimeType: 'text/plain' } }),
  };
}

function attachmentJson(a: Attachment, expand: boolean): Record<string, unknown> {
  const base = { id: a.id, name: a.name, lastModifiedDateTime: '2024-01-01T00:00:00Z', isInline: false };
  switch (a.kind) {
    case 'file':
      return {
        '@odata.type': '#microsoft.graph.fileAttachment',
        ...base,
        contentType: a.contentType,
        size: a.bytes.length,
        ...(a.bytes.length <= INLINE_LIMIT ? { contentBytes: a.bytes.toString('base64') } : {}),
      };
    case 'item':
      return {
        '@odata.type': '#microsoft.graph.itemAttachment',
        ...base,
        contentType: null,
        size: 2048,
        ...(expand
          ? {
              item: {
                '@odata.type': '#microsoft.graph.message',
                id: `${a.id}-item`,
                subject: a.message.subject,
                body: { contentType: 'html', content: a.message.bodyHtml },
                from: address(a.message.from),
                toRecipients: [],
                ccRecipients: [],
                replyTo: [],
              },
            }
          : {}),
      };
    case 'reference':
      return { '@odata.type': '#microsoft.graph.referenceAttachment', ...base, contentType: null, size: 312, sourceUrl: a.sourceUrl };
  }
}

/** A client assertion (JWT) for this client, signed (RS256 or PS256) with the certificate's key. */
function verifyAssertion(jwt: string, certificate: string, clientId: string): boolean {
  const [h, p, sig] = jwt.split('.');
  if (!h || !p || !sig) return false;
  const header = JSON.parse(Buffer.from(h, 'base64url').toString()) as { alg?: string };
  const claims = JSON.parse(Buffer.from(p, 'base64url').toString()) as { iss?: string; sub?: string };
  if (claims.iss !== clientId || claims.sub !== clientId) return false;
  const key = createPublicKey(certificate);
  const data = Buffer.from(`${h}.${p}`);
  const signature = Buffer.from(sig, 'base64url');
  if (header.alg === 'PS256') return verify('sha256', data, { key, padding: constants.RSA_PKCS1_PSS_PADDING, saltLength: 32 }, signature);
  if (header.alg === 'RS256') return verify('sha256', data, key, signature);
  return false;
}

/** Stands in for a ServerResponse to collect an inner batch answer. */
class Capture {
  statusCode = 200;
  headers: Record<string, string> = {};
  body = Buffer.alloc(0);
  setHeader(name: string, value: string | number): void {
    this.headers[name] = String(value);
  }
  writeHead(status: number, headers: Record<string, string | number> = {}): this {
    this.statusCode = status;
    for (const [k, v] of Object.entries(headers)) this.headers[k] = String(v);
    return this;
  }
  end(data?: string | Buffer): void {
    if (data !== undefined) this.body = Buffer.from(data);
  }
}

function send(res: ServerResponse, status: number, body: unknown): undefined {
  const text = JSON.stringify(body);
  res.writeHead(status, { 'Content-Type': 'application/json; odata.metadata=minimal', 'Content-Length': Buffer.byteLength(text) });
  res.end(text);
}

function notFound(res: ServerResponse, code: string): undefined {
  return send(res, 404, { error: { code, message: 'The specified object was not found in the store.' } });
}

function readBody(req: IncomingMessage): Promise<string> {
  return new Promise((resolve, reject) => {
    let body = '';
    req.setEncoding('utf8');
    req.on('data', (d: string) => {
      body += d;
    });
    req.on('end', () => resolve(body));
    req.on('error', reject);
  });
}

const delay = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));
