/** `inzage scan --m365` scoping and errors, against a small tenant on the local Graph test server. */
import { writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { generate } from 'selfsigned';
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

describe('inzage scan --m365 folders that leave the scope', () => {
  it('drops the messages of a folder newly excluded, and of a folder deleted in the mailbox', async () => {
    const state = join(dir, 's-leave');
    const args = ['--mailbox', 'user04@contoso.example'];
    const folders = async (out: string) => new Set((await readReport(out)).items.map((i) => i.path.split('/').slice(2, -1).join('/')));
    expect(await runM365(h, join(dir, 'leave1'), state, args).then((r) => r.code)).toBe(0);
    expect([...(await folders(join(dir, 'leave1')))].sort()).toEqual(['Archive', 'Inbox', 'Inbox/Clients', 'Inbox/Clients/2023', 'Sent Items']);

    const run = await runM365(h, join(dir, 'leave2'), state, [...args, '--exclude-folder', 'Inbox/Clients/**']);
    expect(run.code, run.stderr).toBe(0);
    expect([...(await folders(join(dir, 'leave2')))].sort()).toEqual(['Archive', 'Inbox', 'Sent Items']);
    expect((await readReport(join(dir, 'leave2'))).changes.resolved).toBeGreaterThan(0);

    const box = h.tenant.mailbox('user04@contoso.example');
    if (!box) throw new Error('fixture changed');
    box.folders = box.folders.filter((f) => f.displayName !== 'Sent Items');
    const again = await runM365(h, join(dir, 'leave3'), state, args);
    expect(again.code, again.stderr).toBe(0);
    const report = await readReport(join(dir, 'leave3'));
    expect([...(await folders(join(dir, 'leave3')))].sort()).toEqual(['Archive', 'Inbox', 'Inbox/Clients', 'Inbox/Clients/2023']);
    expect(new Set(report.items.map((i) => i.uri)).size).toBe(report.items.length);
  });
});

describe('inzage scan --m365 $batch', () => {
  it('reads attachment lists in a $batch, and one throttled inside it on its own after its Retry-After', async () => {
    const box = h.tenant.mailbox('user02@contoso.example');
    if (!box) throw new Error('fixture changed');
    const extra = [103, 128, 153].map((n) => h.tenant.addMessage(box, `${box.id}-archive`, n));
    h.server.throttleInBatchOnce.add(extra[1]?.id as string);
    h.server.resetStats();
    const out = join(dir, 'batch');
    const run = await runM365(h, out, join(dir, 's-batch'), ['--mailbox', 'user02@contoso.example', '--include-folder', 'Archive']);
    expect(run.code, run.stderr).toBe(0);
    const s = h.server.stats;
    expect(s.batches).toBe(1);
    expect(s.batchedRequests).toBe(3);
    expect(s.throttledInBatch).toBe(1);
    expect(s.earlyRetries).toBe(0);
    const report = await readReport(out);
    for (const m of extra) {
      const csv = report.items.find((i) => i.uri === `m365://user02@contoso.example/messages/${m.id}#klanten.csv`);
      expect(
        csv?.findings.some((f) => f.type === 'iban'),
        m.id,
      ).toBe(true);
    }
  });
});

describe('inzage scan --m365 limits', () => {
  it('lists an attachment above --max-file-size as too-large without fetching it, and scans the rest of its message', async () => {
    h.server.resetStats();
    const out = join(dir, 'limit');
    const run = await runM365(h, out, join(dir, 's-limit'), ['--mailbox', 'user00@contoso.example', '--max-file-size', '100000']);
    expect(run.code, run.stderr).toBe(0);
    const report = await readReport(out);
    const big = report.items.filter((i) => i.entry === 'export.txt');
    expect(big).toHaveLength(1);
    expect(big[0]?.error?.code).toBe('too-large');
    expect(h.server.stats.valueReads).toBe(0);
    const parent = report.items.find((i) => i.uri === big[0]?.uri.split('#')[0]);
    expect(parent?.kind).toBe('message');
    expect(parent?.findings.length).toBeGreaterThan(0);
  });
});

describe('inzage scan --m365 --phone-region', () => {
  it('masks a number of the given region in a mail subject, which becomes the item path, as the workers find it', async () => {
    const mailbox = h.tenant.mailbox('user03@contoso.example');
    const message = [...(mailbox?.messages.values() ?? [])][1];
    if (!message) throw new Error('the test tenant has no second message for user03');
    h.tenant.updateMessage(message, { subject: 'Terugbellen 02 555 12 34' });
    const scanWith = async (name: string, extra: string[]) => {
      const out = join(dir, name);
      const run = await runM365(h, out, join(dir, `s-${name}`), ['--mailbox', 'user03@contoso.example', ...extra]);
      expect(run.code, run.stderr).toBe(0);
      return (await readReport(out)).items.find((i) => i.uri === `m365://user03@contoso.example/messages/${message.id}`);
    };
    // In a Dutch scan an unlabelled Belgian-shaped number is no phone number: not found, not masked.
    const nl = await scanWith('region-nl', []);
    expect(nl?.findings.filter((f) => f.type === 'phone')).toEqual([]);
    expect(nl?.path).toContain('Terugbellen 02 555 12 34');
    // In a Belgian scan it is one: found in the subject by the workers, and masked in the path by the source.
    const be = await scanWith('region-be', ['--phone-region', 'BE']);
    expect(be?.findings.filter((f) => f.type === 'phone').map((f) => f.where.part)).toEqual(['subject']);
    expect(be?.path).not.toContain('555 12 34');
    expect(be?.path).toMatch(/Terugbellen \+32 \*+34/);
  });
});

describe('inzage scan --m365 failures of single messages', () => {
  it('scans a message whose attachments fail, lists them unread, and reads them on the next scan', async () => {
    const args = ['--mailbox', 'user03@contoso.example'];
    const uri = 'm365://user03@contoso.example/messages/u-3-m3';
    h.server.failAttachmentsOf.add('u-3-m3');
    const first = await runM365(h, join(dir, 'fail1'), join(dir, 's-fail'), args);
    expect(first.code, first.stderr).toBe(0);
    const before = await readReport(join(dir, 'fail1'));
    expect(before.items.find((i) => i.uri === uri)?.findings.length).toBeGreaterThan(0);
    const unread = before.items.filter((i) => i.uri.startsWith(`${uri}#`));
    expect(unread.map((i) => [i.entry, i.error?.code])).toEqual([['(attachments)', 'io-error']]);

    h.server.failAttachmentsOf.clear();
    h.server.resetStats();
    const second = await runM365(h, join(dir, 'fail2'), join(dir, 's-fail'), args);
    expect(second.code, second.stderr).toBe(0);
    const after = await readReport(join(dir, 'fail2'));
    const children = after.items.filter((i) => i.uri.startsWith(`${uri}#`));
    expect(children.map((i) => i.entry)).toEqual(['klanten.csv']);
    expect(children[0]?.findings.some((f) => f.type === 'iban')).toBe(true);
    // Only that message was asked for again; the folders' delta rounds returned nothing new.
    expect(h.server.stats.messagesServed).toBe(1);

    h.server.resetStats();
    const third = await runM365(h, join(dir, 'fail3'), join(dir, 's-fail'), args);
    expect(third.code, third.stderr).toBe(0);
    expect(h.server.stats.messagesServed).toBe(0);
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

  it('signs in with a certificate (AZURE_CLIENT_CERTIFICATE_PATH) instead of a secret', async () => {
    const pems = await generate([{ name: 'commonName', value: 'inzage-test-app' }], { keyType: 'rsa', keySize: 2048, algorithm: 'sha256' });
    const pemFile = join(dir, 'app.pem');
    await writeFile(pemFile, `${pems.cert}\n${pems.private}`, { mode: 0o600 });
    h.server.clientCertificate = pems.cert;
    h.server.resetStats();
    const out = join(dir, 'cert');
    const run = await runCli([...scanArgs(h, out), '--mailbox', 'user05@contoso.example'], {
      env: { ...h.env(join(dir, 's-cert')), AZURE_CLIENT_SECRET: '', AZURE_CLIENT_CERTIFICATE_PATH: pemFile },
    });
    expect(run.code, run.stderr).toBe(0);
    expect(h.server.stats.certificateTokens).toBe(1);
    expect((await readReport(out)).items.filter((i) => i.kind === 'message')).toHaveLength(12);
    expect(`${run.stdout}${run.stderr}`).not.toContain('PRIVATE KEY');
  });

  it('signs a person in with a device code (--device-login), asks once, and scans only their own mailbox', async () => {
    h.server.resetStats();
    const out = join(dir, 'device');
    const run = await runCli([...scanArgs(h, out), '--device-login'], { env: { ...h.env(join(dir, 's-device')), AZURE_CLIENT_SECRET: '' } });
    expect(run.code, run.stderr).toBe(0);
    expect(run.stderr).toContain('enter the code TESTCODE1');
    expect(h.server.stats.deviceCodes).toBe(1);
    expect(h.server.stats.deviceTokens).toBe(1);
    const report = await readReport(out);
    expect(mailboxesIn(report.items.map((i) => i.path))).toEqual(['user01@contoso.example']);
    expect(report.items.filter((i) => i.kind === 'message')).toHaveLength(12);
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

describe('inzage scan --m365 --onedrive --site', () => {
  const args = ['--no-mail', '--onedrive', '--site', 'all', '--mailbox', 'user01@contoso.example', '--mailbox', 'user02@contoso.example'];
  const driveFiles = () =>
    h.tenant.drives.filter((d) => d.siteId === 'site-hr' || d.ownerUpn === 'user01@contoso.example' || d.ownerUpn === 'user02@contoso.example');

  it('reads OneDrive and SharePoint files through driveItem delta, and the sharing of files with findings', async () => {
    h.server.resetStats();
    const out = join(dir, 'drives');
    const run = await runM365(h, out, join(dir, 's-drives'), args);
    expect(run.code, run.stderr).toBe(0);
    const report = await readReport(out);
    const files = driveFiles().flatMap((d) => [...d.items.values()].filter((i) => !i.folder));
    expect(report.items.filter((i) => i.kind === 'drive-item')).toHaveLength(files.length);
    expect(report.items.some((i) => i.kind === 'message')).toBe(false);
    expect(h.server.stats.downloads).toBe(files.length);

    const item = (path: string) => report.items.find((i) => i.path === path);
    const anonymous = item('onedrive/user01@contoso.example/Projecten/Personeel/notitie-0.txt');
    expect(anonymous?.findings.map((f) => f.type).sort()).toEqual(['iban', 'nl-bsn']);
    expect(anonymous?.access?.broad).toBe(true);
    expect(anonymous?.access?.reasons).toEqual(['anonymous sharing link']);
    expect(anonymous?.risk.reasons.join(' ')).toMatch(/broad access/);
    expect(item('sharepoint/HR/Documents/Projecten/Personeel/notitie-6.txt')?.findings.length).toBeGreaterThan(0);
    const organization = item('sharepoint/HR/Documents/notitie-3.txt');
    expect(organization?.access?.reasons).toEqual(['organization-wide sharing link']);
    const specific = item('sharepoint/HR/Documents/notitie-9.txt');
    expect(specific?.findings.length).toBeGreaterThan(0);
    expect(specific?.access?.broad).toBe(false);
    expect(specific?.access?.entries.map((e) => e.principal)).toContain('partner@example.org');
    // Permissions were read only for files holding personal data.
    const withFindings = report.items.filter((i) => i.kind === 'drive-item' && i.findings.length > 0).length;
    expect(withFindings).toBeGreaterThan(0);
    expect(h.server.stats.permissionReads).toBe(withFindings);
  });

  it('rescans only changed files and drops deleted ones', async () => {
    const hr = h.tenant.drives.find((d) => d.siteId === 'site-hr');
    if (!hr) throw new Error('fixture changed');
    const files = [...hr.items.values()].filter((i) => !i.folder);
    const gone = files.find((i) => i.name === 'notitie-6.txt');
    const changed = files.find((i) => i.name === 'notitie-1.txt');
    if (!gone || !changed) throw new Error('fixture changed');
    h.tenant.deleteDriveItem(hr, gone.id);
    h.tenant.updateDriveItem(changed, Buffer.from('Nieuw: BSN 123456782\n'));
    h.server.resetStats();

    const out = join(dir, 'drives2');
    const run = await runM365(h, out, join(dir, 's-drives'), args);
    expect(run.code, run.stderr).toBe(0);
    const report = await readReport(out);
    expect(h.server.stats.downloads).toBe(1);
    expect(report.items.some((i) => i.path === 'sharepoint/HR/Documents/Projecten/Personeel/notitie-6.txt')).toBe(false);
    expect(report.items.find((i) => i.path === 'sharepoint/HR/Documents/notitie-1.txt')?.findings.map((f) => f.type)).toEqual(['nl-bsn']);
    expect(report.items.filter((i) => i.kind === 'drive-item')).toHaveLength(
      driveFiles().flatMap((d) => [...d.items.values()].filter((i) => !i.folder)).length,
    );
    expect(report.changes.resolved).toBeGreaterThan(0);

    // inzage report renders the same items from the state, without Graph.
    const again = await runCli(['report', '--out', join(dir, 'drives3'), '--state-dir', join(dir, 's-drives')]);
    expect(again.code, again.stderr).toBe(0);
    const rendered = await readReport(join(dir, 'drives3'));
    expect(rendered.items.map((i) => [i.uri, i.findings.length, i.access?.broad])).toEqual(
      report.items.map((i) => [i.uri, i.findings.length, i.access?.broad]),
    );
  });
});
