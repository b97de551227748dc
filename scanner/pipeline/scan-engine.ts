/**
 * The detection engine a scan runs: the built-in detectors minus the disabled ones, plus the custom
 * and plugin detectors of the config file. Built in each worker (functions cannot be posted to a
 * thread) and on the main thread where a source must mask text itself (mail subjects become item
 * paths), so both see the same detectors and nothing a config detector knows stays raw in a path.
 */
import { createEngine, type Engine } from '../../detectors/engine.js';
import { phoneRegionsOf } from '../../detectors/phone.js';
import { selectDetectors } from '../../detectors/registry.js';
import type { Hasher } from '../../detectors/types.js';
import { loadConfig } from '../config.js';

export interface EngineSettings {
  minConfidence: number;
  disabledDetectors?: string[];
  /** The config file with custom and plugin detectors, absolute. */
  configPath?: string;
  /** Where phone numbers without a country code belong (`--phone-region`); else the config's `phoneRegions`. */
  phoneRegions?: string[];
}

export async function buildScanEngine(settings: EngineSettings, hasher: Hasher): Promise<Engine> {
  // config.ts loads the file's checks (YAML, zod) only when there is a file to check.
  const config = settings.configPath ? await loadConfig(settings.configPath) : undefined;
  return createEngine(
    selectDetectors({
      disable: [...(settings.disabledDetectors ?? []), ...(config?.disable ?? [])],
      extra: config?.detectors ?? [],
      phoneRegions: phoneRegionsOf(settings.phoneRegions ?? config?.phoneRegions ?? []),
    }),
    hasher,
    { minConfidence: settings.minConfidence, recognizers: config?.recognizers ?? [] },
  );
}
