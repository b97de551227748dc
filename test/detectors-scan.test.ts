/**
 * End to end through the worker pool: a config file with a plugin reaches every worker, and the
 * item step raises Art. 9 findings in an item that names a person. Runs the built scanner (dist/),
 * as the CLI does; `npm test` builds first.
 */
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { pathToFileURL } from 'node:url';
import { describe, expect, it } from 'vitest';

// The built module, so the worker file (dist/scanner/pipeline/worker.js) exists; typed from the source.
const { scan } = (await import(
  pathToFileURL(resolve(import.meta.dirname, '../dist/scanner/pipeline/scan.js')).href
)) as typeof import('../scanner/pipeline/scan.js');

const root = mkdtempSync(join(tmpdir(), 'inzage-detectors-'));
const share = join(root, 'share');
const plugin = resolve(import.meta.dirname, '../examples/plugin-employee-number/index.js');

describe('config, plugins and the item step in a real scan', () => {
  it('finds plugin detectors in workers and raises special categories in identified items', async () => {
    const { mkdirSync } = await import('node:fs');
    mkdirSync(share);
    writeFileSync(join(share, 'verzuim.txt'), 'Naam: Jan de Vries\nPersoneelsnummer EMP-123456-6\nZiekmelding ontvangen op maandag.\n');
    writeFileSync(join(share, 'beleid.txt'), 'Beleid: bij ziekmelding belt u de bedrijfsarts.\n');
    const config = join(root, 'inzage.config.yaml');
    writeFileSync(config, `plugins:\n  - ${JSON.stringify(plugin)}\ndetectors:\n  disable: [phone]\n`);
    const report = await scan({ roots: [share], workers: 1, configPath: config, keyFile: join(root, 'key') });
    const byPath = new Map(report.items.map((i) => [i.path, i]));
    const personal = byPath.get('verzuim.txt')?.findings ?? [];
    expect(personal.map((f) => f.type).sort()).toEqual(['acme-employee-number', 'person-name', 'special-health']);
    expect(personal.find((f) => f.type === 'special-health')?.confidence).toBe(0.9);
    const policy = byPath.get('beleid.txt')?.findings ?? [];
    expect(policy.map((f) => f.type)).toEqual(['special-health', 'special-health']);
    for (const f of policy) expect(f.confidence).toBeLessThan(0.8);
    expect(JSON.stringify(report)).not.toContain('123456');
  });
});
