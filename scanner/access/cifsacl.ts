/**
 * The Windows ACL of a file on a CIFS/SMB mount (Linux, mounted with `cifsacl`), through
 * `getcifsacl PATH…` (Debian package `cifs-utils`). Output per file:
 *
 *     # filename: /mnt/share/HR/salarissen.xlsx      (newer versions only)
 *     REVISION:0x1
 *     CONTROL:0x9404
 *     OWNER:CONTOSO\j.jansen
 *     GROUP:CONTOSO\Domain Users
 *     DACL:                                          (newer versions only)
 *     ACL:Everyone:ALLOWED/I/READ
 *
 * An `ACL:` line is `PRINCIPAL:TYPE/FLAGS/MASK`: TYPE ALLOWED or DENIED; FLAGS `OI|CI|NP|IO|I`
 * or `0x0`; MASK FULL, CHANGE, READ, D, letters from RWXDPO, or a hex access mask. Principals
 * are names when the idmap plugin (winbind, sssd) resolves them, SIDs otherwise. ACL lines after
 * `SACL:` are audit entries, not access.
 */
import { cleanPrincipal, type NtAce, type NtAcl, orderRights } from './ntfs.js';
import { runTool } from './run-tool.js';

const MASK_WORDS: Record<string, string[]> = {
  FULL: ['full'],
  CHANGE: ['read', 'write', 'execute', 'delete'],
  READ: ['read', 'execute'],
  D: ['delete'],
};

const LETTERS: Record<string, string> = { R: 'read', W: 'write', X: 'execute', D: 'delete', P: 'change-permissions', O: 'take-ownership' };

/** Access-mask bits (MS-DTYP 2.4.3) that decide the normalised rights. */
const BITS: [number, string][] = [
  [0x10000000, 'full'], // GENERIC_ALL
  [0x80000000, 'read'], // GENERIC_READ
  [0x00000001, 'read'], // FILE_READ_DATA / LIST_DIRECTORY
  [0x40000000, 'write'], // GENERIC_WRITE
  [0x00000002, 'write'], // FILE_WRITE_DATA
  [0x00000004, 'write'], // FILE_APPEND_DATA
  [0x20000000, 'execute'], // GENERIC_EXECUTE
  [0x00000020, 'execute'], // FILE_EXECUTE
  [0x00010000, 'delete'], // DELETE
  [0x00040000, 'change-permissions'], // WRITE_DAC
  [0x00080000, 'take-ownership'], // WRITE_OWNER
];

export function rightsFromMask(mask: string): string[] {
  const word = MASK_WORDS[mask];
  if (word) return word;
  if (/^0x[0-9a-f]+$/i.test(mask)) {
    const value = Number.parseInt(mask, 16);
    if ((value & 0x1f01ff) === 0x1f01ff) return ['full'];
    return orderRights(BITS.filter(([bit]) => (value & bit) >>> 0 !== 0).map(([, right]) => right));
  }
  return orderRights([...mask].map((c) => LETTERS[c] ?? '').filter(Boolean));
}

function parseAce(rest: string): NtAce | undefined {
  // The principal may itself contain `:` only in exotic names; type/flags/mask never do.
  const m = /^(.*):([A-Z_]+)\/([^/]*)\/(\S+)\s*$/.exec(rest);
  if (!m) return undefined;
  const type = m[2] ?? '';
  if (type !== 'ALLOWED' && type !== 'DENIED') return undefined; // object and callback ACEs are not evaluated
  const flags = new Set((m[3] ?? '').split('|'));
  return {
    principal: cleanPrincipal(m[1] ?? ''),
    type: type === 'DENIED' ? 'deny' : 'allow',
    rights: rightsFromMask(m[4] ?? ''),
    inherited: flags.has('I'),
    inheritOnly: flags.has('IO'),
    native: `${type}/${m[3]}/${m[4]}`,
  };
}

/** Parses getcifsacl output; one ACL per file, keyed by `# filename:` (or `''` for a single file from an older version). */
export function parseGetcifsacl(output: string): Map<string, NtAcl> {
  const result = new Map<string, NtAcl>();
  let file = '';
  let acl: NtAcl | undefined;
  let inSacl = false;
  const flush = () => {
    if (acl) result.set(file, acl);
    acl = undefined;
    file = '';
    inSacl = false;
  };
  for (const raw of output.split(/\r?\n/)) {
    const line = raw.trimEnd();
    if (line.startsWith('# filename: ')) {
      flush();
      file = line.slice('# filename: '.length);
      continue;
    }
    if (line === '') continue;
    if (line.startsWith('REVISION:') && acl?.aces.length) {
      // An older getcifsacl, several files, no headers: a new descriptor starts.
      const keep = file;
      flush();
      file = keep;
    }
    acl ??= { aces: [] };
    if (line.startsWith('OWNER:')) acl.owner = cleanPrincipal(line.slice(6));
    else if (line.startsWith('GROUP:')) acl.group = cleanPrincipal(line.slice(6));
    else if (line === 'SACL:') inSacl = true;
    else if (line === 'DACL:') inSacl = false;
    else if (line.startsWith('ACL:') && !inSacl) {
      const ace = parseAce(line.slice(4));
      if (ace) acl.aces.push(ace);
    }
  }
  flush();
  return result;
}

/** Runs `getcifsacl PATH` for one file. Resolves undefined when the tool is missing or fails. */
export async function runGetcifsacl(path: string, timeoutMs = 30_000): Promise<NtAcl | undefined> {
  const { stdout, code } = await runTool('getcifsacl', [path], { timeoutMs });
  if (code !== 0) return undefined;
  return [...parseGetcifsacl(stdout.toString('utf8')).values()][0];
}
