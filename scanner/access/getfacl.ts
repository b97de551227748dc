/**
 * POSIX ACLs through `getfacl` (Debian package `acl`). Node cannot read extended attributes, and
 * getfacl also resolves ids to names through NSS (LDAP, sssd, winbind), which /etc/passwd alone
 * does not. Paths go to `getfacl -p -` on stdin as raw bytes, so names in broken UTF-8 work and
 * one process serves hundreds of files. getfacl escapes `\` and control bytes as `\ooo` in the
 * names it prints; we undo that to match each block to the bytes we asked for.
 */
import type { PosixAcl, PosixAclEntry } from './posix.js';
import { runTool } from './run-tool.js';

/** `\\` → `\`, `\ooo` → that byte. Input and output are latin1 strings, one char per byte. */
function unescapeBytes(text: string): string {
  return text.replace(/\\(\\|[0-7]{3})/g, (_m, code: string) => (code === '\\' ? '\\' : String.fromCharCode(Number.parseInt(code, 8))));
}

/** Decodes a name getfacl printed (user or group) to text. */
function unescapeName(latin1: string): string {
  return Buffer.from(unescapeBytes(latin1), 'latin1').toString('utf8');
}

/** A key for path bytes, usable in a Map. */
export function pathKey(path: Buffer): string {
  return path.toString('latin1');
}

/**
 * Parses getfacl output (as bytes) into one ACL per `# file:` block, keyed by pathKey of the
 * file's bytes. Blocks without a `# file:` header (getfacl -c) get the key `''`.
 */
export function parseGetfacl(output: Buffer | string): Map<string, PosixAcl> {
  const text = typeof output === 'string' ? Buffer.from(output, 'utf8').toString('latin1') : output.toString('latin1');
  const result = new Map<string, PosixAcl>();
  let file = '';
  let acl: PosixAcl | undefined;
  const flush = () => {
    if (acl) result.set(file, acl);
    acl = undefined;
    file = '';
  };
  for (const raw of text.split('\n')) {
    const line = raw.replace(/\r$/, '');
    if (line.trim() === '') {
      flush();
      continue;
    }
    acl ??= { owner: '', group: '', entries: [] };
    const header = /^# (file|owner|group): (.*)$/.exec(line);
    if (header) {
      const value = header[2] ?? '';
      if (header[1] === 'file') file = unescapeBytes(value);
      else if (header[1] === 'owner') acl.owner = unescapeName(value);
      else acl.group = unescapeName(value);
      continue;
    }
    if (line.startsWith('#')) continue; // `# flags: -s-` and other comments
    // `[default:]tag:qualifier:perms`, optionally followed by `\t#effective:r--`.
    const m = /^(default:)?(user|group|mask|other):([^:]*):([r-][w-][xXtT-])/.exec(line);
    if (!m) continue;
    const entry: PosixAclEntry = { tag: m[2] as PosixAclEntry['tag'], perms: (m[4] ?? '---').toLowerCase(), default: m[1] !== undefined };
    if (m[3]) entry.qualifier = unescapeName(m[3]);
    acl.entries.push(entry);
  }
  flush();
  return result;
}

export interface GetfaclResult {
  acls: Map<string, PosixAcl>;
  /** False when getfacl is not installed: callers fall back to mode bits. */
  available: boolean;
}

/** Runs `getfacl -p -` once for these paths. Paths with a newline cannot be passed this way and are left out. */
export async function runGetfacl(paths: readonly Buffer[], timeoutMs = 60_000): Promise<GetfaclResult> {
  const usable = paths.filter((p) => !p.includes(0x0a));
  if (usable.length === 0) return { acls: new Map(), available: true };
  const input = Buffer.concat(usable.flatMap((p) => [p, Buffer.from('\n')]));
  // Exit status 1 means some paths failed (deleted meanwhile, no permission): the rest still count.
  const { stdout, missing } = await runTool('getfacl', ['-p', '-'], { input, timeoutMs, env: { ...process.env, LC_ALL: 'C' } });
  return { acls: parseGetfacl(stdout), available: !missing };
}

/**
 * Collects ACL requests from many concurrent callers into few getfacl runs: starting a process
 * for each would cost more than the scan, so a request waits up to `gatherMs` for others (or
 * until `batchSize` are waiting). At most `processes` run at once; requests that arrive meanwhile
 * go out together when a run ends. The requests come in bursts (a chunk of files, then every
 * folder, each after its own stat), so a few milliseconds gather a burst; 100 ms cost every scan,
 * unchanged rescans too, a tenth of a second of idling for the last chunk and again for the folders.
 * The paths go to getfacl's standard input, so a batch is not bound by the command line's length:
 * a large one, as starting a process from a scanner whose heap holds a scan costs several
 * milliseconds of the main thread (10,000 files with findings: 40 starts took 0.34 s at 256 a batch).
 */
export class GetfaclBatcher {
  private queue: { path: Buffer; resolve: (acl: PosixAcl | undefined) => void }[] = [];
  private scheduled = false;
  private running = 0;
  available = true;

  constructor(
    private readonly batchSize = 2048,
    private readonly processes = 2,
    private readonly gatherMs = 5,
  ) {}

  get(path: Buffer): Promise<PosixAcl | undefined> {
    if (!this.available) return Promise.resolve(undefined);
    return new Promise((resolve) => {
      this.queue.push({ path, resolve });
      this.schedule();
    });
  }

  private schedule(): void {
    if (this.running >= this.processes || this.queue.length === 0) return;
    if (this.queue.length >= this.batchSize) {
      this.flush();
      return;
    }
    if (this.scheduled) return;
    this.scheduled = true;
    setTimeout(() => {
      this.scheduled = false;
      this.flush();
    }, this.gatherMs);
  }

  private flush(): void {
    while (this.running < this.processes && this.queue.length > 0) {
      const batch = this.queue.splice(0, this.batchSize);
      this.running++;
      void runGetfacl(batch.map((b) => b.path)).then(({ acls, available }) => {
        if (!available && this.available) {
          this.available = false;
          // Said once, not per file: the report then shows mode bits only, which can understate access.
          process.emitWarning('getfacl was not found, so POSIX ACLs are not read and access shows mode bits only (Debian, Ubuntu: apt-get install acl)', {
            code: 'INZAGE_NO_GETFACL',
          });
        }
        for (const b of batch) b.resolve(acls.get(pathKey(b.path)));
        this.running--;
        if (!this.available) for (const b of this.queue.splice(0)) b.resolve(undefined);
        this.schedule();
      });
    }
  }
}
