/**
 * `npm run bench:html`: renders a report of 100,000 synthetic items (or the count given as the
 * first argument), opens it from disk in Chromium and prints the page size, the time to first
 * paint and to a usable page, and how long filters and a sort take to apply and paint.
 */
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import type { Category, Finding } from '../detectors/types.js';
import { renderHtml } from '../reporters/html.js';
import type { Report, ReportItem } from '../scanner/model.js';
import { levelFor } from '../scanner/report/risk.js';
import { launchChromium } from './chromium.js';

/** A small deterministic generator, so every run measures the same report. */
function mulberry32(seed: number): () => number {
  let a = seed;
  return () => {
    a = (a + 0x6d2b79f5) | 0;
    let t = Math.imul(a ^ (a >>> 15), 1 | a);
    t = (t + Math.imul(t ^ (t >>> 7), 61 | t)) ^ t;
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

const TYPES: [string, Category, string][] = [
  ['email', 'contact', 'j***@example.nl'],
  ['phone', 'contact', '+31 6 **** **78'],
  ['iban', 'financial', 'NL** **** **** **43 00'],
  ['nl-bsn', 'national-id', '******333'],
  ['ip-address', 'online', '192.168.*.*'],
  ['credit-card', 'financial', '**** **** **** 1111'],
  ['special-health', 'special', 'diagnose ***'],
];
const DEPTS = ['HR', 'Finance', 'Sales', 'Legal', 'IT', 'Projects', 'Archive', 'Public', 'Board', 'Support'];

export function syntheticReport(count: number): Report {
  const random = mulberry32(42);
  const pick = <T>(list: readonly T[]): T => list[Math.floor(random() * list.length)] as T;
  const items: ReportItem[] = [];
  for (let i = 0; i < count; i++) {
    const mail = random() < 0.1;
    const folder = mail
      ? `mailbox/user${Math.floor(random() * 50)}@example.nl/${pick(['Inbox', 'Sent', 'Archive'])}`
      : `${pick(DEPTS)}/${2015 + Math.floor(random() * 10)}/team-${Math.floor(random() * 20)}`;
    const path = `${folder}/${mail ? `subject-${i}` : `document-${i}.${pick(['txt', 'csv', 'html'])}`}`;
    const findings: Finding[] = [];
    if (random() < 0.3) {
      const n = 1 + Math.floor(random() * 6);
      for (let k = 0; k < n; k++) {
        const [type, category, masked] = pick(TYPES);
        const hash = Math.floor(random() * 2 ** 48)
          .toString(16)
          .padStart(12, '0')
          .repeat(6)
          .slice(0, 64);
        findings.push({
          type,
          category,
          confidence: 0.6 + random() * 0.39,
          masked,
          hash,
          where: { line: 1 + Math.floor(random() * 500) },
          basis: ['plain', 'context'],
        });
      }
    }
    const broad = random() < 0.08;
    const failed = random() < 0.01;
    const score = findings.length === 0 ? 0 : Math.min(100, Math.round(10 + random() * 60 + (broad ? 20 : 0)));
    items.push({
      path,
      uri: `file:///srv/share/${path}`,
      kind: mail ? 'message' : 'file',
      mediaType: 'text/plain',
      size: Math.floor(random() * 2_000_000),
      modified: new Date(Date.UTC(2015, 0, 1) + random() * 10 * 365 * 864e5).toISOString(),
      access: {
        owner: `user${Math.floor(random() * 200)}`,
        group: 'staff',
        mode: broad ? '0644' : '0640',
        entries: [{ principal: 'user:owner', rights: 'read,write' }, ...(broad ? [{ principal: 'everyone', rights: 'read' }] : [])],
        broad,
        reasons: broad ? ['world-readable'] : [],
      },
      findings,
      risk: { score, level: levelFor(score), reasons: findings.length ? ['synthetic'] : [] },
      error: failed ? { code: pick(['encrypted', 'corrupt', 'timeout'] as const), message: 'synthetic failure' } : null,
    });
  }
  const withFindings = items.filter((i) => i.findings.length > 0);
  const byType: Record<string, number> = {};
  for (const f of withFindings.flatMap((i) => i.findings)) byType[f.type] = (byType[f.type] ?? 0) + 1;
  // Fields the scan state adds to the contract; spread in, so this fits the Report type before and after.
  const stateStats = { suppressed: 0, read: items.length, reused: 0 };
  const stateFields = { changes: { since: null, new: 0, resolved: 0, unchanged: 0, resolvedFindings: [] } };
  return {
    ...stateFields,
    schema: 'inzage.report/v1',
    tool: { name: 'inzage', version: 'bench' },
    scan: { id: 'bench', startedAt: '2026-01-01T00:00:00Z', finishedAt: '2026-01-01T01:00:00Z', roots: ['/srv/share'], minConfidence: 0.5 },
    stats: {
      items: items.length,
      itemsWithFindings: withFindings.length,
      findings: Object.values(byType).reduce((a, b) => a + b, 0),
      bytes: items.reduce((a, i) => a + i.size, 0),
      errors: items.filter((i) => i.error).length,
      skipped: 0,
      durationMs: 3_600_000,
      byType,
      byErrorCode: {},
      ...stateStats,
    },
    items,
  };
}

/** Runs in the page: applies one change, returns ms until the handler finished and until the next frame. */
const APPLY = `async ([selector, value, kind]) => {
  const el = document.querySelector(selector);
  const t0 = performance.now();
  if (kind === 'click') el.click();
  else {
    el.value = value;
    el.dispatchEvent(new Event(kind, { bubbles: true }));
  }
  const t1 = performance.now();
  await new Promise((r) => requestAnimationFrame(() => setTimeout(r, 0)));
  return [t1 - t0, performance.now() - t0, document.querySelector('.pager .status').textContent];
}`;

async function main(): Promise<void> {
  const count = Number(process.argv[2] ?? 100_000);
  const dir = await mkdtemp(join(tmpdir(), 'inzage-bench-html-'));
  const browser = await launchChromium();
  try {
    const report = syntheticReport(count);
    const t = performance.now();
    const html = renderHtml(report);
    const renderMs = performance.now() - t;
    const file = join(dir, 'report.html');
    await writeFile(file, html);
    const page = await browser.newPage({ viewport: { width: 1400, height: 900 } });
    // Record when the page says it is ready, from the page's own clock (navigation start = 0).
    await page.addInitScript(`new MutationObserver((_, o) => {
      if (document.body && document.body.dataset.ready) { window.__readyAt = performance.now(); o.disconnect(); }
    }).observe(document, { subtree: true, attributes: true, attributeFilter: ['data-ready'] });`);
    await page.goto(pathToFileURL(file).href, { timeout: 120_000 });
    await page.waitForSelector('body[data-ready]', { timeout: 120_000 });
    const timing = (await page.evaluate(`({
      fcp: performance.getEntriesByName('first-contentful-paint')[0]?.startTime ?? null,
      ready: window.__readyAt,
      marks: Object.fromEntries(performance.getEntriesByType('mark').map((m) => [m.name, m.startTime])),
      heapMb: performance.memory ? performance.memory.usedJSHeapSize / 1048576 : null,
    })`)) as { fcp: number | null; ready: number; heapMb: number | null; marks: Record<string, number> };
    const mark = (name: string) => timing.marks[`inzage:${name}`] ?? Number.NaN;
    const explorer = (await page.evaluate(`(${APPLY})(['#tab-explorer', '', 'click'])`)) as [number, number, string];
    const byType = (await page.evaluate(`(${APPLY})(['select[data-filter="type"]', 'iban', 'change'])`)) as [number, number, string];
    const text = (await page.evaluate(`(${APPLY})(['#search', 'finance/2019', 'input'])`)) as [number, number, string];
    const sort = (await page.evaluate(`(${APPLY})(['th[data-sort="name"] button', '', 'click'])`)) as [number, number, string];
    const ms = (n: number | null) => (n === null ? 'n/a' : `${Math.round(n)} ms`);
    const lines = [
      `items: ${count.toLocaleString('en')}, report.html: ${(html.length / 1048576).toFixed(1)} MB, rendered in ${ms(renderMs)} (node)`,
      `page script starts ${ms(mark('start'))}; JSON parsed ${ms(mark('parsed') - mark('start'))}; items prepared ${ms(mark('prepared') - mark('parsed'))}; overview drawn ${ms(timing.ready - mark('prepared'))}`,
      `first contentful paint: ${ms(timing.fcp)}; page ready (overview drawn): ${ms(timing.ready)}; JS heap ${timing.heapMb?.toFixed(0) ?? 'n/a'} MB`,
      `open explorer (first sort of all items): ${ms(explorer[0])}, painted ${ms(explorer[1])}`,
      `filter type=iban: ${ms(byType[0])}, painted ${ms(byType[1])} → ${byType[2]}`,
      `+ free text "finance/2019": ${ms(text[0])}, painted ${ms(text[1])} → ${text[2]}`,
      `+ sort by path: ${ms(sort[0])}, painted ${ms(sort[1])} → ${sort[2]}`,
    ];
    process.stdout.write(`${lines.join('\n')}\n`);
  } finally {
    await browser.close();
    await rm(dir, { recursive: true, force: true });
  }
}

// Run when started as a script; importing it (for syntheticReport) runs nothing.
if (process.argv[1] && import.meta.url === pathToFileURL(process.argv[1]).href) await main();
