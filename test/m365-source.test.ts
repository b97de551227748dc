/**
 * The Microsoft 365 source on its own, against the local Graph test server: no session, no store.
 * A child process (Node trusts the server's certificate only through NODE_EXTRA_CA_CERTS, read at
 * start) iterates the built m365Source with a read-only map of checkpoints and prints the events.
 * The source writes nothing and downloads nothing: items carry their version and a `fetch` the
 * pipeline would call; each page's items come before its checkpoint; a rescan from the saved
 * checkpoints yields `gone` for what Graph reports @removed.
 */
import { spawn } from 'node:child_process';
import { existsSync } from 'node:fs';
import { writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { Tenant } from './graph-server/tenant.js';
import { REPO, tempDir } from './helpers.js';
import { type M365Harness, startHarness } from './m365-helpers.js';

/** An event as the child prints it: no content, no subjects. */
interface Seen {
  type: 'item' | 'gone' | 'checkpoint' | 'access' | 'settle';
  uri?: string;
  kind?: string;
  version?: string | null;
  mediaType?: string | null;
  fetch?: boolean;
  error?: string | null;
  key?: string;
  value?: string | null;
  folderSynced?: { folder: string; syncStartedAt: string; deep?: boolean } | null;
}

const CHILD = `
const [source, settingsModule] = process.argv.slice(2, 4).map((m) => import(m));
const { m365Source } = await source;
const { resolveM365Settings } = await settingsModule;
const kv = new Map(JSON.parse(process.argv[4]));
const settings = resolveM365Settings({ graphEndpoint: process.env.GRAPH, mailboxes: ['user01@contoso.example'], oneDrive: true, sites: ['site-hr'] });
const reader = {
  getValue: async (key) => kv.get(key),
  entriesWithPrefix: async (prefix) => [...kv].filter(([k]) => k.startsWith(prefix)).sort().map(([key, value]) => ({ key, value })),
  // No store: nothing is known to hold findings, so no sharing is read.
  findingCounts: async () => new Map(),
};
const out = [];
for await (const e of m365Source(settings, { redact: (t) => t, reader, startedAt: new Date().toISOString(), maxAttachmentSize: 10_000_000 })) {
  if (e.type === 'item') {
    const i = e.item;
    out.push({ type: 'item', uri: i.uri, kind: i.kind, version: i.version ?? null, mediaType: i.mediaType ?? null, fetch: typeof i.fetch === 'function', error: i.error?.code ?? null });
  } else if (e.type === 'checkpoint') {
    out.push({ type: 'checkpoint', key: e.key, value: e.value ?? null, folderSynced: e.folderSynced ?? null });
  } else if (e.type === 'settle') {
    // No store: nothing to wait for.
    out.push({ type: 'settle' });
    e.done();
  } else out.push(e.type === 'access' ? { type: 'access', uri: e.uri } : e);
}
process.stdout.write(JSON.stringify(out));
`;

let dir: string;
let cleanup: () => Promise<void>;
let h: M365Harness;
let script: string;

beforeAll(async () => {
  ({ dir, cleanup } = await tempDir('m365-source'));
  h = await startHarness(dir, new Tenant(3, 12), { messagesPageSize: 5 });
  script = join(dir, 'iterate.mjs');
  await writeFile(script, CHILD);
});
afterAll(async () => {
  await h.server.stop();
  await cleanup();
});

/** Iterates the source in a child process with these saved checkpoints; the state folder it is given must stay untouched. */
function iterate(kv: Map<string, string>, stateDir: string): Promise<Seen[]> {
  const modules = ['dist/scanner/sources/m365/source.js', 'dist/scanner/sources/m365/settings.js'].map((m) => pathToFileURL(join(REPO, m)).href);
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, [script, ...modules, JSON.stringify([...kv])], {
      env: { ...process.env, ...h.env(stateDir), GRAPH: h.server.baseUrl },
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (d) => (stdout += d));
    child.stderr.on('data', (d) => (stderr += d));
    child.on('exit', (code) => (code === 0 ? resolve(JSON.parse(stdout) as Seen[]) : reject(new Error(`child exited ${code}: ${stderr}`))));
  });
}

/** What a consumer keeps of the checkpoints: the kv table, nothing else. */
function applyCheckpoints(kv: Map<string, string>, events: Seen[]): void {
  for (const e of events) {
    if (e.type !== 'checkpoint' || !e.key) continue;
    if (e.value === null || e.value === undefined) kv.delete(e.key);
    else kv.set(e.key, e.value);
  }
}

describe('m365Source without a store', () => {
  const box = () => h.tenant.mailbox('user01@contoso.example') as NonNullable<ReturnType<Tenant['mailbox']>>;
  const saved = new Map<string, string>();
  let first: Seen[];

  it('yields messages and drive files as items with their version and a fetch, and downloads nothing itself', async () => {
    h.server.resetStats();
    const state = join(dir, 'state-1');
    first = await iterate(saved, state);
    expect(existsSync(state)).toBe(false);

    const messages = first.filter((e) => e.type === 'item' && e.kind === 'message');
    expect(messages).toHaveLength(box().messages.size);
    for (const m of box().messages.values())
      expect(
        messages.some((e) => e.uri === `m365://user01@contoso.example/messages/${m.id}`),
        m.id,
      ).toBe(true);
    expect(messages.every((e) => e.version?.startsWith('changeKey:') && e.fetch && e.mediaType === 'application/vnd.inzage.graph-message+json')).toBe(true);
    const files = first.filter((e) => e.type === 'item' && e.kind === 'drive-item');
    const expected = h.tenant.drives
      .filter((d) => d.siteId === 'site-hr' || d.ownerUpn === 'user01@contoso.example')
      .flatMap((d) => [...d.items.values()].filter((i) => !i.folder));
    expect(files).toHaveLength(expected.length);
    expect(files.every((e) => e.version?.startsWith('cTag:') && e.fetch && e.error === null)).toBe(true);

    // Nothing was downloaded: no file content, no large attachment, no sharing (no findings are known).
    const s = h.server.stats;
    expect(s.downloads).toBe(0);
    expect(s.valueReads).toBe(0);
    expect(s.permissionReads).toBe(0);
    expect(first.some((e) => e.type === 'access')).toBe(false);
  });

  it('puts each page behind its checkpoint, keeps messages whose attachments are not fetched yet on the retry list, and says a full listing is synced', () => {
    applyCheckpoints(saved, first);
    const retryKey = 'm365:retry:user01@contoso.example';
    // Nobody called the fetches, so every message whose attachments need a call of their own is still listed for the next scan.
    const retry = JSON.parse(saved.get(retryKey) ?? '{}') as Record<string, string>;
    const withAttachments = new Set([...box().messages.values()].filter((m) => m.attachments.length > 0).map((m) => m.id));
    expect(Object.keys(retry).length).toBeGreaterThan(0);
    for (const id of Object.keys(retry)) expect(withAttachments.has(id), id).toBe(true);
    for (const folder of box().folders) {
      const key = `m365:mail:user01@contoso.example:${folder.id}`;
      const marks = first.map((e, i) => (e.type === 'checkpoint' && e.key === key ? i : -1)).filter((i) => i >= 0);
      expect(marks.length, folder.id).toBeGreaterThan(0);
      const final = first[marks[marks.length - 1] as number] as Seen;
      expect(JSON.parse(final.value ?? '{}').delta, folder.id).toBeTruthy();
      // A first round is a full listing: the folder's messages not returned go.
      expect(final.folderSynced?.folder).toMatch(/^mailbox\/user01@contoso\.example\//);
      const messages = [...box().messages.values()].filter((m) => m.folderId === folder.id);
      if (messages.length > 5) expect(marks.length, `${folder.id}: a nextLink checkpoint per page`).toBeGreaterThan(1);
      for (const m of messages) {
        const at = first.findIndex((e) => e.type === 'item' && e.uri === `m365://user01@contoso.example/messages/${m.id}`);
        expect(at, m.id).toBeGreaterThanOrEqual(0);
        // The page's checkpoint comes after the message; a message on the retry list was saved there before it.
        const page = marks.find((i) => i > at) as number;
        expect(page, m.id).toBeGreaterThan(at);
        if (retry[m.id]) {
          const saved = first.slice(at, page).some((e) => e.type === 'checkpoint' && e.key === retryKey && e.value?.includes(`"${m.id}"`));
          expect(saved, m.id).toBe(true);
        }
      }
    }
    // Drive files: a settle after the page's files, so their sharing can be read once they are stored, then the checkpoint.
    const drive = first.map((e, i) => (e.type === 'checkpoint' && e.key === 'm365:drive:d-site-hr' ? i : -1)).filter((i) => i >= 0);
    const last = drive[drive.length - 1] as number;
    expect(first[last]?.folderSynced).toMatchObject({ folder: 'sharepoint/HR/Documents', deep: true });
    const lastFile = first.findLastIndex((e, i) => i < last && e.type === 'item' && e.uri?.startsWith('m365://drives/d-site-hr/'));
    expect(first.slice(lastFile, last).some((e) => e.type === 'settle')).toBe(true);
  });

  it('from the saved checkpoints: only what changed, and gone for what Graph reports removed', async () => {
    const retry = JSON.parse(saved.get('m365:retry:user01@contoso.example') ?? '{}') as Record<string, string>;
    const victim = [...box().messages.values()].find((m) => !retry[m.id]);
    if (!victim) throw new Error('fixture changed');
    h.tenant.deleteMessage(box(), victim.id);
    h.server.resetStats();
    const state = join(dir, 'state-2');
    const second = await iterate(saved, state);
    expect(existsSync(state)).toBe(false);
    // The delta rounds return nothing new; only the messages on the retry list are asked for again.
    const again = second.filter((e) => e.type === 'item' && e.kind === 'message').map((e) => e.uri);
    expect(again.sort()).toEqual(
      Object.keys(retry)
        .map((id) => `m365://user01@contoso.example/messages/${id}`)
        .sort(),
    );
    expect(second.filter((e) => e.type === 'gone' && e.uri?.includes('/messages/')).map((e) => ({ type: e.type, uri: e.uri }))).toEqual([
      { type: 'gone', uri: `m365://user01@contoso.example/messages/${victim.id}` },
    ]);
    // A delta round is not a full listing: nothing is swept.
    expect(second.filter((e) => e.type === 'checkpoint' && e.key?.startsWith('m365:mail:') && e.folderSynced)).toEqual([]);
    expect(h.server.stats.initialDeltas.size).toBe(0);
    expect(h.server.stats.downloads).toBe(0);
  });
});
