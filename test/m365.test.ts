/**
 * Microsoft 365 end to end: the built CLI signs in with @azure/identity at the local Graph test
 * server's token endpoint and scans a tenant of 20 mailboxes and 5,000 messages through the real
 * Graph client. The server throttles (429, 503 with Retry-After) and checks that no mailbox sees
 * more than 4 requests at once. Then: a rescan fetches only the changes, an expired delta token
 * restarts its folder, and a scan killed in the middle resumes without losing or doubling anything.
 */
import { readdir, readFile } from 'node:fs/promises';
import { join } from 'node:path';
import Database from 'better-sqlite3';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Report } from '../scanner/model.js';
import { PER_MAILBOX_LIMIT } from './graph-server/server.js';
import { SAMPLE_BSN, SAMPLE_IBAN, Tenant } from './graph-server/tenant.js';
import { findingKey, readReport, tempDir } from './helpers.js';
import { CLIENT_SECRET, killDuring, type M365Harness, runM365, startHarness } from './m365-helpers.js';

const MAILBOXES = 20;
const PER_MAILBOX = 250;

let dir: string;
let cleanup: () => Promise<void>;
let h: M365Harness;

beforeAll(async () => {
  ({ dir, cleanup } = await tempDir('m365'));
  h = await startHarness(dir, new Tenant(MAILBOXES, PER_MAILBOX), { throttleEvery: 97, unavailableEvery: 293, latencyMs: 3, messagesPageSize: 20 });
});
afterAll(async () => {
  await h.server.stop();
  await cleanup();
});

const messages = (r: Report) => r.items.filter((i) => i.kind === 'message');
const attachments = (r: Report) => r.items.filter((i) => i.kind === 'attachment');
const inventory = (r: Report) =>
  r.items.map((i) => `${i.uri}|${i.path}|${i.entry ?? ''}|${i.error?.code ?? ''}|${i.findings.map((f) => `${findingKey(f)}:${f.hash}`).join(',')}`).sort();

/** Mail folders whose delta round the state holds as finished (a delta link, no next page). */
function storedRounds(stateDir: string): Set<string> {
  const db = new Database(join(stateDir, 'state.db'), { readonly: true, fileMustExist: true });
  try {
    const rows = db.prepare("SELECT key, value FROM kv WHERE key LIKE 'm365:mail:%'").all() as { key: string; value: string }[];
    const done = new Set<string>();
    for (const r of rows) {
      const checkpoint = JSON.parse(r.value) as { delta?: string; next?: string };
      if (checkpoint.delta && !checkpoint.next) done.add(r.key.slice(r.key.lastIndexOf(':') + 1));
    }
    return done;
  } finally {
    db.close();
  }
}

async function filesUnder(folder: string): Promise<string[]> {
  const out: string[] = [];
  for (const e of await readdir(folder, { withFileTypes: true, recursive: true })) if (e.isFile()) out.push(join(e.parentPath, e.name));
  return out;
}

describe('inzage scan --m365 against a 20-mailbox tenant', () => {
  const state = () => join(dir, 'state');
  let afterChanges: Report;

  it('reads every message and attachment through paged delta, throttled, at most 4 requests per mailbox', async () => {
    const started = Date.now();
    const run = await runM365(h, join(dir, 'out1'), state());
    const seconds = (Date.now() - started) / 1000;
    expect(run.code, run.stderr).toBe(0);
    const report = await readReport(join(dir, 'out1'));
    const s = h.server.stats;

    expect(h.tenant.totalMessages()).toBeGreaterThanOrEqual(5000);
    expect(messages(report)).toHaveLength(h.tenant.totalMessages());
    expect(attachments(report)).toHaveLength(h.tenant.totalAttachments());
    expect(new Set(report.items.map((i) => i.uri)).size).toBe(report.items.length);
    expect(report.items.filter((i) => i.error)).toEqual([]);
    // Each message served once, pages followed by nextLink, only selected fields asked for.
    expect(s.messagesServed).toBe(h.tenant.totalMessages());
    expect(s.nextLinksFollowed).toBeGreaterThan(MAILBOXES * 5 * 2);
    expect(s.roundsFinished.size).toBe(MAILBOXES * 5);
    expect(s.preferredPageSize).toBeGreaterThan(0);
    expect(s.unselected).toBe(0);
    expect(s.unauthorized).toBe(0);
    expect(s.tokens).toBeGreaterThanOrEqual(1);
    // Graph's limit per mailbox held while requests did overlap; throttling was honoured, not hammered.
    expect(s.overLimit).toBe(0);
    expect(s.maxPerMailbox).toBeLessThanOrEqual(PER_MAILBOX_LIMIT);
    expect(s.maxPerMailbox).toBeGreaterThan(1);
    expect(s.throttled).toBeGreaterThan(0);
    expect(s.unavailable).toBeGreaterThan(0);
    expect(s.earlyRetries).toBe(0);
    // Attachment lists of a page came in $batch round trips (one mailbox slot each, as the limit held).
    expect(s.batches).toBeGreaterThan(0);
    expect(s.batchedRequests).toBeGreaterThan(s.batches);
    // Large attachments came from /$value, one read each.
    const large = h.tenant.mailboxes.reduce((n, m) => n + [...m.messages.values()].filter((x) => x.attachments.some((a) => a.name === 'export.txt')).length, 0);
    expect(s.valueReads).toBe(large);
    process.stdout.write(
      `m365 first scan: ${h.tenant.totalMessages()} messages in ${seconds.toFixed(1)} s (${Math.round(h.tenant.totalMessages() / seconds)} messages/s), ${s.requests} Graph round trips, ${s.batches} of them $batch carrying ${s.batchedRequests} requests\n`,
    );

    const m = messages(report).find((i) => i.uri === 'm365://user03@contoso.example/messages/u-3-m40');
    expect(m?.path).toBe('mailbox/user03@contoso.example/Inbox/2024-01-02T16:00:00Z Vraag van j***@example.nl');
    expect(m?.findings.map((f) => `${f.type}@${f.where.part}`).sort()).toEqual(['email@header', 'email@header', 'email@subject', 'iban@body']);
    expect(m?.access?.owner).toBe('user03@contoso.example');
    expect(m?.access?.notes?.join(' ')).toMatch(/Get-MailboxPermission/);
    // Nested folders keep their path.
    expect(report.items.some((i) => i.path.startsWith('mailbox/user00@contoso.example/Inbox/Clients/2023/'))).toBe(true);
    // Attachments of each kind went through the extractors.
    const byEntry = (entry: string) => attachments(report).filter((i) => i.entry === entry);
    expect(byEntry('klanten.csv').every((i) => i.findings.some((f) => f.type === 'iban'))).toBe(true);
    expect(byEntry('export.txt').every((i) => i.findings.some((f) => f.type === 'nl-bsn'))).toBe(true);
    expect(byEntry('Doorgestuurd bericht').every((i) => i.findings.some((f) => f.type === 'nl-bsn' && f.where.part === 'body'))).toBe(true);
    expect(byEntry('Dossier.docx').length).toBeGreaterThan(0);
    expect(byEntry('Dossier.docx').every((i) => i.error === null)).toBe(true);

    // No raw value in paths, no secret anywhere we write.
    expect(report.items.filter((i) => /jan\.jansen|NL91ABNA|123456782/.test(i.path))).toEqual([]);
    const written = [...(await filesUnder(join(dir, 'out1'))), ...(await filesUnder(state()))];
    for (const file of written) {
      const text = (await readFile(file)).toString('latin1');
      expect(text.includes(CLIENT_SECRET), file).toBe(false);
      expect(text.includes(SAMPLE_IBAN), file).toBe(false);
      expect(text.includes(SAMPLE_BSN), file).toBe(false);
    }
    expect(`${run.stdout}${run.stderr}`).not.toContain(CLIENT_SECRET);
  });

  it('rescans only what changed, and drops the findings of deleted messages', async () => {
    const before = await readReport(join(dir, 'out1'));
    const t = h.tenant;
    const box = t.mailboxes[7] as (typeof t.mailboxes)[number];
    const added = [
      t.addMessage(box, `${box.id}-inbox`, 1000),
      t.addMessage(box, `${box.id}-y2023`, 1010),
      t.addMessage(t.mailboxes[12] as typeof box, 'u-12-sent', 1004),
    ];
    const changed = box.messages.get(`${box.id}-m1`);
    if (!changed) throw new Error('fixture changed');
    t.updateMessage(changed, { bodyHtml: `<p>Nieuw rekeningnummer ${SAMPLE_IBAN}</p>` });
    const deleted = [`${box.id}-m3`, `${box.id}-m8`, `${box.id}-m11`];
    for (const id of deleted) t.deleteMessage(box, id);
    h.server.resetStats();

    const run = await runM365(h, join(dir, 'out2'), state());
    expect(run.code, run.stderr).toBe(0);
    afterChanges = await readReport(join(dir, 'out2'));
    const s = h.server.stats;
    expect(s.messagesServed).toBe(added.length + 1);
    expect(s.removedServed).toBe(deleted.length);
    expect(s.initialDeltas.size).toBe(0);
    expect(messages(afterChanges)).toHaveLength(t.totalMessages());
    expect(attachments(afterChanges)).toHaveLength(t.totalAttachments());
    const uris = new Set(afterChanges.items.map((i) => i.uri.split('#')[0]));
    for (const id of deleted) expect(uris.has(`m365://${box.upn}/messages/${id}`)).toBe(false);
    for (const m of added) expect(uris.has(`m365://${m.to[0]}/messages/${m.id}`)).toBe(true);
    // m3 carried an attachment with an IBAN; m1 gained one: both show in the changes.
    expect(afterChanges.changes.resolved).toBeGreaterThan(0);
    expect(afterChanges.changes.new).toBeGreaterThan(0);
    const iban = afterChanges.items.find((i) => i.uri === `m365://${box.upn}/messages/${box.id}-m1`);
    expect(iban?.findings.some((f) => f.type === 'iban' && f.change === 'new')).toBe(true);
    // Everything else was reused from the state, not fetched.
    expect(afterChanges.stats.read).toBe(added.length + 1);
    expect(before.items.length - afterChanges.items.length).toBeGreaterThan(0);
  });

  it('restarts a folder whose delta token expired (410) and drops what the full round no longer returns', async () => {
    const box = h.tenant.mailboxes[4] as (typeof h.tenant.mailboxes)[number];
    const folder = `${box.id}-archive`;
    // Lost with the sync state: a message that disappears without a removal record.
    const lost = [...box.messages.values()].find((m) => m.folderId === folder);
    if (!lost) throw new Error('fixture changed');
    box.messages.delete(lost.id);
    h.server.expireDeltaOf.add(folder);
    h.server.resetStats();

    const run = await runM365(h, join(dir, 'out3'), state());
    expect(run.code, run.stderr).toBe(0);
    const report = await readReport(join(dir, 'out3'));
    const s = h.server.stats;
    expect(s.gone).toBe(1);
    expect([...s.initialDeltas.keys()]).toEqual([folder]);
    expect(s.messagesServed).toBe([...box.messages.values()].filter((m) => m.folderId === folder).length);
    expect(report.items.some((i) => i.uri === `m365://${box.upn}/messages/${lost.id}`)).toBe(false);
    expect(messages(report)).toHaveLength(h.tenant.totalMessages());
    expect(inventory(report).filter((line) => !line.includes(lost.id))).toEqual(inventory(afterChanges).filter((line) => !line.includes(lost.id)));
  });

  it('resumes a scan killed in the middle: nothing lost, nothing doubled, no finished folder read again', async () => {
    const truth = inventory(await readReport(join(dir, 'out3')));
    const fresh = join(dir, 'state-killed');
    h.server.resetStats();
    const total = h.tenant.totalMessages();
    expect(await killDuring(h, join(dir, 'out-killed'), fresh, Math.floor(total / 2))).toBe('SIGKILL');
    const servedBeforeKill = h.server.stats.messagesServed;
    expect(servedBeforeKill).toBeLessThan(total);
    // Finished before the kill means finished in the state: the folder's round ended with its delta
    // link stored. The source reads pages ahead of the store, so a folder Graph served to the end may
    // have nothing stored yet; that one begins again, which is allowed.
    const finishedBeforeKill = storedRounds(fresh);
    const folders = h.tenant.mailboxes.reduce((n, m) => n + m.folders.length, 0);
    expect(finishedBeforeKill.size).toBeGreaterThan(0);
    expect(finishedBeforeKill.size).toBeLessThan(folders);
    for (const f of finishedBeforeKill) expect(h.server.stats.roundsFinished.has(f), f).toBe(true);

    const run = await runM365(h, join(dir, 'out4'), fresh);
    expect(run.code, run.stderr).toBe(0);
    const report = await readReport(join(dir, 'out4'));
    expect(inventory(report)).toEqual(truth);
    const s = h.server.stats;
    // Folders finished before the kill were not read again; the others went on from their nextLink
    // (or began again, if the kill came before their first page was stored).
    expect(s.initialDeltas.size).toBe(folders);
    for (const f of finishedBeforeKill) expect(s.initialDeltas.get(f), f).toBe(1);
    const restarted = [...s.initialDeltas.values()].filter((n) => n > 1).length;
    expect(restarted).toBeLessThan(folders - finishedBeforeKill.size);
    // At most the pages in flight at the kill were served twice.
    expect(s.messagesServed).toBeLessThan(total + 1000);
    expect(s.messagesServed).toBeGreaterThanOrEqual(total);
  });
});
