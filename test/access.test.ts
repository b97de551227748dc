/**
 * Access and risk end to end on real permissions: a temporary share with chmod variants, POSIX
 * ACLs set with setfacl (named entries, mask, a folder default ACL), a group created for the test,
 * and a name in broken UTF-8. The report's access, broad flags, folder roll-up, hot spots and
 * --fail-on exit codes must follow from those permissions. Needs root (groupadd, chgrp) and the
 * Debian package `acl` (setfacl), as CI has.
 */
import { execFileSync } from 'node:child_process';
import { chmod, mkdir, readFile, utimes, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { Ajv } from 'ajv';
import addFormatsPlugin from 'ajv-formats';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { seededRandom } from '../fixtures/random.js';
import { bsn } from '../fixtures/values.js';
import type { Report, ReportItem } from '../scanner/model.js';
import { REPO, readReport, runCli, tempDir } from './helpers.js';

const GROUP = `inzage-t${process.pid}`;
let dir: string;
let share: string;
let cleanup: () => Promise<void>;
let report: Report;
let code: number | null;
const env = () => ({ INZAGE_STATE_DIR: join(dir, 'state') });
const BROKEN = Buffer.concat([Buffer.from('caf'), Buffer.from([0xe9]), Buffer.from('.txt')]);

function setfacl(...args: string[]): void {
  execFileSync('setfacl', args);
}

function item(path: string): ReportItem {
  const found = report.items.find((i) => i.path === path);
  if (!found) throw new Error(`no item ${path} in the report`);
  return found;
}

beforeAll(async () => {
  ({ dir, cleanup } = await tempDir('access'));
  share = join(dir, 'share');
  execFileSync('groupadd', [GROUP]);
  const random = seededRandom(5);
  const mail = (n: number) => `persoon${n}@example.nl`;
  await mkdir(join(share, 'HR/Sollicitaties'), { recursive: true });
  await mkdir(join(share, 'notes'), { recursive: true });
  await mkdir(join(share, 'acl'), { recursive: true });
  await mkdir(join(share, 'team'), { recursive: true });

  // A world-readable HR sheet with BSNs, and two more world-readable files beside it (roll-up).
  const rows = Array.from({ length: 12 }, (_, i) => `Medewerker ${i};${bsn(random)}`);
  await writeFile(join(share, 'HR/medewerkers.csv'), `naam;bsn\n${rows.join('\n')}\n`);
  await writeFile(join(share, 'HR/rooster.txt'), 'maandag vroege dienst\n');
  await writeFile(join(share, 'HR/contact.txt'), `e-mail ${mail(1)}\n`);
  for (const f of ['HR/medewerkers.csv', 'HR/rooster.txt', 'HR/contact.txt']) await chmod(join(share, f), 0o644);
  await chmod(join(share, 'HR'), 0o755);
  // One file in HR that is private: it must not roll up into HR's access.
  await writeFile(join(share, 'HR/prive.txt'), `e-mail ${mail(2)}\n`);
  await chmod(join(share, 'HR/prive.txt'), 0o600);
  // An application letter, two months old: past the 4-week retention for applicants.
  await writeFile(join(share, 'HR/Sollicitaties/brief.txt'), `sollicitatie van ${mail(3)}\n`);
  await chmod(join(share, 'HR/Sollicitaties/brief.txt'), 0o600);
  const old = new Date(Date.now() - 60 * 86_400_000);
  await utimes(join(share, 'HR/Sollicitaties/brief.txt'), old, old);

  // A private note with one e-mail address.
  await writeFile(join(share, 'notes/todo.txt'), `bel ${mail(4)}\n`);
  await chmod(join(share, 'notes/todo.txt'), 0o600);
  await chmod(join(share, 'notes'), 0o700);

  // ACLs: `users` may read (broad), `nobody` may read (not broad), `users` masked out (not broad).
  for (const f of ['users.txt', 'nobody.txt', 'masked.txt']) {
    await writeFile(join(share, 'acl', f), `mail ${mail(5)}\n`);
    await chmod(join(share, 'acl', f), 0o600);
  }
  setfacl('-m', 'g:users:r', join(share, 'acl/users.txt'));
  setfacl('-m', 'u:nobody:r', join(share, 'acl/nobody.txt'));
  setfacl('-m', 'g:users:r,m::---', join(share, 'acl/masked.txt'));
  const broken = Buffer.concat([Buffer.from(join(share, 'acl/')), BROKEN]);
  await writeFile(broken, `mail ${mail(6)}\n`);
  await chmod(broken, 0o600);
  // Arguments cannot carry bytes that are not UTF-8; a --restore file names the file with getfacl's escapes.
  await writeFile(join(dir, 'restore.acl'), '# file: acl/caf\\351.txt\nuser::rw-\ngroup::---\ngroup:users:r--\nmask::r--\nother::---\n');
  execFileSync('setfacl', ['--restore', join(dir, 'restore.acl')], { cwd: share });
  setfacl('-d', '-m', 'g:users:rx', join(share, 'acl'));

  // A group made for this test: readable by the group; broad only when configured so.
  await writeFile(join(share, 'team/plan.txt'), `mail ${mail(7)}\n`);
  execFileSync('chgrp', [GROUP, join(share, 'team/plan.txt')]);
  await chmod(join(share, 'team/plan.txt'), 0o640);

  const run = await runCli(['scan', share, '--out', join(dir, 'out'), '--fail-on', 'high', '--no-progress'], { env: env() });
  code = run.code;
  report = await readReport(join(dir, 'out'));
});

afterAll(async () => {
  try {
    execFileSync('groupdel', [GROUP]);
  } finally {
    await cleanup();
  }
});

describe('access on real permissions', () => {
  it('marks a world-readable file broad and a private one not', () => {
    expect(item('HR/medewerkers.csv').access).toMatchObject({ owner: 'root', mode: '0644', broad: true, reasons: ['world-readable'] });
    expect(item('notes/todo.txt').access).toMatchObject({ mode: '0600', broad: false, reasons: [] });
  });

  it('reads POSIX ACLs: a broad group entry, a named user, a mask that takes read away', () => {
    const users = item('acl/users.txt').access;
    expect(users).toMatchObject({ broad: true, reasons: ['ACL grants read to broad group users'], source: 'posix-acl' });
    expect(users?.entries).toContainEqual({ principal: 'group:users', rights: 'read', native: 'r--' });

    const nobody = item('acl/nobody.txt').access;
    expect(nobody).toMatchObject({ broad: false, source: 'posix-acl' });
    expect(nobody?.readers).toEqual(['user:root', 'user:nobody']);

    const masked = item('acl/masked.txt').access;
    expect(masked?.broad).toBe(false);
    expect(masked?.entries).toContainEqual({ principal: 'group:users', rights: 'read', effective: 'none', native: 'r--' });
  });

  it('reads the ACL of a file whose name is not valid UTF-8', () => {
    const broken = report.items.find((i) => i.uri.endsWith('/acl/caf%E9.txt'));
    expect(broken?.findings).toHaveLength(1);
    expect(broken?.access).toMatchObject({ broad: true, reasons: ['ACL grants read to broad group users'] });
  });

  it('treats a group as broad only when configured', async () => {
    const plan = item('team/plan.txt').access;
    expect(plan).toMatchObject({ group: GROUP, broad: false });
    const out = join(dir, 'out-group');
    const run = await runCli(['scan', join(share, 'team'), '--out', out, '--broad-group', GROUP, '--no-progress'], { env: env() });
    expect(run.code).toBe(0);
    const again = (await readReport(out)).items.find((i) => i.path === 'plan.txt');
    expect(again?.access).toMatchObject({ broad: true, reasons: [`readable by broad group ${GROUP}`] });
  });

  it('warns once and reports mode bits when getfacl is missing', async () => {
    const out = join(dir, 'out-nogetfacl');
    const run = await runCli(['scan', join(share, 'acl'), '--out', out, '--no-progress'], { env: { ...env(), PATH: join(dir, 'empty-path') } });
    expect(run.code).toBe(0);
    expect(run.stderr.match(/INZAGE_NO_GETFACL/g)).toHaveLength(1);
    const users = (await readReport(out)).items.find((i) => i.path === 'users.txt');
    expect(users?.access).toMatchObject({ source: 'posix-mode', broad: false });
  });

  it('sees an ACL change on a rescan, although the file itself was not read again', async () => {
    const folder = join(dir, 'rescan');
    await mkdir(folder);
    await writeFile(join(folder, 'lijst.txt'), 'mail rescan.persoon@example.nl\n');
    await chmod(join(folder, 'lijst.txt'), 0o600);
    const state = { INZAGE_STATE_DIR: join(dir, 'state-rescan') };
    const first = await runCli(['scan', folder, '--out', join(dir, 'out-r1'), '--no-progress'], { env: state });
    expect(first.code).toBe(0);
    expect((await readReport(join(dir, 'out-r1'))).items[0]?.access?.broad).toBe(false);
    setfacl('-m', 'g:users:r', join(folder, 'lijst.txt'));
    const second = await runCli(['scan', folder, '--out', join(dir, 'out-r2'), '--no-progress'], { env: state });
    expect(second.code).toBe(0);
    const again = await readReport(join(dir, 'out-r2'));
    expect(again.stats.reused).toBe(1);
    expect(again.items[0]?.access).toMatchObject({ broad: true, reasons: ['ACL grants read to broad group users'] });
  });

  it('reads mode bits only with --no-acl', async () => {
    const out = join(dir, 'out-noacl');
    const run = await runCli(['scan', join(share, 'acl'), '--out', out, '--no-acl', '--no-progress'], { env: env() });
    expect(run.code).toBe(0);
    const users = (await readReport(out)).items.find((i) => i.path === 'users.txt');
    expect(users?.access).toMatchObject({ source: 'posix-mode', broad: false });
  });
});

describe('roll-up, risk and hot spots', () => {
  it("shows a folder's access once; items with the same readers refer to it", () => {
    const hr = report.folders?.find((f) => f.path === 'HR');
    expect(hr?.access).toMatchObject({ mode: '0755', broad: true });
    expect(hr?.items).toBe(4);
    expect(hr?.itemsSameAccess).toBe(3);
    for (const path of ['HR/medewerkers.csv', 'HR/rooster.txt', 'HR/contact.txt']) {
      expect(item(path).access).toMatchObject({ entries: [], sameAsFolder: hr?.uri, broad: true });
    }
    expect(item('HR/prive.txt').access?.sameAsFolder).toBeUndefined();
    expect(item('HR/prive.txt').access?.entries.length).toBeGreaterThan(0);
    // Subtree counts: HR holds its own findings and those of HR/Sollicitaties.
    expect(hr?.itemsWithFindings).toBe(4);
  });

  it("reports a folder's default ACL", () => {
    const acl = report.folders?.find((f) => f.path === 'acl');
    expect(acl?.access?.entries.filter((e) => e.default)).toContainEqual({ principal: 'group:users', rights: 'read,execute', default: true, native: 'r-x' });
  });

  it('ranks the world-readable HR sheet with BSNs above the private note with one e-mail', () => {
    const sheet = item('HR/medewerkers.csv').risk;
    const note = item('notes/todo.txt').risk;
    expect(sheet.score).toBeGreaterThan(note.score);
    expect(sheet.level).toBe('high');
    expect(note.level).toBe('low');
    const spots = report.hotspots ?? [];
    const rank = (path: string) => spots.findIndex((s) => s.kind === 'item' && s.path === path);
    expect(rank('HR/medewerkers.csv')).toBeGreaterThanOrEqual(0);
    expect(rank('HR/medewerkers.csv')).toBeLessThan(rank('notes/todo.txt'));
    expect(spots.map((s) => s.score)).toEqual([...spots.map((s) => s.score)].sort((a, b) => b - a));
    expect(spots.some((s) => s.kind === 'folder' && s.path === 'HR')).toBe(true);
  });

  it('flags the old application letter retention-overdue', () => {
    const letter = item('HR/Sollicitaties/brief.txt').risk;
    expect(letter.reasons.some((r) => r.startsWith('retention-overdue: job-applicants'))).toBe(true);
    expect(letter.retention?.rule).toBe('job-applicants');
    expect(item('notes/todo.txt').risk.retention).toBeUndefined();
  });

  it('exits 1 when --fail-on is reached and 0 when it is not', async () => {
    expect(code).toBe(1);
    const run = await runCli(['scan', join(share, 'notes'), '--out', join(dir, 'out-notes'), '--fail-on', 'high', '--no-progress'], { env: env() });
    expect(run.code).toBe(0);
    const bad = await runCli(['scan', join(share, 'notes'), '--out', join(dir, 'out-notes'), '--fail-on', 'severe'], { env: env() });
    expect(bad.code).toBe(2);
  });

  it('renders the same access, folders and hot spots later from the scan state (inzage report)', async () => {
    const stateDir = join(dir, 'state-rerender');
    const scanned = await runCli(['scan', share, '--out', join(dir, 'out-a'), '--no-progress', '--hotspots', '5', '--retention', 'job-applicants=off'], {
      env: { INZAGE_STATE_DIR: stateDir },
    });
    expect(scanned.code).toBe(0);
    const rendered = await runCli(['report', '--out', join(dir, 'out-b')], { env: { INZAGE_STATE_DIR: stateDir } });
    expect(rendered.code, rendered.stderr).toBe(0);
    const [a, b] = [await readReport(join(dir, 'out-a')), await readReport(join(dir, 'out-b'))];
    expect(b.folders).toEqual(a.folders);
    expect(b.hotspots).toEqual(a.hotspots);
    expect(b.hotspots).toHaveLength(5);
    expect(b.items.map((i) => [i.path, i.access, i.risk])).toEqual(a.items.map((i) => [i.path, i.access, i.risk]));
    // The ACL read at the end of the scan was kept in the state, and the retention override with it.
    expect(b.items.find((i) => i.path === 'acl/users.txt')?.access?.source).toBe('posix-acl');
    expect(b.items.find((i) => i.path === 'HR/Sollicitaties/brief.txt')?.risk.retention).toBeUndefined();
  });

  it('matches the shipped JSON Schema', async () => {
    const schema = JSON.parse(await readFile(join(REPO, 'reporters/report.schema.json'), 'utf8'));
    const ajv = new Ajv({ allErrors: true, strict: false });
    const addFormats = (addFormatsPlugin as unknown as { default: (a: Ajv) => void }).default ?? addFormatsPlugin;
    addFormats(ajv);
    const validate = ajv.compile(schema);
    expect(validate(report), ajv.errorsText(validate.errors)).toBe(true);
  });
});
