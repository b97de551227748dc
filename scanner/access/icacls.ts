/**
 * NTFS ACLs on Windows through `icacls PATH`. Its output is the path, a space, and the first
 * entry; further entries are indented to the same column; a summary line follows:
 *
 *     D:\Shares\HR\salarissen.xlsx CONTOSO\HR-Medewerkers:(I)(M)
 *                                  Everyone:(I)(RX)
 *
 *     Successfully processed 1 files; Failed processing 0 files
 *
 * Each entry is `PRINCIPAL:(flag)…(rights)`: inheritance flags `(OI)(CI)(IO)(NP)(I)`, `(DENY)`,
 * then simple rights (F, M, RX, R, W, D, N) or a list of specific rights `(RD,WD,X)`.
 * icacls does not print the owner; the summary line is translated on non-English Windows and is
 * not relied on.
 */
import { cleanPrincipal, type NtAce, type NtAcl, orderRights } from './ntfs.js';
import { runTool } from './run-tool.js';

const SIMPLE: Record<string, string[]> = {
  F: ['full'],
  M: ['read', 'write', 'execute', 'delete'],
  RX: ['read', 'execute'],
  R: ['read'],
  W: ['write'],
  D: ['delete'],
  N: [],
};

const SPECIFIC: Record<string, string> = {
  GA: 'full',
  GR: 'read',
  RD: 'read',
  GW: 'write',
  WD: 'write',
  AD: 'write',
  GE: 'execute',
  X: 'execute',
  DE: 'delete',
  DC: 'delete',
  WDAC: 'change-permissions',
  WO: 'take-ownership',
};

const FLAGS = new Set(['OI', 'CI', 'IO', 'NP', 'I', 'DENY']);

/** `Everyone:(OI)(CI)(RX)` → an ACE, or undefined when the text is not an entry. */
export function parseIcaclsEntry(text: string): NtAce | undefined {
  const m = /^(.+?):((?:\([^()]*\))+)\s*$/.exec(text.trim());
  if (!m) return undefined;
  const groups = (m[2] ?? '').slice(1, -1).split(')(');
  const flags = new Set<string>();
  const rights: string[] = [];
  for (const group of groups) {
    const upper = group.toUpperCase();
    if (FLAGS.has(upper)) {
      flags.add(upper);
      continue;
    }
    const simple = SIMPLE[upper];
    if (simple) {
      rights.push(...simple);
      continue;
    }
    for (const code of upper.split(',')) {
      const right = SPECIFIC[code.trim()];
      if (right) rights.push(right);
    }
  }
  return {
    principal: cleanPrincipal(m[1] ?? ''),
    type: flags.has('DENY') ? 'deny' : 'allow',
    rights: orderRights(rights),
    inherited: flags.has('I'),
    inheritOnly: flags.has('IO'),
    native: m[2] ?? '',
  };
}

/**
 * Parses the output of `icacls PATH` for one path. `path` is what was passed, so a path with
 * spaces is cut off exactly; without it, the column of the indented lines tells where entries start.
 */
export function parseIcacls(output: string, path?: string): NtAcl {
  const lines = output.split(/\r?\n/).filter((l) => l.trim() !== '');
  const first = lines[0] ?? '';
  const indented = lines.slice(1).find((l) => /^\s+\S.*:\(/.test(l));
  let column: number;
  if (path !== undefined && first.startsWith(`${path} `)) column = path.length + 1;
  else if (indented) column = indented.length - indented.trimStart().length;
  else column = first.lastIndexOf(' ', first.indexOf(':(')) + 1;
  const aces: NtAce[] = [];
  for (const [i, line] of lines.entries()) {
    const text = i === 0 ? line.slice(column) : line;
    if (i > 0 && !/^\s/.test(line)) break; // the summary line
    const ace = parseIcaclsEntry(text);
    if (ace) aces.push(ace);
  }
  return { aces };
}

/** Runs `icacls PATH` (Windows only). Resolves undefined when it fails. */
export async function runIcacls(path: string, timeoutMs = 30_000): Promise<NtAcl | undefined> {
  const { stdout, code } = await runTool('icacls', [path], { timeoutMs });
  return code === 0 ? parseIcacls(stdout.toString('utf8'), path) : undefined;
}
