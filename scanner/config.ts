/**
 * The config file (`inzage.config.yaml`, `.yml` or `.json`): custom detectors, plugin modules,
 * disabled detectors, model-based recognisers. Validated with zod; every error names the file
 * and the key (`detectors.custom[1].validator`), never a scanned value.
 *
 * User patterns run on RE2 semantics (re2js: linear time, no backreferences or lookaround), so
 * no pattern in a config file can make a scan backtrack for hours. Plugins are ES modules named
 * by path (relative to the config file) or package name; they export detectors built like the
 * core ones and are checked before use.
 *
 * Functions cannot cross into worker threads, so workers call `loadConfig` themselves with the
 * same path; loading is deterministic, so every thread runs the same detectors.
 */
import { existsSync, readFileSync } from 'node:fs';
import { resolve } from 'node:path';
import type { Recognizer } from '../detectors/ner.js';
import type { Detector } from '../detectors/types.js';
import type { M365Config, RawConfig } from './config-file.js';
import { InzageError } from './errors.js';

export const CONFIG_FILE_NAMES = ['inzage.config.yaml', 'inzage.config.yml', 'inzage.config.json'] as const;

export interface InzageConfig {
  /** The file read, absolute; undefined when none was found. */
  path?: string;
  raw: RawConfig;
  minConfidence?: number;
  /** Regions of phone numbers without a country code (config `phoneRegions`), upper case. */
  phoneRegions?: string[];
  /** Ids of detectors to switch off. */
  disable: string[];
  /** Custom detectors, then plugin detectors, ready for the registry. */
  detectors: Detector[];
  recognizers: Recognizer[];
  /** The `m365` section, as written (a relative certificatePath resolved against the config file). */
  m365?: M365Config;
}

export class ConfigError extends InzageError {
  constructor(message: string) {
    super('usage', message);
    this.name = 'ConfigError';
  }
}

/** What a scan runs with when there is no config file (what the schema makes of `{}`). */
const NO_CONFIG: InzageConfig = { raw: { detectors: { disable: [], custom: [] }, plugins: [], recognizers: [] }, disable: [], detectors: [], recognizers: [] };

/**
 * Reads and checks a config file; without a path, the first of CONFIG_FILE_NAMES in `cwd`.
 * Returns an empty config when no file is given or found.
 */
export async function loadConfig(path?: string, cwd = process.cwd()): Promise<InzageConfig> {
  const file = path ? resolve(cwd, path) : CONFIG_FILE_NAMES.map((n) => resolve(cwd, n)).find((f) => existsSync(f));
  if (!file) return structuredClone(NO_CONFIG);
  let text: string;
  try {
    text = readFileSync(file, 'utf8');
  } catch (err) {
    throw new ConfigError(`cannot read the config file ${file} (${(err as NodeJS.ErrnoException).code ?? 'error'})`);
  }
  // The checks (zod, YAML, RE2, the detectors) are loaded only when there is a file to check: they
  // took a fifth of a second of every scan's start.
  const { parseYaml, resolveConfig } = await import('./config-file.js');
  let data: unknown;
  try {
    data = file.endsWith('.json') ? JSON.parse(text) : parseYaml(text);
  } catch (err) {
    throw new ConfigError(`${file} is not valid ${file.endsWith('.json') ? 'JSON' : 'YAML'}: ${(err as Error).message.split('\n')[0]}`);
  }
  return resolveConfig(data ?? {}, file);
}
