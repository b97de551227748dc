/**
 * `npm run bench:serve [-- --items 1000000 --per-item 10 --state DIR]`: the page time of
 * `inzage serve` on a generated state (fixtures/state.ts). Default 200,000 items × 5 findings
 * (one million findings); the figure is 1,000,000 × 10 (ten million). Prints the time to
 * generate, to build the read model, and for each API page (median of 5, over real HTTP), plus RSS.
 * A figure, not a pass/fail: the goal is a page under 200 ms.
 */
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { parseArgs } from 'node:util';
import { generateState } from '../fixtures/state.js';
import { startServe } from '../scanner/commands/serve.js';

const { values } = parseArgs({
  options: {
    items: { type: 'string', default: '200000' },
    'per-item': { type: 'string', default: '5' },
    state: { type: 'string' },
    keep: { type: 'boolean', default: false },
  },
});

const items = Number(values.items);
const perItem = Number(values['per-item']);
const dir = values.state ?? (await mkdtemp(join(tmpdir(), 'inzage-serve-bench-')));
const seconds = (ms: number) => `${(ms / 1000).toFixed(1)} s`;

let t = performance.now();
if (!values.state) {
  const g = generateState(dir, items, perItem);
  console.log(`generated ${g.items.toLocaleString('en')} items, ${g.findings.toLocaleString('en')} findings in ${seconds(performance.now() - t)}`);
}
t = performance.now();
const server = await startServe({ stateDir: dir, host: '127.0.0.1', port: 0, readOnly: true, secureCookie: false }, () => {});
console.log(`read model built and server up in ${seconds(performance.now() - t)}`);
const url = new URL(server.url);
const token = url.hash.replace('#token=', '');
const login = await fetch(`${url.origin}/api/login`, {
  method: 'POST',
  headers: { 'content-type': 'application/json', origin: url.origin },
  body: JSON.stringify({ token }),
});
const cookie = (login.headers.get('set-cookie') ?? '').split(';')[0] as string;
const { csrf } = (await login.json()) as { csrf: string };

async function time(label: string, path: string): Promise<void> {
  const runs: number[] = [];
  let bytes = 0;
  for (let i = 0; i < 5; i++) {
    const start = performance.now();
    const r = await fetch(`${url.origin}${path}`, { headers: { cookie, 'x-inzage-csrf': csrf } });
    bytes = (await r.arrayBuffer()).byteLength;
    if (!r.ok) throw new Error(`${path}: ${r.status}`);
    runs.push(performance.now() - start);
  }
  runs.sort((a, b) => a - b);
  console.log(
    `${label.padEnd(44)} median ${(runs[2] as number).toFixed(1).padStart(7)} ms  fastest ${(runs[0] as number).toFixed(1).padStart(7)} ms  ${bytes} B`,
  );
}

await time('overview (first computes, then cached)', '/api/overview');
await time('items, riskiest first', '/api/items?limit=50');
await time('items, type iban, risk ≥ medium', '/api/items?type=iban&minLevel=2&limit=50');
await time('items, broad access, by name', '/api/items?access=broad&sort=name&dir=asc&limit=50');
await time('items, folder dept-07, by modified', '/api/items?folder=dept-07&sort=modified&limit=50');
await time('items, page 1,000 (offset 50,000)', '/api/items?offset=50000&limit=50');
await time('items, text search "doc-0001"', `/api/items?q=${encodeURIComponent('doc-0001')}&limit=50`);
await time('folder tree, top level', '/api/folders?parent=');
await time('item view', `/api/item?uri=${encodeURIComponent('file:///srv/share/dept-01/team-00/doc-00000001.txt')}`);
console.log(`peak RSS ${(process.resourceUsage().maxRSS / 1024).toFixed(0)} MB`);
await server.close();
if (!values.keep && !values.state) await rm(dir, { recursive: true, force: true });
else console.log(`state kept in ${dir}`);
