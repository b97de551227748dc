/**
 * Microsoft 365 parts that fail, and access that must not be overstated as safe. A listing that
 * fails (the tenant's sites, the users, one site's libraries) is one item with the error Graph gave;
 * the scan goes on, the report is written, exit 0. SharePoint grants to "Everyone" and "Everyone
 * except external users", under their claims and their English and Dutch names, on a site, a library
 * or an item, are broad access; where the permissions were not read the report says `unknown`.
 */
import { readdir, readFile, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { Ajv } from 'ajv';
import addFormats from 'ajv-formats';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Report, ReportItem } from '../scanner/model.js';
import { type Grant, SAMPLE_BSN, Tenant } from './graph-server/tenant.js';
import { REPO, readReport, runCli, tempDir } from './helpers.js';
import { CLIENT_ID, CLIENT_SECRET, type M365Harness, runM365, startHarness, TENANT_ID } from './m365-helpers.js';

let dir: string;
let cleanup: () => Promise<void>;
let h: M365Harness;

const everyoneExceptExternal: Grant = {
  kind: 'siteUser',
  displayName: 'Iedereen behalve externe gebruikers',
  loginName: `c:0-.f|rolemanager|spo-grid-all-users/${TENANT_ID}`,
};

beforeAll(async () => {
  ({ dir, cleanup } = await tempDir('m365-partial'));
  const tenant = new Tenant(3, 6);
  // Shared with the whole tenant on the site (Dutch site: Dutch name, and the claim).
  tenant.addSite('site-intranet', 'Intranet', 12, { site: [everyoneExceptExternal] });
  // On the library, by its English name only.
  tenant.addSite('site-projects', 'Projects', 12, { library: [{ kind: 'siteGroup', displayName: 'Everyone except external users' }] });
  // On single items: "Everyone" by its claim only, and by its Dutch name only.
  const team = tenant.addSite('site-team', 'Team', 0);
  const phoneList = Buffer.from(`Telefoonlijst\nJan de Vries BSN ${SAMPLE_BSN}\n`);
  tenant.addDriveItem(team, {
    name: 'claim.txt',
    parentPath: '',
    folder: false,
    bytes: phoneList,
    grants: [{ kind: 'siteUser', displayName: 'All', loginName: 'c:0(.s|true' }],
  });
  tenant.addDriveItem(team, { name: 'naam.txt', parentPath: '', folder: false, bytes: phoneList, grants: [{ kind: 'group', displayName: 'Iedereen' }] });
  tenant.addDriveItem(team, {
    name: 'niemand.txt',
    parentPath: '',
    folder: false,
    bytes: phoneList,
    grants: [{ kind: 'siteUser', displayName: 'Iedereen in HR', loginName: 'c:0t.c|tenant|hr' }],
  });
  h = await startHarness(dir, tenant);
});
afterAll(async () => {
  await h.server.stop();
  await cleanup();
});

const byPath = (r: Report, path: string) => r.items.find((i) => i.path === path) as ReportItem;

async function validate(report: Report): Promise<void> {
  const ajv = new Ajv({ allErrors: true, strict: false });
  addFormats.default(ajv);
  const schema = JSON.parse(await readFile(join(REPO, 'reporters/report.schema.json'), 'utf8'));
  const ok = ajv.validate(schema, report);
  expect(ajv.errors ?? [], 'report.schema.json').toEqual([]);
  expect(ok).toBe(true);
}

describe('inzage scan --m365: a listing that fails is one item, the scan goes on', () => {
  it('--site all on a tenant whose /sites/getAllSites answers 404: mail and OneDrive still read, exit 0, the error says what was called', async () => {
    h.server.failPath.set('/sites/getAllSites', { status: 404, code: 'itemNotFound' });
    try {
      const out = join(dir, 'all-sites');
      const run = await runM365(h, out, join(dir, 's-all-sites'), ['--onedrive', '--site', 'all']);
      expect(run.code, run.stderr).toBe(0);
      const report = await readReport(out);
      await validate(report);
      expect(report.items.filter((i) => i.kind === 'message')).toHaveLength(h.tenant.totalMessages());
      expect(report.items.some((i) => i.path.startsWith('onedrive/user02@contoso.example/'))).toBe(true);
      const sites = report.items.filter((i) => i.path === 'sharepoint');
      expect(sites).toHaveLength(1);
      expect(sites[0]?.error).toEqual({ code: 'not-found', message: 'Graph answered 404 itemNotFound to GET /sites/getAllSites' });
      expect(report.stats.errors).toBe(1);
      expect(`${run.stderr}${JSON.stringify(report)}`).not.toMatch(/may not exist|licence/);
    } finally {
      h.server.failPath.clear();
    }
  });

  it('the users cannot be listed (403): one item says so, the sites are still read', async () => {
    h.server.failPath.set('/users', { status: 403, code: 'Authorization_RequestDenied' });
    h.server.failPath.set('/sites/site-projects/drives', { status: 403, code: 'accessDenied' });
    try {
      const out = join(dir, 'no-users');
      const run = await runM365(h, out, join(dir, 's-no-users'), ['--site', 'site-projects', '--site', 'site-intranet']);
      expect(run.code, run.stderr).toBe(0);
      const report = await readReport(out);
      const users = byPath(report, 'mailbox');
      expect(users.error?.code).toBe('permission-denied');
      expect(users.error?.message).toMatch(/^Graph answered 403 Authorization_RequestDenied to GET \/users: /);
      expect(byPath(report, 'sharepoint/Projects').error?.message).toMatch(/^Graph answered 403 accessDenied to GET \/sites\/site-projects\/drives/);
      expect(report.items.filter((i) => i.path.startsWith('sharepoint/Intranet/Documents/'))).toHaveLength(12);
      expect(report.items.some((i) => i.kind === 'message')).toBe(false);
    } finally {
      h.server.failPath.clear();
    }
    // Listed again on the next scan: the failure items are gone.
    const again = join(dir, 'no-users-2');
    const run = await runM365(h, again, join(dir, 's-no-users'), ['--site', 'site-projects', '--site', 'site-intranet']);
    expect(run.code, run.stderr).toBe(0);
    const report = await readReport(again);
    expect(report.items.filter((i) => i.error)).toEqual([]);
    expect(report.items.filter((i) => i.kind === 'message')).toHaveLength(h.tenant.totalMessages());
  });
});

describe('inzage scan --m365: SharePoint grants to everyone are broad, permissions not read are unknown', () => {
  let report: Report;
  beforeAll(async () => {
    const hr = h.tenant.drives.find((d) => d.siteId === 'site-hr');
    const failing = [...(hr?.items.values() ?? [])].find((i) => i.name === 'notitie-9.txt');
    if (!failing) throw new Error('fixture changed');
    h.server.failPermissionsOf.add(failing.id);
    const out = join(dir, 'grants');
    const run = await runM365(h, out, join(dir, 's-grants'), [
      '--no-mail',
      ...['site-hr', 'site-intranet', 'site-projects', 'site-team'].flatMap((s) => ['--site', s]),
    ]);
    h.server.failPermissionsOf.clear();
    expect(run.code, run.stderr).toBe(0);
    report = await readReport(out);
    await validate(report);
  });

  it('a grant on the site (claim, Dutch name), inherited by a file with findings', () => {
    // notitie-9 holds findings and has only a link for specific people: the grant alone makes it broad.
    const item = byPath(report, 'sharepoint/Intranet/Documents/notitie-9.txt');
    expect(item.findings.length).toBeGreaterThan(0);
    expect(item.access?.broad).toBe(true);
    expect(item.access?.reasons).toEqual(['granted to Everyone except external users (inherited from the library or site)']);
    expect(item.risk.reasons.join(' ')).toMatch(/broad access/);
  });

  it('a grant on the library, by its English display name', () => {
    const item = byPath(report, 'sharepoint/Projects/Documents/notitie-9.txt');
    expect(item.access?.broad).toBe(true);
    expect(item.access?.entries.map((e) => e.principal)).toContain('Everyone except external users');
  });

  it('grants on items: "Everyone" by its claim c:0(.s|true, and "Iedereen" by name; a group merely named like it is not', () => {
    expect(byPath(report, 'sharepoint/Team/Documents/claim.txt').access?.reasons).toEqual(['granted to Everyone']);
    expect(byPath(report, 'sharepoint/Team/Documents/naam.txt').access?.reasons).toEqual(['granted to Everyone']);
    const narrow = byPath(report, 'sharepoint/Team/Documents/niemand.txt');
    expect(narrow.findings.length).toBeGreaterThan(0);
    expect(narrow.access?.broad).toBe(false);
  });

  it('says unknown, never false, where permissions were not read: no findings, or a call that failed', () => {
    const clean = byPath(report, 'sharepoint/HR/Documents/notitie-1.txt');
    expect(clean.findings).toEqual([]);
    expect(clean.access?.broad).toBe('unknown');
    expect(clean.access?.notes?.join(' ')).toMatch(/read only for files with findings/);

    const failed = byPath(report, 'sharepoint/HR/Documents/notitie-9.txt');
    expect(failed.findings.length).toBeGreaterThan(0);
    expect(failed.access?.broad).toBe('unknown');
    expect(failed.access?.notes?.join(' ')).toMatch(/Graph answered 500 generalException to GET \/drives\/d-site-hr\/items\/[^/]+\/permissions/);
    expect(failed.risk.reasons).toContain('access unknown: who can read it was not read');
    // Every drive item without findings says unknown.
    const withoutFindings = report.items.filter((i) => i.kind === 'drive-item' && i.findings.length === 0);
    expect(withoutFindings.length).toBeGreaterThan(0);
    expect(withoutFindings.filter((i) => i.access?.broad !== 'unknown')).toEqual([]);
  });

  it('the HTML report shows unknown access as unknown', async () => {
    const out = join(dir, 'grants-html');
    const run = await runCli(['report', '--out', out, '--format', 'html', '--state-dir', join(dir, 's-grants')]);
    expect(run.code, run.stderr).toBe(0);
    const html = await readFile(join(out, 'report.html'), 'utf8');
    expect(html).toContain('accessUnknown');
    expect(html).toContain('"broad":"unknown"');
  });
});

describe('inzage scan --m365 with the config file', () => {
  it('takes credentials, endpoints and scope from m365 in the config, and masks a config detector value in a subject path', async () => {
    const box = h.tenant.mailbox('user01@contoso.example');
    const message = box && [...box.messages.values()][2];
    if (!box || !message) throw new Error('fixture changed');
    h.tenant.updateMessage(message, { subject: 'Dossier ACME-482913 bijgewerkt' });
    const config = join(dir, 'inzage.config.yaml');
    await writeFile(
      config,
      [
        'detectors:',
        '  custom:',
        '    - id: acme-employee-id',
        '      category: identity',
        "      pattern: 'ACME-\\d{6}'",
        '      confidence: 0.9',
        'm365:',
        `  tenantId: ${TENANT_ID}`,
        `  clientId: ${CLIENT_ID}`,
        `  clientSecret: ${JSON.stringify(CLIENT_SECRET)}`,
        `  authorityHost: ${h.server.baseUrl}`,
        `  graphEndpoint: ${h.server.baseUrl}`,
        '  mailboxes: [user01@contoso.example]',
        '',
      ].join('\n'),
      { mode: 0o600 },
    );
    const out = join(dir, 'config');
    const state = join(dir, 's-config');
    const env = { ...h.env(state), AZURE_TENANT_ID: '', AZURE_CLIENT_ID: '', AZURE_CLIENT_SECRET: '', AZURE_AUTHORITY_HOST: '' };
    const run = await runCli(['scan', '--m365', '--config', config, '--out', out, '--workers', '2'], { env });
    expect(run.code, run.stderr).toBe(0);
    const report = await readReport(out);
    expect(new Set(report.items.map((i) => i.path.split('/')[1]))).toEqual(new Set(['user01@contoso.example']));
    const item = report.items.find((i) => i.uri === `m365://user01@contoso.example/messages/${message.id}`);
    expect(item?.findings.some((f) => f.type === 'acme-employee-id' && f.where.part === 'subject')).toBe(true);
    expect(item?.path).toMatch(/ Dossier \S*13 bijgewerkt$/);
    const written: string[] = [];
    for (const folder of [out, state]) {
      for (const e of await readdir(folder, { withFileTypes: true, recursive: true })) if (e.isFile()) written.push(join(e.parentPath, e.name));
    }
    for (const file of written) expect((await readFile(file)).toString('latin1'), file).not.toContain('482913');
    expect(`${run.stdout}${run.stderr}`).not.toContain('482913');
    expect(`${run.stdout}${run.stderr}`).not.toContain(CLIENT_SECRET);
  });

  it('exits 2 naming the key when the m365 section has a misspelt one', async () => {
    const config = join(dir, 'bad.config.yaml');
    await writeFile(config, `m365:\n  tennantId: ${TENANT_ID}\n`);
    const run = await runCli(['scan', '--m365', '--config', config, '--out', join(dir, 'bad')], { env: h.env(join(dir, 's-bad')) });
    expect(run.code).toBe(2);
    expect(run.stderr).toMatch(/m365: .*tennantId/);
  });
});
