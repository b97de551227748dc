/** The CLI writes the csv and register formats with the delimiter asked for, and refuses others. */
import { execFile } from 'node:child_process';
import { mkdir, mkdtemp, readdir, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { promisify } from 'node:util';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';

const CLI = join(resolve(import.meta.dirname, '..'), 'dist/scanner/commands/cli.js');
const run = promisify(execFile);

describe('inzage scan --format csv,register', () => {
  let work: string;
  const cli = (args: string[]) =>
    run(process.execPath, [CLI, ...args, '--no-progress'], { cwd: work, env: { ...process.env, INZAGE_KEY_FILE: join(work, 'key') } });

  beforeAll(async () => {
    work = await mkdtemp(join(tmpdir(), 'inzage-formats-'));
    await mkdir(join(work, 'share/HR'), { recursive: true });
    await writeFile(join(work, 'share/HR/lijst, 2024.txt'), 'E-mail: jan@example.nl\nIBAN NL91ABNA0417164300\n');
    await writeFile(join(work, 'share/leeg.txt'), 'niets\n');
  });
  afterAll(() => rm(work, { recursive: true, force: true }));

  it('writes items.csv, findings.csv and register.csv with a comma when asked', async () => {
    await cli(['scan', 'share', '--out', 'out', '--format', 'csv,register', '--csv-delimiter', ',']);
    expect((await readdir(join(work, 'out'))).sort()).toEqual(['findings.csv', 'items.csv', 'register.csv']);
    const items = await readFile(join(work, 'out/items.csv'), 'utf8');
    expect(items.charCodeAt(0)).toBe(0xfeff);
    expect(items).toContain('\r\n"HR/lijst, 2024.txt",,file,');
    const findings = (await readFile(join(work, 'out/findings.csv'), 'utf8')).trim().split('\r\n');
    expect(findings).toHaveLength(3);
    expect(findings.some((l) => l.includes(',iban,financial,'))).toBe(true);
    const register = (await readFile(join(work, 'out/register.csv'), 'utf8')).trim().split('\r\n');
    expect(register).toHaveLength(2);
    expect(register[1]).toMatch(/^HR,"contact, financial",,"email, iban",1,1,2,/);
  });

  it('uses a semicolon by default and refuses another delimiter', async () => {
    await cli(['scan', 'share', '--out', 'semi', '--format', 'register']);
    expect((await readFile(join(work, 'semi/register.csv'), 'utf8')).split('\r\n')[1]).toMatch(/^HR;contact, financial;;email, iban;1;1;2;/);
    await expect(cli(['scan', 'share', '--out', 'tab', '--format', 'csv', '--csv-delimiter', 'tab'])).rejects.toMatchObject({ code: 2 });
  });
});
