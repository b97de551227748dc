/**
 * The HTML report in a real browser (Debian's Chromium via playwright-core): a scanned share with
 * hostile file names opens from disk, makes no request, runs no injected script, and lets the
 * officer filter, sort, open an item and switch language. One browser for the whole file.
 */
import { execFile } from 'node:child_process';
import { existsSync } from 'node:fs';
import { mkdir, mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { pathToFileURL } from 'node:url';
import { promisify } from 'node:util';
import type { Browser, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { launchChromium } from '../bench/chromium.js';
import { renderHtml } from '../reporters/html.js';
import type { Report, ReportItem } from '../scanner/model.js';

const REPO = resolve(import.meta.dirname, '..');
const CLI = join(REPO, 'dist/scanner/commands/cli.js');
const ARTIFACTS = join(REPO, 'test-artifacts');
const run = promisify(execFile);

// Names a file system allows that would run script if a page pasted them in as HTML. A folder
// ending in `<` holding `script>.txt` gives the path `…</script>.txt`, which no file name can hold.
const HOSTILE = [
  '<img src=x onerror=alert(1)>.txt',
  '"><svg onload=alert(2)>.txt',
  'x<script>alert(3)</script>.txt',
  "'-alert(4)-'.txt",
  '=HYPERLINK("x").txt',
];

const IBANS = ['NL91ABNA0417164300', 'NL20INGB0001234567', 'DE89370400440532013000'];

/** Writes a small share: personal data in HR and Finance, a public folder, one file too large to read. */
async function writeShare(dir: string): Promise<void> {
  const put = async (path: string, text: string) => {
    await mkdir(join(dir, path, '..'), { recursive: true });
    await writeFile(join(dir, path), text);
  };
  for (let i = 0; i < 12; i++) {
    await put(`HR/personeel/medewerker-${String(i).padStart(2, '0')}.txt`, `Naam: medewerker ${i}\nE-mail: medewerker${i}@example.nl\nIBAN ${IBANS[i % 3]}\n`);
  }
  for (let i = 0; i < 6; i++) await put(`Finance/betaling-${i}.csv`, `naam;iban\nklant ${i};${IBANS[i % 3]}\n`);
  for (let i = 0; i < 5; i++) await put(`Public/nieuws-${i}.txt`, 'Geen persoonsgegevens hier.\n');
  await put('Archive/export.txt', `${'x'.repeat(5000)}\n`);
  for (const name of HOSTILE) await put(`Evil/${name}`, 'contact: evil@example.org </script><script>alert(5)</script>\n');
}

async function openReport(page: Page, file: string): Promise<{ dialogs: string[]; requests: string[]; errors: string[] }> {
  const seen = { dialogs: [] as string[], requests: [] as string[], errors: [] as string[] };
  page.on('dialog', (d) => {
    seen.dialogs.push(d.message());
    void d.dismiss();
  });
  page.on('request', (r) => seen.requests.push(r.url()));
  page.on('pageerror', (e) => seen.errors.push(e.message));
  // Record CSP violations from the very start: one would mean our own script or style was blocked, or something tried to load.
  // (Page code is passed as strings: this project's TypeScript has no DOM types.)
  await page.addInitScript(`
    window.__violations = [];
    document.addEventListener('securitypolicyviolation', (e) => window.__violations.push(e.violatedDirective + ' ' + e.blockedURI));
  `);
  await page.goto(pathToFileURL(file).href);
  await page.waitForSelector('body[data-ready]');
  return seen;
}

const rowsText = (page: Page, column: number) => page.$$eval(`#items tbody tr td:nth-child(${column})`, (cells) => cells.map((c) => c.textContent ?? ''));

describe('HTML report in Chromium', () => {
  let browser: Browser;
  let work: string;
  let report: Report;
  let htmlFile: string;

  beforeAll(async () => {
    if (!existsSync(CLI)) throw new Error(`${CLI} is missing: run npm run build first (npm test does)`);
    work = await mkdtemp(join(tmpdir(), 'inzage-html-'));
    const share = join(work, 'share');
    await writeShare(share);
    const out = join(work, 'out');
    await run(process.execPath, [CLI, 'scan', share, '--out', out, '--format', 'json,html,csv', '--max-file-size', '4KB', '--no-progress'], {
      cwd: work,
      env: { ...process.env, INZAGE_KEY_FILE: join(work, 'secret.key') },
    });
    report = JSON.parse(await readFile(join(out, 'report.json'), 'utf8')) as Report;
    htmlFile = join(out, 'report.html');
    await mkdir(ARTIFACTS, { recursive: true });
    browser = await launchChromium();
  });

  afterAll(async () => {
    await browser?.close();
    if (work) await rm(work, { recursive: true, force: true });
  });

  it('shows hostile names as text, runs no injected script, and loads nothing', async () => {
    const page = await browser.newPage();
    const seen = await openReport(page, htmlFile);
    await page.click('#tab-explorer');
    await page.fill('#search', 'evil/');
    for (const name of HOSTILE) await expect(page.getByText(`Evil/${name}`, { exact: true }).count()).resolves.toBe(1);
    await page.getByText(`Evil/${HOSTILE[0]}`, { exact: true }).click();
    await page.waitForSelector('#item-view');
    await page.click('#tab-overview');
    expect(seen.dialogs).toEqual([]);
    expect(seen.errors).toEqual([]);
    expect(seen.requests).toEqual([pathToFileURL(htmlFile).href]);
    expect(await page.evaluate('window.__violations')).toEqual([]);
    // Nothing from the data became markup: no <img>, no event-handler attribute, one executable script.
    const markup = await page.evaluate(`({
      img: document.querySelectorAll('img').length,
      handlers: [...document.querySelectorAll('*')].filter((el) => [...el.attributes].some((a) => a.name.startsWith('on'))).length,
      scripts: [...document.querySelectorAll('script')].filter((s) => s.type !== 'application/json').length,
    })`);
    expect(markup).toEqual({ img: 0, handlers: 0, scripts: 1 });
    await page.close();
  });

  it('shows the totals, hot spots and unscannable items on the overview', async () => {
    const page = await browser.newPage();
    await openReport(page, htmlFile);
    const cards = await page.$$eval('.card', (els) => els.map((e) => e.textContent ?? ''));
    expect(cards[0]).toBe(`${report.stats.items}Items`);
    expect(cards[2]).toBe(`${report.stats.findings}Findings`);
    const top = [...report.items].sort((a, b) => b.risk.score - a.risk.score)[0] as ReportItem;
    const firstHot = await page.$eval('section.panel:nth-of-type(1) tbody tr td:nth-child(1)', (e) => e.textContent);
    expect(firstHot).toContain(String(top.risk.score));
    const unscannable = page.locator('section', { hasText: 'could not be scanned' });
    await expect(unscannable.getByText('Archive/export.txt').count()).resolves.toBe(1);
    await expect(unscannable.getByText('too-large').count()).resolves.toBe(1);
    expect(await page.locator('svg.chart').count()).toBe(3);
    await page.emulateMedia({ media: 'print' });
    expect(await page.locator('.tabs').isVisible()).toBe(false);
    await page.screenshot({ path: join(ARTIFACTS, 'html-overview-print.png'), fullPage: true });
    await page.close();
  });

  it('filters, sorts, opens an item and switches to Dutch', async () => {
    const page = await browser.newPage();
    await openReport(page, htmlFile);
    await page.click('#tab-explorer');
    const status = () => page.textContent('.pager .status');
    expect(await status()).toBe(`1–${report.items.length} of ${report.items.length} items`);

    // Default sort: highest risk first.
    const scores = (await rowsText(page, 1)).map((t) => Number(t.replace(/\D+/g, '')) || 0);
    expect(scores).toEqual([...scores].sort((a, b) => b - a));

    // Filter by type: exactly the items with an IBAN.
    await page.selectOption('select[data-filter="type"]', 'iban');
    const withIban = report.items.filter((i) => i.findings.some((f) => f.type === 'iban'));
    expect(withIban.length).toBeGreaterThan(0);
    expect(await status()).toBe(`1–${withIban.length} of ${withIban.length} items`);
    expect((await rowsText(page, 3)).every((t) => t.includes('iban'))).toBe(true);

    // Free text narrows further; sort by path ascending.
    await page.fill('#search', 'finance/');
    const finance = withIban.filter((i) => i.path.toLowerCase().includes('finance/'));
    expect(await status()).toBe(`1–${finance.length} of ${finance.length} items`);
    await page.click('th[data-sort="name"] button');
    const names = await rowsText(page, 2);
    expect(names).toEqual(finance.map((i) => i.path).sort());

    // Open the first row: masked values and where they sit, access entries.
    await page.click('#items tbody tr:first-child');
    const view = page.locator('#item-view');
    const item = finance.find((i) => i.path === names[0]) as ReportItem;
    const iban = item.findings.find((f) => f.type === 'iban');
    expect(iban).toBeDefined();
    await expect(view.getByText(iban?.masked ?? '', { exact: true }).count()).resolves.toBe(1);
    const ibanWhere = view.locator('tbody tr', { hasText: iban?.masked ?? '' }).locator('td.where');
    expect(iban?.where.line).toBeGreaterThan(0);
    await expect(ibanWhere.textContent()).resolves.toContain(`line ${iban?.where.line}`);
    // An item whose access rolled up into its folder's shows the folder's entries.
    const folder = report.folders?.find((f) => f.uri === item.access?.sameAsFolder);
    const entries = folder ? (folder.access?.entries.filter((e) => !e.default) ?? []) : (item.access?.entries ?? []);
    expect(entries.length).toBeGreaterThan(0);
    await expect(view.getByText(entries[0]?.principal ?? '', { exact: true }).count()).resolves.toBe(1);
    await expect(view.getByText(item.uri, { exact: true }).count()).resolves.toBe(1);

    // Dutch: the interface and number formatting change, the filter stays.
    await page.selectOption('#lang', 'nl');
    await expect(page.textContent('#tab-explorer')).resolves.toBe('Verkenner');
    expect(await status()).toBe(`1–${finance.length} van ${finance.length} items`);
    await expect(ibanWhere.textContent()).resolves.toContain(`regel ${iban?.where.line}`);
    await page.screenshot({ path: join(ARTIFACTS, 'html-explorer-nl.png'), fullPage: true });

    // The folder tree filters by folder.
    await page.click('.filters button:text("Wissen")');
    await page.click('li[data-path="HR"] > .tree-row .tree-name');
    const hr = report.items.filter((i) => i.path.startsWith('HR/'));
    expect(await status()).toBe(`1–${hr.length} van ${hr.length} items`);

    // Risk and access filters, on the whole share again.
    await page.click('.filters button:text("Wissen")');
    await page.selectOption('select[data-filter="risk"]', '3');
    const high = report.items.filter((i) => i.risk.level === 'high' || i.risk.level === 'critical');
    expect(high.length).toBeGreaterThan(0);
    expect(await status()).toBe(`1–${high.length} van ${high.length} items`);
    const broad = high.filter((i) => i.access?.broad);
    await page.selectOption('select[data-filter="access"]', 'narrow');
    expect(await status()).toBe(
      high.length === broad.length ? 'Geen items gevonden' : `1–${high.length - broad.length} van ${high.length - broad.length} items`,
    );
    await page.selectOption('select[data-filter="access"]', 'broad');
    expect(await status()).toBe(`1–${broad.length} van ${broad.length} items`);
    await page.close();
  });

  it('keeps mailbox trees apart, shows scan-state fields, and renders `</script>` in data as text', async () => {
    // Fields the scan state adds to findings and the report (change, triage status, suppression); spread in,
    // so this compiles whether or not the Report type has them yet.
    const stateFields = { change: 'new', status: 'accepted', suppressed: '<b>test</b> data' } as const;
    const changes = { changes: { since: { scanId: 'previous' }, new: 2, resolved: 1, unchanged: 0, resolvedFindings: [] } };
    const item = (path: string, entry?: string): ReportItem => ({
      path,
      ...(entry ? { entry } : {}),
      uri: `mail://x/${encodeURIComponent(path)}`,
      kind: entry ? 'attachment' : 'message',
      size: 10,
      modified: '2026-01-02T03:04:05Z',
      findings: [
        {
          type: 'email',
          category: 'contact',
          confidence: 0.9,
          masked: '</script><script>alert(6)</script>',
          hash: 'ab'.repeat(32),
          where: { part: 'body' },
          ...stateFields,
        },
      ],
      risk: { score: 40, level: 'medium', reasons: ['bewaartermijn verstreken (test)'] },
      error: { code: 'corrupt', message: '</script><img src=x onerror=alert(7)>' },
    });
    const synthetic: Report = {
      ...report,
      ...changes,
      items: [item('mailbox/jan@example.nl/Inbox/</script><script>alert(8)</script>-1'), item('mailbox/jan@example.nl/Inbox/subject-2', '<!--<script>.pdf')],
    };
    const file = join(work, 'synthetic.html');
    await writeFile(file, renderHtml(synthetic));
    const page = await browser.newPage();
    const seen = await openReport(page, file);
    await expect(
      page
        .locator('section', { hasText: /^Past retention/ })
        .locator('tbody tr')
        .count(),
    ).resolves.toBe(2);
    await expect(page.locator('.card', { hasText: 'New since last scan' }).textContent()).resolves.toBe('2New since last scan');
    await page.click('#tab-explorer');
    await expect(page.locator('nav.tree h2').allTextContents()).resolves.toEqual(['Folders', 'Mailboxes']);
    await page.click('#items tbody tr:first-child');
    await expect(page.locator('#item-view code.masked').textContent()).resolves.toBe('</script><script>alert(6)</script>');
    await expect(page.locator('#item-view .badge.new').textContent()).resolves.toBe('new');
    await expect(page.locator('#item-view').getByText('suppressed: <b>test</b> data').count()).resolves.toBe(1);
    await page.selectOption('#lang', 'nl');
    await expect(page.locator('#item-view').getByText('geaccepteerd', { exact: true }).count()).resolves.toBe(1);
    await page.selectOption('select[data-filter="status"]', 'new');
    await expect(page.textContent('.pager .status')).resolves.toBe('1–2 van 2 items');
    expect(seen.dialogs).toEqual([]);
    expect(seen.errors).toEqual([]);
    expect(await page.evaluate('window.__violations')).toEqual([]);
    await page.close();
  });
});
