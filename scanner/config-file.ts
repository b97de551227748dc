/**
 * The contents of a config file checked and turned into detectors: the zod schemas, custom
 * detectors on RE2, plugins and recognisers. Loaded by `loadConfig` (config.ts) only when there
 * is a file, so a scan without one does not pay for these modules.
 */
import { createRequire } from 'node:module';
import { dirname, isAbsolute, resolve } from 'node:path';
import { pathToFileURL } from 'node:url';
import { RE2JS } from 're2js';
import { parse as parseYaml } from 'yaml';
import { z } from 'zod';
import { maskKeepLast } from '../detectors/mask.js';
import { presidioRecognizer } from '../detectors/ner.js';
import type { Candidate, Category, Detector } from '../detectors/types.js';
import { validators } from '../detectors/validators.js';
import { ConfigError, type InzageConfig } from './config.js';

export { parseYaml };

const CATEGORIES = ['contact', 'identity', 'online', 'financial', 'national-id', 'special'] as const satisfies readonly Category[];
const VALIDATOR_NAMES = Object.keys(validators) as [keyof typeof validators, ...(keyof typeof validators)[]];
/** Longer patterns are almost always a mistake, and RE2 programs grow with them. */
const MAX_PATTERN_LENGTH = 1000;

const customDetectorSchema = z
  .object({
    id: z.string().regex(/^[a-z0-9][a-z0-9-]{1,62}$/, 'use lower-case letters, digits and dashes, like "acme-employee-id"'),
    description: z.string().max(300).optional(),
    category: z.enum(CATEGORIES),
    pattern: z.string().min(1).max(MAX_PATTERN_LENGTH),
    caseInsensitive: z.boolean().default(false),
    keywords: z.array(z.string().min(1)).optional(),
    context: z.array(z.string().min(1)).optional(),
    negativeContext: z.array(z.string().min(1)).optional(),
    validator: z.enum(VALIDATOR_NAMES).optional(),
    confidence: z.number().min(0).max(1).default(0.6),
    /** How many trailing letters/digits the masked form keeps. */
    keepLast: z.number().int().min(0).max(4).default(2),
  })
  .strict();

const recognizerSchema = z
  .object({
    type: z.literal('presidio'),
    url: z.url(),
    language: z.enum(['nl', 'en', 'de', 'fr']).optional(),
    scoreThreshold: z.number().min(0).max(1).optional(),
    timeoutMs: z.number().int().positive().optional(),
  })
  .strict();

/**
 * Microsoft 365: the Azure SDK's variables under their own names (AZURE_TENANT_ID is `tenantId`, …)
 * plus the Graph endpoint and what `--m365` scopes by. Command-line flags win, then the AZURE_*
 * environment variables, then these. Strict, so a misspelt key is an error and not ignored.
 */
const m365Schema = z
  .object({
    tenantId: z.string().min(1).optional(),
    clientId: z.string().min(1).optional(),
    clientSecret: z.string().min(1).optional(),
    certificatePath: z.string().min(1).optional(),
    authorityHost: z.string().min(1).optional(),
    graphEndpoint: z.string().min(1).optional(),
    cloud: z.enum(['global', 'us-gov', 'us-dod', 'china']).optional(),
    mailboxes: z.array(z.string().min(1)).optional(),
    group: z.string().min(1).optional(),
    includeFolders: z.array(z.string().min(1)).optional(),
    excludeFolders: z.array(z.string().min(1)).optional(),
    mail: z.boolean().optional(),
    oneDrive: z.boolean().optional(),
    sites: z.array(z.string().min(1)).optional(),
  })
  .strict();

/** Keys other parts of Inzage own pass through untouched; the detector and m365 keys are strict. */
export const configSchema = z.looseObject({
  minConfidence: z.number().min(0).max(1).optional(),
  /** Where phone numbers without a country code belong, first one first (ISO 3166 codes: NL, BE, DE…). */
  phoneRegions: z
    .array(z.string().regex(/^[A-Za-z]{2}$/, 'a two-letter country code such as NL, BE or DE'))
    .min(1)
    .optional(),
  detectors: z
    .object({
      disable: z.array(z.string()).default([]),
      custom: z.array(customDetectorSchema).default([]),
    })
    .strict()
    .default({ disable: [], custom: [] }),
  plugins: z.array(z.string().min(1)).default([]),
  recognizers: z.array(recognizerSchema).default([]),
  m365: m365Schema.optional(),
});

export type CustomDetectorConfig = z.infer<typeof customDetectorSchema>;
export type RawConfig = z.infer<typeof configSchema>;
export type M365Config = z.infer<typeof m365Schema>;

/** Checks parsed config data and builds its detectors; `file` names it in errors and anchors relative plugin paths. */
export async function resolveConfig(data: unknown, file: string): Promise<InzageConfig> {
  const parsed = configSchema.safeParse(data);
  if (!parsed.success) throw new ConfigError(`${file}: ${formatIssues(parsed.error.issues)}`);
  const raw = parsed.data;
  const detectors: Detector[] = raw.detectors.custom.map((c, i) => customDetector(c, `${file}: detectors.custom[${i}]`));
  for (const [i, spec] of raw.plugins.entries()) {
    for (const d of await loadPlugin(spec, file, `${file}: plugins[${i}]`)) detectors.push(d);
  }
  const ids = new Set<string>();
  for (const d of detectors) {
    if (ids.has(d.id)) throw new ConfigError(`${file}: two detectors share the id "${d.id}"`);
    ids.add(d.id);
  }
  return {
    path: file,
    raw,
    ...(raw.minConfidence !== undefined ? { minConfidence: raw.minConfidence } : {}),
    ...(raw.phoneRegions ? { phoneRegions: raw.phoneRegions.map((r) => r.toUpperCase()) } : {}),
    disable: raw.detectors.disable,
    detectors,
    recognizers: raw.recognizers.map((r) => presidioRecognizer(r)),
    ...(raw.m365 ? { m365: { ...raw.m365, ...(raw.m365.certificatePath ? { certificatePath: resolve(dirname(file), raw.m365.certificatePath) } : {}) } } : {}),
  };
}

function formatIssues(issues: readonly z.core.$ZodIssue[]): string {
  return issues
    .slice(0, 5)
    .map((issue) => `${formatPath(issue.path) || '(top level)'}: ${issue.message}`)
    .join('; ');
}

function formatPath(path: readonly PropertyKey[]): string {
  let out = '';
  for (const key of path) out += typeof key === 'number' ? `[${key}]` : `${out ? '.' : ''}${String(key)}`;
  return out;
}

/** A Detector from a config entry: an RE2 pattern, optional keywords and a named validator. */
export function customDetector(c: CustomDetectorConfig, where = 'custom detector'): Detector {
  let regex: RE2JS;
  try {
    regex = RE2JS.compile(c.pattern, c.caseInsensitive ? RE2JS.CASE_INSENSITIVE : 0);
  } catch (err) {
    // RE2 rejects backreferences and lookaround; its message quotes only the pattern, which is config.
    throw new ConfigError(`${where}.pattern: not a pattern RE2 accepts (${(err as Error).message})`);
  }
  const validator = c.validator ? validators[c.validator] : undefined;
  const context = c.context ? { en: c.context } : undefined;
  const negativeContext = c.negativeContext ? { en: c.negativeContext } : undefined;
  return {
    id: c.id,
    category: c.category,
    description: c.description ?? `Custom detector ${c.id} from the config file.`,
    ...(c.keywords ? { keywords: c.keywords } : {}),
    *find(text: string): Iterable<Candidate> {
      const m = regex.matcher(text);
      while (m.find()) {
        const start = m.start();
        const end = m.end();
        if (end > start) yield { start, end, score: c.confidence, pattern: 'custom' };
      }
    },
    ...(context ? { context } : {}),
    ...(negativeContext ? { negativeContext } : {}),
    // Separators are dropped, so `1234 5678` and `1234-5678` are one value. The numeric checks
    // (luhn, elfproef, mod97, mod11-10) read the digits only: `ACME 1234 5674` checks 12345674.
    normalize: (raw) => raw.replace(/[^\p{L}\p{N}]/gu, '').toUpperCase(),
    ...(validator ? { validate: (v: string) => validator(c.validator === 'mrz' ? v : v.replace(/\D/g, '')), checksum: true } : {}),
    mask: (v) => maskKeepLast(v, c.keepLast),
    examples: { valid: [], invalid: [] },
  };
}

const functionSchema = z.custom<(...args: never[]) => unknown>((v) => typeof v === 'function', 'must be a function');
const regexSchema = z.custom<RegExp>((v) => v instanceof RegExp && v.global, 'must be a RegExp with the g flag');
const wordsSchema = z.partialRecord(z.enum(['nl', 'en', 'de', 'fr']), z.array(z.string())).optional();
/** What a plugin's detector must look like: the Detector interface, checked at run time. */
const pluginDetectorSchema = z.object({
  id: z.string().regex(/^[a-z0-9][a-z0-9-]{1,62}$/),
  category: z.enum(CATEGORIES),
  description: z.string(),
  keywords: z.array(z.string()).optional(),
  patterns: z.array(z.object({ name: z.string(), regex: regexSchema, score: z.number().min(0).max(1) })).optional(),
  find: functionSchema.optional(),
  context: wordsSchema,
  negativeContext: wordsSchema,
  mask: functionSchema,
  examples: z.object({ valid: z.array(z.string()), invalid: z.array(z.string()) }),
});

/** Imports a plugin module and returns its detectors: export `detectors`, or a default array, object or (async) function. */
async function loadPlugin(spec: string, configFile: string, where: string): Promise<Detector[]> {
  const base = dirname(configFile);
  let url: string;
  if (spec.startsWith('.') || isAbsolute(spec)) {
    url = pathToFileURL(resolve(base, spec)).href;
  } else {
    try {
      url = pathToFileURL(createRequire(resolve(base, 'inzage.config.js')).resolve(spec)).href;
    } catch {
      url = spec;
    }
  }
  let mod: Record<string, unknown>;
  try {
    mod = (await import(url)) as Record<string, unknown>;
  } catch (err) {
    throw new ConfigError(`${where}: cannot load plugin "${spec}" (${(err as Error).message.split('\n')[0]})`);
  }
  let exported = mod.detectors ?? mod.default;
  if (typeof exported === 'function') exported = await (exported as () => unknown)();
  if (exported && !Array.isArray(exported) && typeof exported === 'object') exported = (exported as { detectors?: unknown }).detectors;
  if (!Array.isArray(exported)) throw new ConfigError(`${where}: plugin "${spec}" exports no detectors (export const detectors = [...])`);
  return exported.map((d, i) => {
    const checked = pluginDetectorSchema.safeParse(d);
    if (!checked.success) throw new ConfigError(`${where}: plugin "${spec}" detectors[${i}]: ${formatIssues(checked.error.issues)}`);
    if (!checked.data.patterns?.length && !checked.data.find) throw new ConfigError(`${where}: plugin "${spec}" detectors[${i}]: needs patterns or find`);
    return d as Detector;
  });
}
