/** `inzage scan --m365` scoping and errors, against a small tenant on the local Graph test server. */
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { Tenant } from './graph-server/tenant.js';
import { readReport, runCli, tempDir } from './helpers.js';
import { CLIENT_SECRET, type M365Harness, runM365, scanArgs, startHarness } from './m365-helpers.js';

let dir: string;
let cleanup: () => Promise<void>;
let h: M365Harness;

beforeAll(async () => {
  ({ dir, cleanup } = await tempDir('m365-cli'));
  h = await startHarness(dir, new Tenant(6, 12));
});
afterAll(async () => {
  await h.server.stop();
  await cleanup();
});

const mailboxesIn = (paths: string[]) => [...new Set(paths.map((p) => p.split('/')[1]))].sort();

describe('inzage scan --m365 scope', () => {
  it('scans only the mailboxes named with --mailbox, and lists one that does not exist as an error', async () => {
    const out = join(dir, 'named');
    const run = await runM365(h, out, join(dir, 's-named'), [
      '--mailbox',
      'user01@contoso.example',
      '--mailbox',
      'USER04@contoso.example',
      '--mailbox',
      'nobody@contoso.example',
    ]);
    expect(run.code, run.stderr).toBe(0);
    const report = await readReport(out);
    expect(mailboxesIn(report.items.map((i) => i.path))).toEqual(['nobody@contoso.example', 'user01@contoso.example', 'user04@contoso.example']);
    const missing = report.items.filter((i) => i.path === 'mailbox/nobody@contoso.example');
    expect(missing).toHaveLength(1);
    expect(missing[0]?.error?.code).toBe('not-found');
    expect(report.items.filter((i) => i.kind === 'message')).toHaveLength(24);
  });

  it('scans the user members of a --group, following the members pages', async () => {
    const out = join(dir, 'group');
    const run = await runM365(h, out, join(dir, 's-group'), ['--group', 'g-finance']);
    expect(run.code, run.stderr).toBe(0);
    const report = await readReport(out);
    expect(mailboxesIn(report.items.map((i) => i.path))).toEqual(['user00@contoso.example', 'user05@contoso.example']);
  });

  it('skips mail folders matched by --exclude-folder (with their subfolders) and keeps the others', async () => {
    const out = join(dir, 'folders');
    const run = await runM365(h, out, join(dir, 's-folders'), [
      '--mailbox',
      'user02@contoso.example',
      '--exclude-folder',
      'Inbox/Clients/**',
      '--exclude-folder',
      'Sent Items',
    ]);
    expect(run.code, run.stderr).toBe(0);
    const folders = new Set((await readReport(out)).items.map((i) => i.path.split('/').slice(2, -1).join('/')));
    // A folder glob ending in /** covers the folder itself and everything below it.
    expect([...folders].sort()).toEqual(['Archive', 'Inbox']);
  });
});

describe('inzage scan --m365 errors', () => {
  it('exits 2 naming the variables to set when credentials are missing', async () => {
    const run = await runCli(['scan', '--m365', '--out', join(dir, 'none')], {
      env: { AZURE_TENANT_ID: '', AZURE_CLIENT_ID: '', AZURE_CLIENT_SECRET: '', AZURE_CLIENT_CERTIFICATE_PATH: '', INZAGE_STATE_DIR: join(dir, 's-none') },
    });
    expect(run.code).toBe(2);
    expect(run.stderr).toMatch(/AZURE_TENANT_ID, AZURE_CLIENT_ID, AZURE_CLIENT_SECRET or AZURE_CLIENT_CERTIFICATE_PATH/);
  });

  it('exits 2 on a wrong secret without printing it', async () => {
    const wrong = `${CLIENT_SECRET}-wrong`;
    const run = await runCli(scanArgs(h, join(dir, 'wrong')), { env: { ...h.env(join(dir, 's-wrong')), AZURE_CLIENT_SECRET: wrong } });
    expect(run.code).toBe(2);
    expect(run.stderr).toMatch(/inzage: Microsoft 365: signing in to Entra ID failed/);
    expect(run.stderr).not.toContain(wrong);
    expect(run.stderr).not.toContain(CLIENT_SECRET);
  });

  it('says what to scan when given neither paths nor --m365', async () => {
    const run = await runCli(['scan']);
    expect(run.code).toBe(2);
    expect(run.stderr).toMatch(/--m365/);
  });
});
