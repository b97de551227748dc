/**
 * The per-item finding cap: a file with far more findings than the cap ends with the first ones
 * listed, counts per type, and `truncated` with the total, instead of a worker heap filled with
 * findings. The report, the risk and `inzage find` still see the item.
 */
import { mkdir, readFile, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { readReport, runCli, tempDir } from './helpers.js';

const EMAILS = 60_000;
const CAP = 500;
let dir: string;
let cleanup: () => Promise<void>;

beforeAll(async () => {
  ({ dir, cleanup } = await tempDir('finding-cap'));
  const share = join(dir, 'share');
  const lines: string[] = [];
  for (let i = 0; i < EMAILS; i++) lines.push(`login ${i} klant${i}@example.nl`);
  // Types that first appear past the cap still get their first findings listed.
  for (let i = 0; i < 3; i++) lines.push('IBAN NL91ABNA0417164300');
  await mkdir(share, { recursive: true });
  await writeFile(join(share, 'logins.log'), `${lines.join('\n')}\n`);
  await writeFile(join(share, 'klein.txt'), 'mail jan.jansen@example.nl\n');
});
afterAll(async () => {
  await cleanup();
});

describe('per-item finding cap (--max-findings)', () => {
  it('keeps the first findings and counts per type beyond the cap, on a bounded worker heap', async () => {
    const out = join(dir, 'out');
    const state = join(dir, 'state');
    const run = await runCli(['scan', join(dir, 'share'), '--out', out, '--workers', '1', '--worker-memory', '256', '--max-findings', String(CAP)], {
      env: { INZAGE_STATE_DIR: state },
    });
    expect(run.code, run.stderr).toBe(0);
    const report = await readReport(out);
    const item = report.items.find((i) => i.path === 'logins.log');
    expect(item?.error).toBeNull();
    expect(item?.truncated).toEqual({ total: EMAILS + 3, kept: CAP + 3, byType: { email: EMAILS, iban: 3 } });
    expect(item?.findings.filter((f) => f.type === 'email')).toHaveLength(CAP);
    expect(item?.findings.filter((f) => f.type === 'iban')).toHaveLength(3);
    // The first ones, in order.
    expect(item?.findings[0]?.where).toEqual({ line: 1 });
    expect(item?.risk.level).not.toBe('none');
    expect(item?.risk.reasons).toContain(`${EMAILS + 3} findings in all, the first ${CAP + 3} listed (--max-findings)`);
    expect(report.items.find((i) => i.path === 'klein.txt')?.truncated).toBeUndefined();
    const schema = JSON.parse(await readFile(join(import.meta.dirname, '../reporters/report.schema.json'), 'utf8'));
    expect(schema.definitions.item.properties.truncated.required).toEqual(['total', 'kept', 'byType']);

    // find sees it, and the report rendered from the state keeps the mark.
    const found = await runCli(['find', '--email', 'klant7@example.nl', '--format', 'json', '--state-dir', state]);
    expect(found.code, found.stderr).toBe(0);
    expect(found.stdout).toContain('logins.log');
    const again = await runCli(['report', '--out', join(dir, 'again'), '--state-dir', state]);
    expect(again.code, again.stderr).toBe(0);
    expect((await readReport(join(dir, 'again'))).items.find((i) => i.path === 'logins.log')?.truncated?.total).toBe(EMAILS + 3);
  });
});
