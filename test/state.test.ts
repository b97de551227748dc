/**
 * The scan state as a nightly job uses it: rescans that read only what changed, changes since the
 * previous scan or a baseline, `inzage report` without scanning, `--fail-on`, suppressions,
 * `.inzageignore`, triage, and subject search. The state file never holds a raw value.
 */
import { appendFile, chmod, mkdir, readFile, rm, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { ExpectedItem } from '../fixtures/expected.js';
import { generateSampleShare } from '../fixtures/sample-share.js';
import type { Report } from '../scanner/model.js';
import { findingKey, readReport, runCli, tempDir } from './helpers.js';

let dir: string;
let cleanup: () => Promise<void>;
let expected: ExpectedItem[];
const share = () => join(dir, 'share');
const env = () => ({ INZAGE_STATE_DIR: join(dir, 'state') });

async function scanShare(out: string, extra: string[] = []) {
  const run = await runCli(['scan', share(), '--out', join(dir, out), ...extra], { env: env() });
  return { run, report: run.code === 2 ? undefined : await readReport(join(dir, out)) };
}
const findingsOf = (r: Report) => r.items.flatMap((i) => i.findings.map((f) => `${i.path} ${findingKey(f)} ${f.hash}`)).sort();

beforeAll(async () => {
  ({ dir, cleanup } = await tempDir('state'));
  expected = await generateSampleShare(share());
});
afterAll(() => cleanup());

describe('incremental rescans', () => {
  let first: Report;
  let second: Report;

  it('reads every file on the first scan and none on an unchanged rescan', async () => {
    const a = await scanShare('out1');
    expect(a.run.code, a.run.stderr).toBe(0);
    first = a.report as Report;
    expect(first.stats.read).toBe(expected.length);
    expect(first.changes.since).toBeNull();
    const b = await scanShare('out2');
    second = b.report as Report;
    expect(second.stats.read).toBe(0);
    expect(second.stats.reused).toBe(expected.length);
    expect(findingsOf(second)).toEqual(findingsOf(first));
    expect(second.changes).toMatchObject({ new: 0, resolved: 0, unchanged: first.stats.findings });
    expect(second.changes.since?.scanId).toBe(first.scan.id);
  });

  it('does not open unchanged files at all: unreadable ones are still reused', async () => {
    await chmod(join(share(), 'HR/medewerkers.csv'), 0o000);
    const run = await runCli(['scan', share(), '--out', join(dir, 'out-locked')], { env: env(), unprivileged: true });
    await chmod(join(share(), 'HR/medewerkers.csv'), 0o644);
    expect(run.code, run.stderr).toBe(0);
    const report = await readReport(join(dir, 'out-locked'));
    expect(report.stats.read).toBe(0);
    expect(report.items.find((i) => i.path === 'HR/medewerkers.csv')?.error).toBeNull();
  });

  it('rereads changed and new files, drops deleted ones, and lists what changed', async () => {
    await appendFile(join(share(), 'Notes/todo.txt'), '- bel terug: nieuw.contact@example.nl\n');
    await writeFile(join(share(), 'Notes/nieuw.txt'), 'IBAN NL91ABNA0417164300\n');
    const gone = expected.find((e) => e.path === 'Klanten/klanten.json') as ExpectedItem;
    await rm(join(share(), gone.path));
    const { report } = await scanShare('out3');
    const r = report as Report;
    expect(r.stats.read).toBe(2);
    expect(r.items.some((i) => i.path === gone.path)).toBe(false);
    expect(r.changes.new).toBe(2);
    expect(r.changes.resolved).toBe(gone.findings.length);
    expect(r.changes.resolvedFindings.every((f) => f.path === gone.path)).toBe(true);
    const todo = r.items.find((i) => i.path === 'Notes/todo.txt');
    expect(todo?.findings.map((f) => [f.type, f.change])).toEqual([['email', 'new']]);
    const unchangedItem = r.items.find((i) => i.path === 'HR/medewerkers.csv');
    expect(unchangedItem?.findings.every((f) => f.change === 'unchanged')).toBe(true);
  });

  it('renders the last report again from the state with inzage report', async () => {
    const run = await runCli(['report', '--out', join(dir, 'out-report')], { env: env() });
    expect(run.code, run.stderr).toBe(0);
    const again = await readReport(join(dir, 'out-report'));
    const last = await readReport(join(dir, 'out3'));
    expect(again.items).toEqual(last.items);
    expect(again.changes).toEqual(last.changes);
    expect(again.scan.id).toBe(last.scan.id);
  });

  it('compares with a baseline report when given one', async () => {
    const { report } = await scanShare('out-baseline', ['--baseline', join(dir, 'out1', 'report.json')]);
    const r = report as Report;
    expect(r.changes.since?.baseline).toBe(join(dir, 'out1', 'report.json'));
    expect(r.changes.new).toBe(2);
    expect(r.changes.resolved).toBe(expected.find((e) => e.path === 'Klanten/klanten.json')?.findings.length);
  });

  it('never stores a raw planted value in the state database', async () => {
    const db =
      (await readFile(join(dir, 'state', 'state.db'))).toString('latin1') +
      (await readFile(join(dir, 'state', 'state.db-wal')).catch(() => Buffer.alloc(0))).toString('latin1');
    for (const item of expected) for (const f of item.findings) expect(db.includes(f.value), `${f.type} value in state`).toBe(false);
  });
});

describe('CI gating, suppressions and triage', () => {
  let gateDir: string;
  const gateEnv = () => ({ INZAGE_STATE_DIR: join(gateDir, 'state') });
  const scanGate = (extra: string[]) => runCli(['scan', join(gateDir, 'share'), '--out', join(gateDir, 'out'), ...extra], { env: gateEnv() });

  beforeAll(async () => {
    gateDir = join(dir, 'gate');
    await mkdir(join(gateDir, 'share/HR'), { recursive: true });
    const rows = ['naam;bsn', 'A;111222333', 'B;123456782', 'C;012345672', 'D;234567892', 'E;150000005'];
    await writeFile(join(gateDir, 'share/HR/lijst.csv'), `${rows.join('\n')}\n`);
    await chmod(join(gateDir, 'share/HR/lijst.csv'), 0o644);
    await writeFile(join(gateDir, 'share/notitie.txt'), 'mail een.persoon@example.nl\n');
    await chmod(join(gateDir, 'share/notitie.txt'), 0o600);
  });

  it('exits 1 when --fail-on is met and says so in the JSON summary', async () => {
    const run = await scanGate(['--fail-on', 'high', '--summary', 'json']);
    expect(run.code).toBe(1);
    const summary = JSON.parse(run.stdout);
    expect(summary).toMatchObject({ schema: 'inzage.summary/v1', failed: true, failingItems: ['HR/lijst.csv'] });
    const report = await readReport(join(gateDir, 'out'));
    const hr = report.items.find((i) => i.path === 'HR/lijst.csv');
    const note = report.items.find((i) => i.path === 'notitie.txt');
    // A world-readable list of BSNs outranks a private note with one address.
    expect(hr?.risk.score).toBeGreaterThan(note?.risk.score ?? 100);
    expect(hr?.access?.broad).toBe(true);
  });

  it('passes new:high when nothing is new', async () => {
    const run = await scanGate(['--fail-on', 'new:high']);
    expect(run.code, run.stdout).toBe(0);
  });

  it('ignores suppressed findings for --fail-on, but still counts them', async () => {
    const file = join(gateDir, 'suppressions.yaml');
    await writeFile(file, 'suppressions:\n  - path: "HR/**"\n    type: nl-bsn\n    reason: testlijst van de helpdesk\n');
    const run = await scanGate(['--fail-on', 'high', '--suppressions', file]);
    expect(run.code, run.stdout).toBe(0);
    const report = await readReport(join(gateDir, 'out'));
    expect(report.stats.suppressed).toBe(5);
    expect(report.items.find((i) => i.path === 'HR/lijst.csv')?.findings.every((f) => f.suppressed === 'testlijst van de helpdesk')).toBe(true);
  });

  it('rejects a suppression file with a clear pointer to the bad key', async () => {
    const file = join(gateDir, 'bad.yaml');
    await writeFile(file, 'suppressions:\n  - path: "HR/**"\n');
    const run = await scanGate(['--suppressions', file]);
    expect(run.code).toBe(2);
    expect(run.stderr).toContain('suppressions.0.reason');
  });

  it('carries triage decisions across rescans, and --fail-on ignores false positives', async () => {
    const triage = await runCli(['triage', '--path', 'HR/*', '--type', 'nl-bsn', '--status', 'false-positive', '--note', 'testdata'], { env: gateEnv() });
    expect(triage.code, triage.stderr).toBe(0);
    expect(triage.stdout).toContain('5 findings set to false-positive');
    const run = await scanGate(['--fail-on', 'high']);
    expect(run.code, run.stdout).toBe(0);
    const report = await readReport(join(gateDir, 'out'));
    expect(report.items.find((i) => i.path === 'HR/lijst.csv')?.findings.map((f) => f.status)).toEqual(Array(5).fill('false-positive'));
  });

  it('skips paths listed in .inzageignore', async () => {
    await writeFile(join(gateDir, 'share/.inzageignore'), '# not ours\nHR/\n');
    const run = await scanGate([]);
    expect(run.code).toBe(0);
    const paths = (await readReport(join(gateDir, 'out'))).items.map((i) => i.path);
    expect(paths).toEqual(['.inzageignore', 'notitie.txt']);
    await rm(join(gateDir, 'share/.inzageignore'));
  });
});

describe('subject search', () => {
  it("finds every item holding a person's values, in each format", async () => {
    const staff = expected.find((e) => e.path === 'HR/medewerkers.csv') as ExpectedItem;
    const email = staff.findings.find((f) => f.type === 'email')?.value as string;
    const bsn = staff.findings.find((f) => f.type === 'nl-bsn')?.value as string;
    const iban = staff.findings.find((f) => f.type === 'iban')?.value as string;
    const phone = staff.findings.find((f) => f.type === 'phone')?.value as string;
    const args = [
      'find',
      '--email',
      email.toUpperCase(),
      '--bsn',
      `${bsn.slice(0, 4)}.${bsn.slice(4, 6)}.${bsn.slice(6)}`,
      '--iban',
      iban.replace(/(.{4})/g, '$1 '),
      '--phone',
      phone,
    ];
    const json = await runCli([...args, '--format', 'json'], { env: env() });
    expect(json.code, json.stderr).toBe(0);
    const hits = JSON.parse(json.stdout).hits as { path: string; type: string; where: { cell?: string } }[];
    expect(
      hits
        .filter((h) => h.path === 'HR/medewerkers.csv')
        .map((h) => h.type)
        .sort(),
    ).toEqual(['email', 'iban', 'nl-bsn', 'phone']);
    for (const format of ['table', 'csv', 'xml']) {
      const out = await runCli([...args, '--format', format], { env: env() });
      expect(out.code).toBe(0);
      expect(out.stdout).toContain('HR/medewerkers.csv');
      for (const raw of [email, bsn, iban, phone]) expect(out.stdout.toLowerCase()).not.toContain(raw.toLowerCase());
    }
  });

  it('says so when nothing holds the value, and refuses an invalid one', async () => {
    const none = await runCli(['find', '--email', 'nobody@example.invalid'], { env: env() });
    expect(none.code).toBe(0);
    expect(none.stdout).toContain('No item');
    const bad = await runCli(['find', '--phone', 'not a number'], { env: env() });
    expect(bad.code).toBe(2);
    expect(bad.stderr).not.toContain('not a number');
  });
});
