import { createHmac } from 'node:crypto';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { describe, expect, it } from 'vitest';
import { createEngine } from '../detectors/engine.js';
import { selectDetectors } from '../detectors/registry.js';
import { ConfigError, loadConfig } from './config.js';
import { customDetector } from './config-file.js';

const hasher = (type: string, value: string) => createHmac('sha256', 'k').update(`${type}\0${value}`).digest('hex');
const dir = mkdtempSync(join(tmpdir(), 'inzage-config-'));
const write = (name: string, text: string) => {
  const file = join(dir, name);
  writeFileSync(file, text);
  return file;
};
const examplePlugin = resolve(import.meta.dirname, '../examples/plugin-employee-number/index.js');

describe('loadConfig', () => {
  it('returns an empty config when there is no file', async () => {
    const config = await loadConfig(undefined, dir);
    expect(config.detectors).toEqual([]);
    expect(config.path).toBeUndefined();
    // Made without the schema (not loaded when there is no file), it must be what the schema makes of nothing.
    const file = join(dir, 'empty.json');
    writeFileSync(file, '{}');
    const { path: _path, ...fromFile } = await loadConfig(file, dir);
    expect(config).toEqual(fromFile);
  });

  it('builds custom detectors from YAML with a named validator and keywords', async () => {
    const file = write(
      'custom.yaml',
      `detectors:
  disable: [nl-license-plate]
  custom:
    - id: acme-customer-card
      category: financial
      pattern: 'ACME[ -]?\\d{4}[ -]?\\d{4}'
      keywords: [acme]
      validator: luhn
      confidence: 0.8
      context: [klantkaart]
`,
    );
    const config = await loadConfig(file);
    expect(config.disable).toEqual(['nl-license-plate']);
    expect(config.detectors.map((d) => d.id)).toEqual(['acme-customer-card']);
    const engine = createEngine(selectDetectors({ extra: config.detectors }), hasher);
    // 1234 5674 passes Luhn, 1234 5678 does not.
    const found = engine.detect({ text: 'klantkaart ACME 1234 5674 en ACME 1234 5678', where: { line: 1 } }).filter((f) => f.type === 'acme-customer-card');
    expect(found).toHaveLength(1);
    expect(found[0]?.basis).toEqual(['custom', 'checksum', 'context']);
    expect(found[0]?.masked).toBe('**********74');
  });

  it('reads the m365 section, resolving a relative certificate path against the config file', async () => {
    const file = write(
      'm365.yaml',
      `m365:\n  tenantId: t-1\n  clientId: c-1\n  certificatePath: certs/app.pem\n  graphEndpoint: https://graph.microsoft.us\n  sites: [all]\n`,
    );
    const config = await loadConfig(file);
    expect(config.m365).toEqual({
      tenantId: 't-1',
      clientId: 'c-1',
      certificatePath: join(dir, 'certs/app.pem'),
      graphEndpoint: 'https://graph.microsoft.us',
      sites: ['all'],
    });
    await expect(loadConfig(write('m365-bad.yaml', 'm365:\n  AZURE_TENANT_ID: t-1\n'))).rejects.toThrow(/m365: Unrecognized key.*AZURE_TENANT_ID/);
  });

  it('reads JSON too', async () => {
    const file = write('inzage.config.json', JSON.stringify({ detectors: { custom: [{ id: 'x-code', category: 'identity', pattern: 'XC-\\d{5}' }] } }));
    const config = await loadConfig(undefined, dir);
    expect(config.path).toBe(file);
    expect(config.detectors[0]?.id).toBe('x-code');
  });

  it('points errors at the key', async () => {
    const file = write('bad.yaml', `detectors:\n  custom:\n    - id: ok-id\n      category: identity\n      pattern: 'a'\n      validator: crc32\n`);
    await expect(loadConfig(file)).rejects.toThrow(/bad\.yaml: detectors\.custom\[0\]\.validator: /);
    const typo = write('typo.yaml', `detectors:\n  custom:\n    - id: ok-id\n      category: identity\n      patern: 'a'\n`);
    await expect(loadConfig(typo)).rejects.toThrow(/detectors\.custom\[0\]\.pattern: .*; detectors\.custom\[0\]: Unrecognized key/);
    await expect(loadConfig(write('broken.yaml', 'detectors: [unclosed'))).rejects.toThrow(ConfigError);
  });

  it('rejects patterns RE2 cannot run in linear time (backreferences) with the key', async () => {
    const file = write('backref.yaml', `detectors:\n  custom:\n    - id: rep\n      category: identity\n      pattern: '(a)\\1'\n`);
    await expect(loadConfig(file)).rejects.toThrow(/detectors\.custom\[0\]\.pattern: not a pattern RE2 accepts/);
  });

  it('runs a catastrophic pattern in linear time: (a+)+$ on a long run of a', () => {
    const detector = customDetector({ id: 'evil', category: 'identity', pattern: '(a+)+$', caseInsensitive: false, confidence: 0.9, keepLast: 0 });
    const engine = createEngine([detector], hasher);
    // With a backtracking engine this input takes longer than the age of the universe.
    const text = `${'a'.repeat(50_000)}!`;
    const started = process.hrtime.bigint();
    expect(engine.detect({ text, where: { line: 1 } })).toEqual([]);
    const seconds = Number(process.hrtime.bigint() - started) / 1e9;
    // Not a timing assertion on speed, only on not hanging: linear time finishes in well under this.
    expect(seconds).toBeLessThan(30);
    expect(engine.detect({ text: 'xx aaaa', where: { line: 1 } })).toHaveLength(1);
  });

  it('loads the example plugin by path and its detector runs through the same engine', async () => {
    const file = write('plugin.yaml', `plugins:\n  - ${JSON.stringify(examplePlugin)}\n`);
    const config = await loadConfig(file);
    expect(config.detectors.map((d) => d.id)).toEqual(['acme-employee-number']);
    const plugin = config.detectors[0];
    const engine = createEngine(selectDetectors({ extra: config.detectors }), hasher);
    for (const text of plugin?.examples.valid ?? []) {
      expect(engine.detect({ text, where: { line: 1 } }).filter((f) => f.type === 'acme-employee-number')).toHaveLength(1);
    }
    for (const text of plugin?.examples.invalid ?? []) {
      expect(engine.detect({ text, where: { line: 1 } }).filter((f) => f.type === 'acme-employee-number')).toHaveLength(0);
    }
  });

  it('rejects a plugin whose detector lacks a mask, naming the plugin and the key', async () => {
    const bad = write(
      'bad-plugin.mjs',
      `export const detectors = [{ id: 'no-mask', category: 'identity', description: 'x', patterns: [{ name: 'p', regex: /x/g, score: 0.5 }], examples: { valid: [], invalid: [] } }];\n`,
    );
    const file = write('bad-plugin.yaml', `plugins: ['./bad-plugin.mjs']\n`);
    await expect(loadConfig(file)).rejects.toThrow(/plugins\[0\]: plugin "\.\/bad-plugin\.mjs" detectors\[0\]: mask: /);
    expect(bad).toContain('bad-plugin');
  });

  it('rejects a plugin that cannot be found', async () => {
    const file = write('missing.yaml', `plugins: ['inzage-plugin-that-does-not-exist']\n`);
    await expect(loadConfig(file)).rejects.toThrow(/plugins\[0\]: cannot load plugin/);
  });
});
