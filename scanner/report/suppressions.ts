/**
 * Decisions that survive rescans: `.inzageignore` files (globs of paths never scanned) and a
 * suppression file of findings that are known and accepted, each with a reason and an optional
 * expiry. Suppressed findings stay in the report, marked and counted; `--fail-on` ignores them.
 *
 * ```yaml
 * suppressions:
 *   - hash: 3f2a…            # one value, wherever it is
 *     reason: test account of the helpdesk
 *   - path: "Archief/2019/**" # a path glob, optionally with a type
 *     type: nl-bsn
 *     reason: archive under legal hold until 2027, see DPIA-12
 *     expires: 2027-01-01
 * ```
 */
import { readFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import picomatch from 'picomatch';
import { InzageError } from '../errors.js';

/** The file's schema, built on first use: zod and the YAML parser load only when there is a file. */
async function suppressionFile() {
  const [{ z }, { parse: parseYaml }] = await Promise.all([import('zod'), import('yaml')]);
  const entrySchema = z
    .object({
      hash: z
        .string()
        .regex(/^[0-9a-f]{64}$/, 'a hash is 64 hex characters, as in the report')
        .optional(),
      path: z.string().min(1).optional(),
      type: z.string().min(1).optional(),
      reason: z.string().min(1, 'say why this is suppressed'),
      expires: z.union([z.string(), z.date()]).optional(),
    })
    .strict()
    .refine((e) => e.hash || e.path || e.type, { message: 'an entry needs a hash, a path or a type' });
  return { parseYaml, schema: z.object({ suppressions: z.array(entrySchema) }).strict() };
}

export interface Suppression {
  hash?: string;
  path?: string;
  type?: string;
  reason: string;
  expires?: Date;
}

export interface Suppressions {
  /** The reason of the first live entry matching this finding, if any. */
  match(item: { path: string; entry?: string }, finding: { type: string; hash: string }): string | undefined;
  /** Entries past their expiry date, which no longer apply. */
  expired: Suppression[];
  /** True when no entry applies, so no finding can match (a report need not ask per finding). */
  none?: boolean;
}

export async function loadSuppressions(file: string | undefined, now = new Date()): Promise<Suppressions> {
  if (!file) return { match: () => undefined, expired: [], none: true };
  const { parseYaml, schema: fileSchema } = await suppressionFile();
  let raw: unknown;
  try {
    raw = parseYaml(readFileSync(file, 'utf8'));
  } catch (err) {
    throw new InzageError('bad-suppressions', `cannot read the suppression file ${file}: ${(err as Error).message}`);
  }
  const parsed = fileSchema.safeParse(raw);
  if (!parsed.success) {
    const issue = parsed.error.issues[0];
    throw new InzageError('bad-suppressions', `${file}: ${issue?.path.join('.') || '(top)'}: ${issue?.message}`);
  }
  const entries: Suppression[] = parsed.data.suppressions.map((e, i) => {
    const expires = e.expires === undefined ? undefined : new Date(e.expires);
    if (expires && Number.isNaN(expires.getTime()))
      throw new InzageError('bad-suppressions', `${file}: suppressions.${i}.expires: not a date (write 2027-01-01)`);
    return {
      ...(e.hash ? { hash: e.hash } : {}),
      ...(e.path ? { path: e.path } : {}),
      ...(e.type ? { type: e.type } : {}),
      reason: e.reason,
      ...(expires ? { expires } : {}),
    };
  });
  const live = entries.filter((e) => !e.expires || e.expires > now);
  const matchers = live.map((e) => ({ entry: e, path: e.path ? picomatch(e.path, { dot: true }) : undefined }));
  return {
    expired: entries.filter((e) => e.expires && e.expires <= now),
    none: live.length === 0,
    match(item, finding) {
      const full = item.entry ? `${item.path}/${item.entry}` : item.path;
      for (const { entry, path } of matchers) {
        if (entry.hash && entry.hash !== finding.hash) continue;
        if (entry.type && entry.type !== finding.type) continue;
        if (path && !path(item.path) && !path(full)) continue;
        return entry.reason;
      }
      return undefined;
    },
  };
}

/** Globs from `.inzageignore` in each root and in the working directory; `#` starts a comment. */
export function readIgnoreFiles(roots: readonly string[], cwd = process.cwd()): string[] {
  const globs: string[] = [];
  for (const dir of new Set([...roots.map((r) => resolve(r)), resolve(cwd)])) {
    let text: string;
    try {
      text = readFileSync(join(dir, '.inzageignore'), 'utf8');
    } catch {
      continue;
    }
    for (const line of text.split(/\r?\n/)) {
      const glob = line.replace(/#.*/, '').trim();
      if (glob) globs.push(glob.replace(/^\//, '').replace(/\/$/, ''));
    }
  }
  return globs;
}
