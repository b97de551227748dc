/**
 * The access collector: picks how to read who can access an item, per platform and mount.
 * - Windows: `icacls` (NTFS ACL).
 * - Linux, path on a CIFS/SMB mount, `getcifsacl` installed: the share's Windows ACL.
 * - Elsewhere: the POSIX ACL through batched `getfacl`, or mode bits when getfacl is missing.
 * Reading an ACL costs a process per batch, so it is done for items with findings and folders;
 * other items get mode bits from the crawl's stat, which costs nothing.
 */
import { spawnSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { stat } from 'node:fs/promises';
import pLimit from 'p-limit';
import type { Access, SourceItem } from '../model.js';
import { runGetcifsacl } from './cifsacl.js';
import { GetfaclBatcher } from './getfacl.js';
import { runIcacls } from './icacls.js';
import { evaluateNtAcl } from './ntfs.js';
import { aclFromMode, evaluatePosixAcl, groupName, posixAccess, userName } from './posix.js';
import type { BroadOptions } from './principals.js';

export interface AccessOptions extends BroadOptions {
  /** Read ACLs (getfacl, icacls, getcifsacl); false: mode bits only. Default true. */
  acl?: boolean;
}

export interface Mount {
  dir: string;
  type: string;
}

/** Mount points from /proc/mounts text, longest first, so the first prefix match is the right one. */
export function parseMounts(text: string): Mount[] {
  return text
    .split('\n')
    .map((line) => line.split(' '))
    .filter((f) => f.length >= 3)
    .map((f) => ({ dir: (f[1] ?? '').replace(/\\([0-7]{3})/g, (_m, o: string) => String.fromCharCode(Number.parseInt(o, 8))), type: f[2] ?? '' }))
    .sort((a, b) => b.dir.length - a.dir.length);
}

/** The file-system type a path (latin1, one char per byte) lies on. */
export function mountTypeOf(mounts: readonly Mount[], path: string): string | undefined {
  return mounts.find((m) => path === m.dir || path.startsWith(m.dir.endsWith('/') ? m.dir : `${m.dir}/`))?.type;
}

function readMounts(): Mount[] {
  try {
    // latin1: mount points are bytes, compared with path bytes the same way.
    return parseMounts(readFileSync('/proc/mounts', 'latin1'));
  } catch {
    return [];
  }
}

function hasCommand(command: string, args: string[]): boolean {
  try {
    const r = spawnSync(command, args, { stdio: 'ignore', timeout: 5_000 });
    return !r.error;
  } catch {
    return false;
  }
}

export class AccessCollector {
  private readonly getfacl = new GetfaclBatcher();
  private readonly perFile = pLimit(4);
  private mounts?: Mount[];
  private cifsTool?: boolean;

  constructor(
    private readonly options: AccessOptions = {},
    private readonly platform: NodeJS.Platform = process.platform,
  ) {}

  /** Mode bits only: for items without findings. Windows' stat invents mode bits (0666), so none there. */
  cheap(item: SourceItem): Access | undefined {
    return this.platform === 'win32' ? undefined : posixAccess(item, this.options);
  }

  /** The ACL of a file at this location, or undefined when none can be read (or ACLs are off). */
  async acl(location: Buffer, mode: number | undefined): Promise<Access | undefined> {
    if (this.options.acl === false) return undefined;
    return this.readAcl(location, mode);
  }

  /** A folder's access, including its default (inherited) ACL entries. */
  async folder(location: Buffer): Promise<Access | undefined> {
    let mode: number | undefined;
    let uid: number | undefined;
    let gid: number | undefined;
    try {
      // stat, not lstat: a folder reached through a followed link is read as the folder it is.
      const s = await stat(location);
      ({ mode, uid, gid } = s);
    } catch {
      return undefined;
    }
    if (this.options.acl !== false) {
      const acl = await this.readAcl(location, mode);
      if (acl) return acl;
    }
    if (this.platform === 'win32') return undefined;
    return evaluatePosixAcl(aclFromMode(userName(uid), groupName(gid), mode), mode, this.options);
  }

  private async readAcl(location: Buffer, mode: number | undefined): Promise<Access | undefined> {
    if (this.platform === 'win32') {
      const acl = await this.perFile(() => runIcacls(location.toString('utf8')));
      return acl ? evaluateNtAcl(acl, 'ntfs', this.options) : undefined;
    }
    if (this.onCifs(location)) {
      const acl = await this.perFile(() => runGetcifsacl(location.toString('utf8')));
      if (acl) return evaluateNtAcl(acl, 'cifs', this.options);
    }
    const acl = await this.getfacl.get(location);
    return acl ? evaluatePosixAcl(acl, mode, this.options) : undefined;
  }

  private onCifs(location: Buffer): boolean {
    if (this.platform !== 'linux') return false;
    this.mounts ??= readMounts();
    const type = mountTypeOf(this.mounts, location.toString('latin1'));
    if (type !== 'cifs' && type !== 'smb3') return false;
    this.cifsTool ??= hasCommand('getcifsacl', ['-v']);
    return this.cifsTool;
  }
}
