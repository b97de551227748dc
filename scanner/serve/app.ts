/**
 * The HTTP routes of `inzage serve` (Hono, with zod-validated input). The page is static files
 * (scanner/serve/web/ and the HTML report's modules in reporters/html/); all data comes from the
 * JSON API below, and every API answer is computed from the state through ServeQueries.
 */
import { readFileSync } from 'node:fs';
import { userInfo } from 'node:os';
import { zValidator } from '@hono/zod-validator';
import { type Context, Hono, type MiddlewareHandler } from 'hono';
import { bodyLimit } from 'hono/body-limit';
import { z } from 'zod';
import { InzageError } from '../errors.js';
import { TRIAGE_STATUSES } from '../state/state.js';
import { registerCsv, registerXlsx, subjectExport, trendCsv, trendHtml } from './exports.js';
import type { ItemFilter, ServeQueries } from './queries.js';
import {
  type AuthMode,
  CSRF_HEADER,
  checkPassword,
  readCookie,
  SECURITY_HEADERS,
  SESSION_COOKIE,
  type Session,
  Sessions,
  sameSecret,
  sessionCookie,
} from './security.js';

export interface AppOptions {
  queries: ServeQueries;
  auth: AuthMode;
  readOnly: boolean;
  /** The HMAC key of the installation, for subject searches. */
  key: Buffer;
  /** Host header values accepted (DNS-rebinding guard); empty = any. */
  allowedHosts: string[];
  /** Set the cookie's Secure flag (behind a TLS proxy). */
  secureCookie: boolean;
}

type Env = { Variables: { session: Session } };

/** Static files the page may load, and where they are; nothing else is served from disk. */
const WEB_FILES = ['index.html', 'app.js', 'api.js', 'texts.js', 'views.js', 'explorer.js', 'serve.css'];
const REPORT_FILES = ['dom.js', 'i18n.js', 'model.js', 'charts.js', 'overview.js', 'page.css'];
const TYPES: Record<string, string> = { js: 'text/javascript; charset=utf-8', css: 'text/css; charset=utf-8', html: 'text/html; charset=utf-8' };

const assetCache = new Map<string, string>();
function asset(url: URL): string {
  const key = url.href;
  let text = assetCache.get(key);
  if (text === undefined) {
    text = readFileSync(url, 'utf8');
    assetCache.set(key, text);
  }
  return text;
}

const problem = (c: Context, status: 400 | 401 | 403 | 404 | 409 | 413, code: string, message: string) => c.json({ error: { code, message } }, status);

/** zod validation with our error shape; the message names the field, never echoes its value. */
const valid = <T extends z.ZodType>(target: 'json' | 'query', schema: T) =>
  zValidator(target, schema, (result, c) => {
    if (!result.success) {
      const issue = result.error.issues[0];
      return problem(c, 400, 'bad-request', `${issue?.path.join('.') || target}: ${issue?.message ?? 'invalid'}`);
    }
    return undefined;
  });

const filterSchema = z.object({
  folder: z.string().max(4096).optional(),
  type: z.string().max(100).optional(),
  category: z.string().max(100).optional(),
  minLevel: z.coerce.number().int().min(0).max(4).optional(),
  access: z.enum(['broad', 'not-broad', 'unknown']).optional(),
  status: z.enum(['findings', 'open', 'triaged', 'none', 'unread']).optional(),
  changedSince: z.iso.date().optional(),
  q: z.string().max(500).optional(),
});

const itemsQuery = filterSchema.extend({
  sort: z.enum(['risk', 'name', 'findings', 'modified', 'size']).default('risk'),
  dir: z.enum(['asc', 'desc']).default('desc'),
  offset: z.coerce.number().int().min(0).max(100_000_000).default(0),
  limit: z.coerce.number().int().min(1).max(200).default(50),
});

const triageBody = z.object({
  status: z.enum(TRIAGE_STATUSES as [string, ...string[]]),
  note: z.string().max(2000).optional(),
  selection: z.discriminatedUnion('kind', [
    z.object({ kind: z.literal('finding'), uri: z.string().max(8192), index: z.number().int().min(0) }),
    z.object({ kind: z.literal('item'), uri: z.string().max(8192) }),
    z.object({ kind: z.literal('filter'), filter: filterSchema }),
  ]),
});

const subjectBody = z.object({
  queries: z
    .array(z.object({ type: z.enum(['email', 'nl-bsn', 'iban', 'phone', 'person-name']), value: z.string().min(1).max(500) }))
    .min(1)
    .max(20),
  format: z.enum(['json', 'csv', 'xml']).optional(),
});

const text = z.string().max(4000).default('');
const registerBody = z.object({
  location: z.string().min(1).max(4096),
  purpose: text,
  legalBasis: text,
  dataSubjects: text,
  recipients: text,
  retention: text,
  owner: text,
});

const loginBody = z.object({
  token: z.string().max(200).optional(),
  user: z.string().max(200).optional(),
  password: z.string().max(1000).optional(),
  name: z.string().max(100).optional(),
});

function filterOf(q: z.infer<typeof filterSchema>): ItemFilter {
  return { ...q };
}

export function buildApp(options: AppOptions): Hono<Env> {
  const { queries, auth } = options;
  const sessions = new Sessions();
  const osUser = (() => {
    try {
      return userInfo().username;
    } catch {
      return 'local user';
    }
  })();
  const app = new Hono<Env>();

  app.onError((err, c) => {
    if (err instanceof InzageError) return problem(c, 400, err.code, err.message);
    // No stack, no input in the answer or the log: the request may have carried a subject's value.
    process.stderr.write(`inzage serve: ${c.req.method} ${new URL(c.req.url).pathname} failed: ${(err as Error).name}\n`);
    return c.json({ error: { code: 'internal', message: 'the server failed on this request; see its log' } }, 500);
  });

  // Headers on every answer, and the Host check that stops DNS rebinding against a loopback server.
  app.use('*', async (c, next) => {
    const host = c.req.header('host') ?? '';
    if (options.allowedHosts.length > 0 && !options.allowedHosts.includes(host.toLowerCase())) {
      return c.text('unknown Host header', 421, SECURITY_HEADERS);
    }
    await next();
    for (const [k, v] of Object.entries(SECURITY_HEADERS)) c.res.headers.set(k, v);
    if (new URL(c.req.url).pathname.startsWith('/api/')) c.res.headers.set('Cache-Control', 'no-store');
    return undefined;
  });
  app.use('/api/*', bodyLimit({ maxSize: 256 * 1024, onError: (c) => problem(c, 413, 'too-large', 'the request body is larger than 256 KB') }));

  /** State-changing requests must come from a page of this server (Origin), not another site. */
  const sameOrigin: MiddlewareHandler<Env> = async (c, next) => {
    if (c.req.method !== 'GET' && c.req.method !== 'HEAD') {
      const origin = c.req.header('origin');
      const host = c.req.header('x-forwarded-host') && auth.kind === 'proxy-header' ? c.req.header('x-forwarded-host') : c.req.header('host');
      let ok = false;
      try {
        ok = origin !== undefined && new URL(origin).host === host;
      } catch {
        ok = false;
      }
      if (!ok || c.req.header('sec-fetch-site') === 'cross-site')
        return problem(c, 403, 'cross-origin', 'state-changing requests must come from this server’s own page');
    }
    await next();
    return undefined;
  };
  app.use('/api/*', sameOrigin);

  // ---- the page (holds no data; all data needs a session) ----
  const page = (c: Context) =>
    c.body(asset(new URL('./web/index.html', import.meta.url)), 200, { 'Content-Type': TYPES.html as string, 'Cache-Control': 'no-store' });
  app.get('/', page);
  app.get('/assets/:file', (c) => {
    const file = c.req.param('file');
    if (!WEB_FILES.includes(file)) return c.notFound();
    return c.body(asset(new URL(`./web/${file}`, import.meta.url)), 200, { 'Content-Type': TYPES[file.split('.').pop() as string] as string });
  });
  app.get('/assets/report/:file', (c) => {
    const file = c.req.param('file');
    if (!REPORT_FILES.includes(file)) return c.notFound();
    return c.body(asset(new URL(`../../reporters/html/${file}`, import.meta.url)), 200, { 'Content-Type': TYPES[file.split('.').pop() as string] as string });
  });

  // ---- sessions ----
  app.post('/api/login', valid('json', loginBody), (c) => {
    const body = c.req.valid('json');
    let actor: string | undefined;
    if (auth.kind === 'token') {
      if (body.token && sameSecret(body.token, auth.token)) actor = body.name?.trim() || osUser;
    } else if (auth.kind === 'password') {
      if (body.user && body.password !== undefined && checkPassword(auth.users, body.user, body.password)) actor = body.user;
    } else {
      actor = c.req.header(auth.header)?.trim() || undefined;
    }
    if (!actor) return problem(c, 401, 'unauthorized', auth.kind === 'token' ? 'the token is wrong; open the URL the server printed' : 'sign-in failed');
    const session = sessions.create(actor);
    c.header('Set-Cookie', sessionCookie(session.id, options.secureCookie));
    return c.json({ actor, csrf: session.csrf, readOnly: options.readOnly, auth: auth.kind });
  });

  /** A session from the cookie; in proxy mode the proxy's header must still name the same user. */
  const sessionOf = (c: Context): Session | undefined => {
    const session = sessions.get(readCookie(c.req.header('cookie'), SESSION_COOKIE));
    if (session && auth.kind === 'proxy-header' && c.req.header(auth.header)?.trim() !== session.actor) return undefined;
    return session;
  };

  // The page asks this after a reload (the token is gone from the URL then): the cookie is enough
  // to learn the CSRF token, and a SameSite=Strict cookie never comes with another site's request.
  app.get('/api/session', (c) => {
    const session = sessionOf(c);
    if (!session) return problem(c, 401, 'unauthorized', 'no session; open the URL the server printed, or sign in');
    return c.json({ actor: session.actor, csrf: session.csrf, readOnly: options.readOnly, auth: auth.kind });
  });

  // Every other API call needs the session cookie and the CSRF header.
  app.use('/api/*', async (c, next) => {
    const path = new URL(c.req.url).pathname;
    if (path === '/api/login' || path === '/api/session') return next();
    const session = sessionOf(c);
    const csrf = c.req.header(CSRF_HEADER);
    if (!session || !csrf || !sameSecret(csrf, session.csrf)) return problem(c, 401, 'unauthorized', 'no session; open the URL the server printed, or sign in');
    c.set('session', session);
    await next();
    return undefined;
  });

  const writable: MiddlewareHandler<Env> = async (c, next) => {
    if (options.readOnly) return problem(c, 403, 'read-only', 'the server runs with --read-only; decisions and register edits are off');
    await next();
    return undefined;
  };

  app.post('/api/logout', (c) => {
    sessions.end(c.get('session').id);
    c.header('Set-Cookie', `${SESSION_COOKIE}=; Path=/; HttpOnly; SameSite=Strict; Max-Age=0`);
    return c.json({ ok: true });
  });

  app.get('/api/overview', (c) => {
    const overview = queries.overview();
    if (!overview) return problem(c, 404, 'no-scan', 'the scan state holds no finished scan; run inzage scan first');
    return c.json(overview);
  });

  app.get('/api/facets', (c) => c.json(queries.facets()));
  app.get('/api/folders', valid('query', z.object({ parent: z.string().max(4096).default('') })), (c) => c.json(queries.folders(c.req.valid('query').parent)));

  app.get('/api/items', valid('query', itemsQuery), (c) => {
    const q = c.req.valid('query');
    const { sort, dir, offset, limit, ...filter } = q;
    return c.json(queries.items(filterOf(filter), sort, dir === 'desc', offset, limit));
  });

  app.get('/api/item', valid('query', z.object({ uri: z.string().min(1).max(8192) })), (c) => {
    const detail = queries.item(c.req.valid('query').uri);
    if (!detail) return problem(c, 404, 'no-item', 'no current item with this location; it may be gone since the last scan');
    return c.json(detail);
  });

  app.post('/api/triage', writable, valid('json', triageBody), (c) => {
    const body = c.req.valid('json');
    const selection = body.selection.kind === 'filter' ? { kind: 'filter' as const, filter: filterOf(body.selection.filter) } : body.selection;
    const count = queries.triage(selection, body.status as (typeof TRIAGE_STATUSES)[number], body.note || undefined, c.get('session').actor, new Date());
    return c.json({ findings: count });
  });

  app.post('/api/subject', valid('json', subjectBody), (c) => {
    const body = c.req.valid('json');
    const hits = queries.subject(body.queries, options.key, c.get('session').actor, new Date());
    if (!body.format) return c.json({ hits });
    const out = subjectExport(hits, body.format);
    return c.body(out.body, 200, { 'Content-Type': out.type, 'Content-Disposition': `attachment; filename="${out.name}"` });
  });

  app.get('/api/trend', (c) => c.json(queries.trend()));
  app.get('/api/trend.csv', (c) =>
    c.body(trendCsv(queries.trend()), 200, { 'Content-Type': 'text/csv; charset=utf-8', 'Content-Disposition': 'attachment; filename="inzage-trend.csv"' }),
  );
  app.get('/api/trend.html', valid('query', z.object({ lang: z.enum(['nl', 'en']).default('en') })), (c) =>
    c.body(trendHtml(queries.trend(), c.req.valid('query').lang), 200, {
      'Content-Type': 'text/html; charset=utf-8',
      'Content-Disposition': 'attachment; filename="inzage-trend.html"',
    }),
  );

  app.get('/api/register', (c) => c.json(queries.register()));
  app.put('/api/register', writable, valid('json', registerBody), (c) => {
    queries.saveRegister(c.req.valid('json'), c.get('session').actor, new Date());
    return c.json({ ok: true });
  });
  app.get('/api/register.csv', (c) =>
    c.body(registerCsv(queries.register()), 200, {
      'Content-Type': 'text/csv; charset=utf-8',
      'Content-Disposition': 'attachment; filename="inzage-register.csv"',
    }),
  );
  app.get('/api/register.xlsx', (c) =>
    c.body(new Uint8Array(registerXlsx(queries.register())), 200, {
      'Content-Type': 'application/vnd.openxmlformats-officedocument.spreadsheetml.sheet',
      'Content-Disposition': 'attachment; filename="inzage-register.xlsx"',
    }),
  );

  app.get(
    '/api/audit',
    valid('query', z.object({ offset: z.coerce.number().int().min(0).default(0), limit: z.coerce.number().int().min(1).max(200).default(50) })),
    (c) => {
      const q = c.req.valid('query');
      return c.json(queries.auditLog(q.offset, q.limit));
    },
  );

  app.notFound((c) => problem(c, 404, 'not-found', 'no such page or API route'));
  return app;
}
