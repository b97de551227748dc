/**
 * What parser libraries print inside a worker never reaches the user's terminal: SheetJS prints
 * "Bad compressed size: …" for each entry of `noisyXlsx` (and, for other files, text from the file
 * such as "Cannot hydrate range ListData!$I$2 …"). By default stderr stays clean; `--debug` shows
 * each line with a prefix, masked by the scan's detectors.
 */
import { mkdir, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { Worker } from 'node:worker_threads';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { noisyXlsx } from '../fixtures/noisy-files.js';
import { REPO, readReport, runCli, tempDir } from './helpers.js';

let dir: string;
let cleanup: () => Promise<void>;

beforeAll(async () => {
  ({ dir, cleanup } = await tempDir('worker-console'));
  await mkdir(join(dir, 'share'));
  for (let i = 0; i < 3; i++)
    await writeFile(
      join(dir, 'share', `lijst-${i}.xlsx`),
      noisyXlsx([
        ['naam', 'bsn'],
        [`Klant ${i}`, '123456782'],
      ]),
    );
});
afterAll(async () => {
  await cleanup();
});

describe('worker console output', () => {
  it('leaves stderr clean by default while the file is still read', async () => {
    const out = join(dir, 'out');
    const run = await runCli(['scan', join(dir, 'share'), '--out', out, '--workers', '2'], { env: { INZAGE_STATE_DIR: join(dir, 'state') } });
    expect(run.code, run.stderr).toBe(0);
    expect(run.stderr).toBe('');
    expect(run.stdout).not.toMatch(/Bad (un)?compressed size/);
    const report = await readReport(out);
    expect(report.items.map((i) => [i.error, i.findings.map((f) => f.type)])).toEqual([
      [null, ['nl-bsn']],
      [null, ['nl-bsn']],
      [null, ['nl-bsn']],
    ]);
  });

  it('shows it with --debug, one prefixed line per line printed', async () => {
    const run = await runCli(['scan', join(dir, 'share'), '--out', join(dir, 'out-debug'), '--workers', '1', '--debug'], {
      env: { INZAGE_STATE_DIR: join(dir, 'state-debug') },
    });
    expect(run.code, run.stderr).toBe(0);
    const lines = run.stderr.split('\n').filter(Boolean);
    expect(lines.length).toBeGreaterThan(0);
    expect(lines.every((l) => l.startsWith('inzage debug (worker output, masked): '))).toBe(true);
    expect(run.stderr).toMatch(/Bad compressed size: \d+ != \d+/);
  });

  it('masks what a parser prints in --debug with the scan engine', async () => {
    const code = `
      import { routeWorkerConsole } from ${JSON.stringify(pathToFileURL(join(REPO, 'dist/scanner/pipeline/worker-console.js')).href)};
      import { buildScanEngine } from ${JSON.stringify(pathToFileURL(join(REPO, 'dist/scanner/pipeline/scan-engine.js')).href)};
      const engine = await buildScanEngine({ minConfidence: 0.5 }, () => '');
      routeWorkerConsole(true, () => (text) => engine.redact(text));
      console.error('Cannot hydrate range Klanten!$A$1 BSN 123456782 van jan.jansen@example.nl');
      console.log('tweede regel NL91ABNA0417164300');
      process.stderr.write('', () => process.exit(0));
    `;
    const worker = new Worker(new URL(`data:text/javascript,${encodeURIComponent(code)}`), { stderr: true, stdout: true });
    let text = '';
    worker.stderr.on('data', (d) => {
      text += d;
    });
    worker.stdout.on('data', (d) => {
      text += d;
    });
    await new Promise((resolve, reject) => {
      worker.on('exit', resolve);
      worker.on('error', reject);
    });
    expect(text).toContain('inzage debug (worker output, masked): Cannot hydrate range Klanten!$A$1 BSN ');
    expect(text).not.toContain('123456782');
    expect(text).not.toContain('jan.jansen@example.nl');
    expect(text).not.toContain('NL91ABNA0417164300');
    expect(text.split('\n').filter(Boolean)).toHaveLength(2);
  });
});
