/** The command line as a user meets it: help, version, exit codes, one-line reasons. */
import { mkdir, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { readReport, runCli, tempDir } from './helpers.js';

let dir: string;
let cleanup: () => Promise<void>;
const env = () => ({ INZAGE_STATE_DIR: join(dir, 'state') });

beforeAll(async () => {
  ({ dir, cleanup } = await tempDir('cli'));
  await mkdir(join(dir, 'share/keep'), { recursive: true });
  await mkdir(join(dir, 'share/skip'), { recursive: true });
  await mkdir(join(dir, 'share/.git'), { recursive: true });
  await writeFile(join(dir, 'share/keep/a.txt'), 'mail a.person@example.nl\n');
  await writeFile(join(dir, 'share/keep/b.csv'), 'naam;email\nB;b.person@example.nl\n');
  await writeFile(join(dir, 'share/skip/c.txt'), 'mail c.person@example.nl\n');
  await writeFile(join(dir, 'share/.git/config'), 'email = git.person@example.nl\n');
  await writeFile(join(dir, 'share/keep/~$lock.docx'), 'lock');
  await writeFile(join(dir, 'share/keep/big.txt'), 'x'.repeat(4096));
});
afterAll(() => cleanup());

describe('inzage CLI', () => {
  it('prints help and exits 0', async () => {
    const r = await runCli(['--help']);
    expect(r.code).toBe(0);
    expect(r.stdout).toContain('scan');
    const scanHelp = await runCli(['scan', '--help']);
    expect(scanHelp.stdout).toContain('--max-file-size');
  });

  it('prints its version and exits 0', async () => {
    const r = await runCli(['--version']);
    expect(r.code).toBe(0);
    expect(r.stdout.trim()).toMatch(/^\d+\.\d+\.\d+/);
  });

  it('exits 2 with a one-line reason on an unknown option', async () => {
    const r = await runCli(['scan', dir, '--no-such-flag']);
    expect(r.code).toBe(2);
    expect(r.stderr).toMatch(/unknown option/);
  });

  it('exits 2 when a path does not exist', async () => {
    const r = await runCli(['scan', join(dir, 'nope')], { env: env() });
    expect(r.code).toBe(2);
    expect(r.stderr.trim().split('\n')).toHaveLength(1);
    expect(r.stderr).toContain('no such file or folder');
  });

  it('exits 2 on an unknown report format and on a bad size', async () => {
    expect((await runCli(['scan', join(dir, 'share'), '--format', 'pdf'], { env: env() })).code).toBe(2);
    const bad = await runCli(['scan', join(dir, 'share'), '--max-file-size', 'lots'], { env: env() });
    expect(bad.code).toBe(2);
    expect(bad.stderr).toContain('is not a size');
  });

  it('exits 2 on a --phone-region that is no country code', async () => {
    const r = await runCli(['scan', join(dir, 'share'), '--phone-region', 'NL,XX'], { env: env() });
    expect(r.code).toBe(2);
    expect(r.stderr).toContain('--phone-region: "XX" is not a country code');
  });

  it('applies include and exclude globs and the default excludes', async () => {
    const out = join(dir, 'out-globs');
    const r = await runCli(['scan', join(dir, 'share'), '--out', out, '--exclude', 'skip', '--include', '*.txt', '--include', '*.csv'], { env: env() });
    expect(r.code, r.stderr).toBe(0);
    const paths = (await readReport(out)).items.map((i) => i.path).sort();
    expect(paths).toEqual(['keep/a.txt', 'keep/b.csv', 'keep/big.txt']);
  });

  it('lists files over --max-file-size as too-large without reading them', async () => {
    const out = join(dir, 'out-size');
    const r = await runCli(['scan', join(dir, 'share/keep'), '--out', out, '--max-file-size', '1KB'], { env: env() });
    expect(r.code).toBe(0);
    const big = (await readReport(out)).items.find((i) => i.path === 'big.txt');
    expect(big?.error?.code).toBe('too-large');
    expect(big?.error?.message).toContain('--max-file-size');
  });

  it('never scans its own report folder when it sits inside the share', async () => {
    const out = join(dir, 'share/keep/report');
    expect((await runCli(['scan', join(dir, 'share'), '--out', out], { env: env() })).code).toBe(0);
    const again = await runCli(['scan', join(dir, 'share'), '--out', out], { env: env() });
    expect(again.code).toBe(0);
    expect((await readReport(out)).items.some((i) => i.path.startsWith('keep/report'))).toBe(false);
  });

  it('scans a single file given as the path', async () => {
    const out = join(dir, 'out-file');
    expect((await runCli(['scan', join(dir, 'share/keep/a.txt'), '--out', out, '--workers', '1'], { env: env() })).code).toBe(0);
    const report = await readReport(out);
    expect(report.items.map((i) => [i.path, i.findings.length])).toEqual([['a.txt', 1]]);
  });

  it('raises the bar with --min-confidence', async () => {
    const file = join(dir, 'plain.txt');
    await writeFile(file, 'a.person@example.nl 192.0.2.7\n');
    const types = async (extra: string[]) => {
      const out = join(dir, `out-conf${extra.length}`);
      expect((await runCli(['scan', file, '--out', out, ...extra], { env: env() })).code).toBe(0);
      return (await readReport(out)).items[0]?.findings.map((f) => f.type);
    };
    expect(await types([])).toEqual(['email', 'ip-address']);
    expect(await types(['--min-confidence', '0.8'])).toEqual(['email']);
  });
});
