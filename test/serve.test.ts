/**
 * `inzage serve` in a real Chromium (playwright-core, Debian's browser): the server is the built
 * CLI, started as a child process, opened at the URL it prints. A scanned share with hostile file
 * names checks the overview, security (token, CSRF, Origin, CSP, no request off the machine),
 * triage that survives a rescan and `--fail-on`, and the subject search with its CSV. A generated
 * state of 100,000 items checks filtering, paging and the item view.
 */
import { type ChildProcess, spawn } from 'node:child_process';
import { mkdir, readFile, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import type { Browser, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { launchChromium } from '../bench/chromium.js';
import { CLI, runCli, tempDir } from './helpers.js';

const HOSTILE = ['<img src=x onerror=alert(1)>.txt', '"><svg onload=alert(2)>.txt', "'-alert(4)-'.txt", '=HYPERLINK("x").txt'];

interface Server {
  url: string;
  origin: string;
  child: ChildProcess;
  stop: () => Promise<void>;
}

/** Starts `inzage serve` on a free port and waits for the line with its URL. */
function startServer(args: string[]): Promise<Server> {
  return new Promise((resolveServer, reject) => {
    const child = spawn(process.execPath, [CLI, 'serve', '--port', '0', ...args], { stdio: ['ignore', 'pipe', 'pipe'] });
    let out = '';
    let err = '';
    child.stderr.on('data', (d) => {
      err += d;
    });
    child.stdout.on('data', (d) => {
      out += d;
      const m = /Inzage is at (http:\/\/\S+)/.exec(out);
      if (m) {
        const url = m[1] as string;
        resolveServer({
          url,
          origin: new URL(url).origin,
          child,
          stop: () =>
            new Promise((done) => {
              child.once('close', () => done());
              child.kill('SIGTERM');
            }),
        });
      }
    });
    child.once('close', (code) => reject(new Error(`inzage serve ended (${code}) before printing its URL: ${err}${out}`)));
  });
}

interface Watch {
  dialogs: string[];
  requests: string[];
  errors: string[];
}

async function watchPage(page: Page): Promise<Watch> {
  const seen: Watch = { dialogs: [], requests: [], errors: [] };
  page.on('dialog', (d) => {
    seen.dialogs.push(d.message());
    void d.accept();
  });
  page.on('request', (r) => seen.requests.push(r.url()));
  page.on('pageerror', (e) => seen.errors.push(e.message));
  await page.addInitScript(`
    window.__violations = [];
    document.addEventListener('securitypolicyviolation', (e) => window.__violations.push(e.violatedDirective + ' ' + e.blockedURI));
  `);
  return seen;
}

const violations = (page: Page) => page.evaluate('window.__violations') as Promise<string[]>;
const ready = (page: Page, view: string) => page.waitForSelector(`body[data-ready="${view}"]`);

/** Signs in like the page does, for API checks from Node: the session cookie and the CSRF token. */
async function apiSession(server: Server): Promise<{ cookie: string; csrf: string }> {
  const token = new URL(server.url).hash.replace('#token=', '');
  const r = await fetch(`${server.origin}/api/login`, {
    method: 'POST',
    headers: { 'content-type': 'application/json', origin: server.origin },
    body: JSON.stringify({ token }),
  });
  expect(r.status).toBe(200);
  const cookie = (r.headers.get('set-cookie') ?? '').split(';')[0] as string;
  return { cookie, csrf: ((await r.json()) as { csrf: string }).csrf };
}

describe('inzage serve on a scanned share', () => {
  let browser: Browser;
  let work: { dir: string; cleanup: () => Promise<void> };
  let share: string;
  let stateDir: string;
  let server: Server;

  beforeAll(async () => {
    work = await tempDir('serve');
    share = join(work.dir, 'share');
    stateDir = join(work.dir, 'state');
    for (let i = 0; i < 6; i++) {
      await mkdir(join(share, 'HR'), { recursive: true });
      await writeFile(join(share, 'HR', `medewerker-${i}.txt`), `Naam: medewerker ${i}\nE-mail: medewerker${i}@example.nl\nIBAN NL91ABNA0417164300\n`);
    }
    await mkdir(join(share, 'Evil'), { recursive: true });
    for (const name of HOSTILE) await writeFile(join(share, 'Evil', name), 'contact: evil@example.org </script><script>alert(5)</script>\n');
    const scan = await runCli(['scan', share, '--state-dir', stateDir, '--out', join(work.dir, 'out'), '--no-progress']);
    expect(scan.code, scan.stderr).toBe(0);
    server = await startServer(['--state-dir', stateDir]);
    browser = await launchChromium();
  }, 180_000);

  afterAll(async () => {
    await browser?.close();
    await server?.stop();
    await work?.cleanup();
  });

  it('opens the overview from the printed URL, with no dialog, CSP violation or request off the machine', async () => {
    expect(server.url).toMatch(/^http:\/\/127\.0\.0\.1:\d+\/#token=[\w-]{40,}$/);
    const page = await browser.newPage();
    const seen = await watchPage(page);
    await page.goto(server.url);
    await ready(page, 'overview');
    // The token leaves the address bar at once.
    expect(page.url()).not.toContain('token');
    const cards = await page.$$eval('.card', (els) => els.map((e) => e.textContent ?? ''));
    expect(cards.some((c) => c.includes('10'))).toBe(true); // 10 items
    await page.click('#tab-explorer');
    await ready(page, 'explorer');
    await page.fill('#q', 'evil');
    await page.press('#q', 'Enter');
    await expect.poll(() => page.$$eval('#items tbody tr', (rows) => rows.length)).toBe(4);
    const names = await page.$$eval('#items tbody td.path', (els) => els.map((e) => e.textContent ?? ''));
    for (const name of HOSTILE) expect(names).toContain(`Evil/${name}`);
    await page.click('#items tbody tr:first-child button.open-item');
    await page.waitForSelector('#item-view');
    for (const v of ['trend', 'subject', 'register', 'audit', 'overview']) {
      await page.click(`#tab-${v}`);
      await ready(page, v);
    }
    expect(await page.$$('img, svg[onload], script:not([src])')).toHaveLength(0);
    expect(seen.dialogs).toEqual([]);
    expect(seen.errors).toEqual([]);
    expect(await violations(page)).toEqual([]);
    expect(seen.requests.length).toBeGreaterThan(5);
    expect(seen.requests.filter((u) => !u.startsWith(`${server.origin}/`))).toEqual([]);
    await page.close();
  });

  it('answers 401 without the token and shows the sign-in state', async () => {
    for (const path of ['/api/overview', '/api/items', '/api/session']) expect((await fetch(`${server.origin}${path}`)).status).toBe(401);
    const { cookie } = await apiSession(server);
    // A cookie alone is not enough for an API call: the CSRF header must come with it.
    expect((await fetch(`${server.origin}/api/overview`, { headers: { cookie } })).status).toBe(401);
    const wrong = await fetch(`${server.origin}/api/login`, {
      method: 'POST',
      headers: { 'content-type': 'application/json', origin: server.origin },
      body: JSON.stringify({ token: 'x'.repeat(43) }),
    });
    expect(wrong.status).toBe(401);
    const page = await browser.newPage();
    await page.goto(server.origin);
    await ready(page, 'signin');
    await page.close();
  });

  it('rejects a cross-origin POST, from Node and from a page on another origin', async () => {
    const { cookie, csrf } = await apiSession(server);
    const body = JSON.stringify({ status: 'accepted', selection: { kind: 'filter', filter: {} } });
    const evil = await fetch(`${server.origin}/api/triage`, {
      method: 'POST',
      headers: { cookie, 'x-inzage-csrf': csrf, 'content-type': 'application/json', origin: 'http://evil.example' },
      body,
    });
    expect(evil.status).toBe(403);
    expect(((await evil.json()) as { error: { code: string } }).error.code).toBe('cross-origin');
    // A page served from another origin (localhost is another origin than 127.0.0.1) posts with the browser's cookies.
    const page = await browser.newPage();
    await page.goto(server.url);
    await ready(page, 'overview');
    const other = server.origin.replace('127.0.0.1', 'localhost');
    await page.goto(`${other}/`);
    const status = await page.evaluate(`fetch(${JSON.stringify(`${server.origin}/api/triage`)}, {
      method: 'POST', credentials: 'include', mode: 'no-cors', headers: { 'content-type': 'text/plain' }, body: ${JSON.stringify(body)} })
      .then(() => 'sent', () => 'blocked')`);
    expect(['sent', 'blocked']).toContain(status);
    const audit = (await (await fetch(`${server.origin}/api/audit`, { headers: { cookie, 'x-inzage-csrf': csrf } })).json()) as { rows: { action: string }[] };
    expect(audit.rows.filter((r) => r.action === 'triage')).toEqual([]);
    await page.close();
  });

  it('keeps a triage decision over a rescan, and --fail-on respects decisions', async () => {
    const page = await browser.newPage();
    await watchPage(page);
    await page.goto(server.url);
    await ready(page, 'overview');
    const before = await runCli(['scan', share, '--state-dir', stateDir, '--out', join(work.dir, 'out'), '--no-progress', '--fail-on', 'low']);
    expect(before.code).toBe(1);
    // Every finding of the share: accepted, through the filtered selection (the page asks to confirm).
    await page.click('#tab-explorer');
    await ready(page, 'explorer');
    await page.selectOption('#triage-filter select.triage-status', 'accepted');
    await page.click('#triage-filter button');
    await page.waitForSelector('#message:not(:empty)');
    // Then one finding: false positive, with a note.
    await page.fill('#q', 'medewerker-0');
    await page.press('#q', 'Enter');
    await expect.poll(() => page.$$eval('#items tbody tr', (rows) => rows.length)).toBe(1);
    await page.click('#items tbody tr:first-child button.open-item');
    await page.waitForSelector('#item-view tr[data-finding="0"]');
    const row = '#item-view tr[data-finding="0"]';
    await page.selectOption(`${row} select.triage-status`, 'false-positive');
    await page.fill(`${row} input.triage-note`, 'test address');
    await page.click(`${row} .triage button`);
    await page.waitForSelector(`${row} .badge.status-false-positive`);
    // Rescan: the decisions stay, and --fail-on no longer fails.
    await writeFile(join(share, 'HR', 'nieuw.txt'), 'geen persoonsgegevens\n');
    const after = await runCli(['scan', share, '--state-dir', stateDir, '--out', join(work.dir, 'out'), '--no-progress', '--fail-on', 'low']);
    expect(after.code, after.stdout + after.stderr).toBe(0);
    await page.reload();
    await ready(page, 'overview');
    await page.click('#tab-explorer');
    await ready(page, 'explorer');
    await page.fill('#q', 'medewerker-0');
    await page.press('#q', 'Enter');
    await expect.poll(() => page.$$eval('#items tbody tr', (rows) => rows.length)).toBe(1);
    await page.click('#items tbody tr:first-child button.open-item');
    await page.waitForSelector(`${row} .badge.status-false-positive`);
    expect(await page.textContent(`${row} td.status`)).toContain('test address');
    // The audit names who decided.
    await page.click('#tab-audit');
    await ready(page, 'audit');
    const audit = await page.textContent('#audit');
    expect(audit).toContain('triage');
    await page.close();
  });

  it('finds a subject and downloads the CSV; the audit keeps the hash, not the value', async () => {
    const page = await browser.newPage();
    await page.goto(server.url);
    await ready(page, 'overview');
    await page.click('#tab-subject');
    await ready(page, 'subject');
    await page.selectOption('#subject-type', 'email');
    await page.fill('#subject-value', ' Medewerker3@Example.NL ');
    await page.click('#subject-search');
    await page.waitForSelector('#subject-count');
    expect(await page.textContent('#subject-result')).toContain('HR/medewerker-3.txt');
    const [download] = await Promise.all([page.waitForEvent('download'), page.click('#subject-csv')]);
    const csv = await readFile((await download.path()) as string, 'utf8');
    expect(csv).toContain('HR/medewerker-3.txt');
    expect(csv.toLowerCase()).not.toContain('medewerker3@example.nl');
    await page.click('#tab-audit');
    await ready(page, 'audit');
    const audit = (await page.textContent('#audit')) ?? '';
    expect(audit).toContain('subject-search');
    expect(audit.toLowerCase()).not.toContain('medewerker3');
    const db = await readFile(join(stateDir, 'state.db'));
    expect(db.includes(Buffer.from('edewerker3@'))).toBe(false);
    await page.close();
  });

  it('signs in with a password file, and trusts a proxy header only as given', async () => {
    const users = join(work.dir, 'users');
    const hashed = await new Promise<string>((done, fail) => {
      const child = spawn(process.execPath, [CLI, 'serve', '--hash-password', 'fg-jansen'], { stdio: ['pipe', 'pipe', 'pipe'] });
      let out = '';
      child.stdout.on('data', (d) => {
        out += d;
      });
      child.once('close', (code) => (code === 0 ? done(out) : fail(new Error(`--hash-password exited ${code}`))));
      child.stdin.end('a long passphrase\n');
    });
    await writeFile(users, hashed);
    const pw = await startServer(['--state-dir', stateDir, '--password-file', users]);
    try {
      expect(pw.url).not.toContain('token');
      const login = (body: object) =>
        fetch(`${pw.origin}/api/login`, { method: 'POST', headers: { 'content-type': 'application/json', origin: pw.origin }, body: JSON.stringify(body) });
      expect((await login({ user: 'fg-jansen', password: 'a long passphrase!' })).status).toBe(401);
      const ok = await login({ user: 'fg-jansen', password: 'a long passphrase' });
      expect(ok.status).toBe(200);
      expect(((await ok.json()) as { actor: string }).actor).toBe('fg-jansen');
    } finally {
      await pw.stop();
    }
    const proxied = await startServer(['--state-dir', stateDir, '--auth-header', 'X-Remote-User']);
    try {
      const login = (headers: Record<string, string>) =>
        fetch(`${proxied.origin}/api/login`, {
          method: 'POST',
          headers: { 'content-type': 'application/json', origin: proxied.origin, ...headers },
          body: '{}',
        });
      expect((await login({})).status).toBe(401);
      const ok = await login({ 'x-remote-user': 'auditor' });
      expect(ok.status).toBe(200);
      const cookie = (ok.headers.get('set-cookie') ?? '').split(';')[0] as string;
      const { csrf } = (await ok.json()) as { csrf: string };
      const overview = (user: string) => fetch(`${proxied.origin}/api/overview`, { headers: { cookie, 'x-inzage-csrf': csrf, 'x-remote-user': user } });
      expect((await overview('auditor')).status).toBe(200);
      // The session belongs to the user the proxy named: another name with the same cookie is refused.
      expect((await overview('someone-else')).status).toBe(401);
    } finally {
      await proxied.stop();
    }
  });

  it('refuses --host on the network without an authentication setting', async () => {
    const r = await runCli(['serve', '--state-dir', stateDir, '--host', '0.0.0.0', '--port', '0']);
    expect(r.code).toBe(2);
    expect(r.stderr).toMatch(/--password-file|--auth-header/);
  });
});

describe('inzage serve on a generated state of 100,000 items', () => {
  let browser: Browser;
  let work: { dir: string; cleanup: () => Promise<void> };
  let server: Server;

  beforeAll(async () => {
    work = await tempDir('serve-big');
    const { generateState } = await import('../fixtures/state.js');
    generateState(work.dir, 100_000, 2);
    server = await startServer(['--state-dir', work.dir, '--read-only']);
    browser = await launchChromium();
  }, 600_000);

  afterAll(async () => {
    await browser?.close();
    await server?.stop();
    await work?.cleanup();
  });

  it('filters, pages and sorts on the server, and opens an item', async () => {
    const page = await browser.newPage();
    const seen = await watchPage(page);
    await page.goto(server.url);
    await ready(page, 'overview');
    await page.click('#tab-explorer');
    await ready(page, 'explorer');
    expect(await page.textContent('#shown')).toMatch(/100[.,]000/);
    await page.selectOption('#f-type', 'iban');
    await ready(page, 'explorer');
    await page.selectOption('#f-access', 'broad');
    await ready(page, 'explorer');
    const first = await page.$$eval('#items tbody td.path', (els) => els.map((e) => e.textContent ?? ''));
    expect(first).toHaveLength(50);
    await page.click('#next');
    await ready(page, 'explorer');
    await page.click('#next');
    await ready(page, 'explorer');
    expect(await page.textContent('#shown')).toMatch(/^101/);
    const third = await page.$$eval('#items tbody td.path', (els) => els.map((e) => e.textContent ?? ''));
    expect(third.some((n) => first.includes(n))).toBe(false);
    await page.click('th button[data-sort="name"]');
    await ready(page, 'explorer');
    const byName = await page.$$eval('#items tbody td.path', (els) => els.map((e) => e.textContent ?? ''));
    expect([...byName].sort()).toEqual(byName);
    await page.click('#items tbody tr:nth-child(3) button.open-item');
    await page.waitForSelector('#item-view');
    expect(await page.textContent('#item-view h2')).toBe(byName[2]);
    expect(await page.textContent('#item-view')).toContain('NL** **** **** **** 4300');
    // Read-only: no triage controls.
    expect(await page.$$('.triage')).toHaveLength(0);
    expect(seen.errors).toEqual([]);
    expect(await violations(page)).toEqual([]);
    await page.close();
  });

  it('shows access that was not read as unknown, never as not broad, and says where findings were cut off', async () => {
    const { cookie, csrf } = await apiSession(server);
    const headers = { cookie, 'x-inzage-csrf': csrf };
    const total = async (access: string) => {
      const r = await fetch(`${server.origin}/api/items?access=${access}&limit=1`, { headers });
      expect(r.status).toBe(200);
      return ((await r.json()) as { total: number }).total;
    };
    // The generator: every 7th item broad, every 13th that is not also a 7th not read.
    let unknown = 0;
    let broad = 0;
    for (let i = 0; i < 100_000; i++) {
      if (i % 7 === 0) broad++;
      else if (i % 13 === 0) unknown++;
    }
    expect(await total('unknown')).toBe(unknown);
    expect(await total('broad')).toBe(broad);
    expect(await total('not-broad')).toBe(100_000 - broad - unknown);

    const page = await browser.newPage();
    await page.goto(server.url);
    await ready(page, 'overview');
    await page.click('#tab-explorer');
    await ready(page, 'explorer');
    await page.selectOption('#f-access', 'unknown');
    await ready(page, 'explorer');
    const cells = await page.$$eval('#items tbody tr', (rows) => rows.map((r) => r.textContent ?? ''));
    expect(cells.length).toBe(50);
    for (const c of cells) expect(c).toMatch(/access unknown|toegang onbekend/);
    // Item 500 is cut off by the finding cap: its view says how many there are in all.
    await page.selectOption('#f-access', '');
    await ready(page, 'explorer');
    await page.fill('#q', 'doc-00000500');
    await page.press('#q', 'Enter');
    await expect.poll(() => page.$$eval('#items tbody tr', (rows) => rows.length)).toBe(1);
    await page.click('#items tbody tr:first-child button.open-item');
    await page.waitForSelector('#item-view .truncated');
    expect(await page.textContent('#item-view .truncated')).toMatch(/80/);
    await page.close();
  });
});
