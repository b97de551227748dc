/**
 * FilesystemSource: walks local folders and mounted SMB/NFS shares and yields every file as an
 * item, including the ones it cannot read (each with an error), because the report is an inventory.
 *
 * Names are read as bytes, not strings: a file whose name is not valid UTF-8 (common on shares
 * filled from old Windows or Mac clients) still opens, shows with U+FFFD in `path`, and keeps its
 * exact bytes in its `uri`. Symbolic links are listed but not followed unless asked; when
 * followed, a folder already entered (same device and inode) is not entered again.
 */
import type { Dirent, Stats } from 'node:fs';
import { lstat, readdir, stat } from 'node:fs/promises';
import { basename, resolve } from 'node:path';
import picomatch from 'picomatch';
import { fsItemError, itemError } from '../errors.js';
import type { ItemError, SourceItem } from '../model.js';
import { formatSize } from '../size.js';
import type { SourceEvent } from './types.js';

export interface FilesystemOptions {
  include?: readonly string[];
  exclude?: readonly string[];
  followSymlinks?: boolean;
  /** Files larger than this are listed with error `too-large` and not read. */
  maxFileSize: number;
  /** Absolute folders never entered (the report folder, the state folder). */
  skipFolders?: readonly string[];
}

/** Folder and file names skipped everywhere: version control, dependencies, Office and LibreOffice lock files. */
export const DEFAULT_EXCLUDES = ['.git', '.svn', '.hg', 'node_modules', '.inzage', '~$*', '.~lock.*#'] as const;

const STAT_BATCH = 64;

interface Folder {
  abs: Buffer;
  rel: string;
}

export async function* crawlFilesystem(roots: readonly string[], options: FilesystemOptions): AsyncGenerator<SourceItem> {
  const matchOptions = { dot: true, basename: true } as const;
  const excluded = picomatch([...DEFAULT_EXCLUDES, ...(options.exclude ?? [])], matchOptions);
  const included = options.include?.length ? picomatch([...options.include], matchOptions) : () => true;
  const skip = new Set((options.skipFolders ?? []).map((p) => resolve(p)));

  for (const root of roots) {
    const rootAbs = resolve(root);
    const base = { root };
    let rootStat: Stats;
    try {
      rootStat = await stat(rootAbs);
    } catch (err) {
      yield { ...base, path: '', uri: fileUri(Buffer.from(rootAbs)), kind: 'folder', size: 0, error: fsItemError(err, 'opening the scan root') };
      continue;
    }
    if (!rootStat.isDirectory()) {
      const abs = Buffer.from(rootAbs);
      yield itemFromStat(base, abs, basename(rootAbs), rootStat, options);
      continue;
    }
    const visited = new Set<string>([`${rootStat.dev}:${rootStat.ino}`]);
    const stack: Folder[] = [{ abs: Buffer.from(rootAbs), rel: '' }];
    while (stack.length > 0) {
      const folder = stack.pop() as Folder;
      let entries: Dirent<Buffer>[];
      try {
        entries = await readdir(folder.abs, { withFileTypes: true, encoding: 'buffer' });
      } catch (err) {
        yield folderItem(base, folder, fsItemError(err, 'listing the folder'));
        continue;
      }
      // Sorted so that reports and tests are stable whatever order the file system returns.
      entries.sort((a, b) => Buffer.compare(a.name, b.name));
      const subfolders: Folder[] = [];
      for (let i = 0; i < entries.length; i += STAT_BATCH) {
        const batch = entries.slice(i, i + STAT_BATCH);
        const items = await Promise.all(
          batch.map(async (entry): Promise<SourceItem | Folder | undefined> => {
            const name = entry.name.toString('utf8');
            const rel = folder.rel ? `${folder.rel}/${name}` : name;
            const abs = Buffer.concat([folder.abs, Buffer.from('/'), entry.name]);
            if (entry.isDirectory()) {
              if (excluded(rel) || skip.has(abs.toString('utf8'))) return undefined;
              return { abs, rel };
            }
            if (excluded(rel)) return undefined;
            if (entry.isSymbolicLink()) return followLink(base, abs, rel, options, visited, excluded, included);
            if (!included(rel)) return undefined;
            try {
              return itemFromStat(base, abs, rel, await lstat(abs), options);
            } catch (err) {
              return { ...base, path: rel, uri: fileUri(abs), kind: 'file', size: 0, location: abs, error: fsItemError(err, 'reading file details') };
            }
          }),
        );
        for (const item of items) {
          if (!item) continue;
          if ('kind' in item) yield item;
          else subfolders.push(item);
        }
      }
      // Reverse so the stack pops folders in name order.
      for (let i = subfolders.length - 1; i >= 0; i--) stack.push(subfolders[i] as Folder);
      await markVisited(subfolders, visited);
    }
  }

  async function followLink(
    base: { root: string },
    abs: Buffer,
    rel: string,
    opts: FilesystemOptions,
    visited: Set<string>,
    isExcluded: (p: string) => boolean,
    isIncluded: (p: string) => boolean,
  ): Promise<SourceItem | Folder | undefined> {
    const linkItem = (error: ItemError): SourceItem => ({ ...base, path: rel, uri: fileUri(abs), kind: 'file', size: 0, location: abs, error });
    if (!opts.followSymlinks) {
      return isIncluded(rel) ? linkItem(itemError('symlink', 'symbolic link, not followed; use --follow-symlinks to scan what it points to')) : undefined;
    }
    let target: Stats;
    try {
      target = await stat(abs);
    } catch (err) {
      const code = (err as NodeJS.ErrnoException).code;
      if (code === 'ENOENT') return linkItem(itemError('not-found', 'symbolic link points to nothing (dangling link)'));
      return linkItem(fsItemError(err, 'following the symbolic link'));
    }
    if (target.isDirectory()) {
      if (isExcluded(rel)) return undefined;
      if (visited.has(`${target.dev}:${target.ino}`)) {
        return {
          ...linkItem(itemError('symlink-loop', 'symbolic link leads to a folder that is already scanned (a loop or a second way in); not entered again')),
          kind: 'folder',
        };
      }
      visited.add(`${target.dev}:${target.ino}`);
      return { abs, rel };
    }
    return isIncluded(rel) ? itemFromStat(base, abs, rel, target, opts) : undefined;
  }
}

/** The item for one file below a root, as the crawl would give it; for watch mode. */
export async function sourceItemFor(root: string, rel: string, options: FilesystemOptions): Promise<SourceItem> {
  const abs = Buffer.from(resolve(root, rel));
  const base = { root };
  try {
    const s = await lstat(abs);
    if (s.isSymbolicLink()) {
      const error = options.followSymlinks ? undefined : itemError('symlink', 'symbolic link, not followed; use --follow-symlinks to scan what it points to');
      if (error) return { ...base, path: rel, uri: fileUri(abs), kind: 'file', size: 0, location: abs, error };
      return itemFromStat(base, abs, rel, await stat(abs), options);
    }
    return itemFromStat(base, abs, rel, s, options);
  } catch (err) {
    return { ...base, path: rel, uri: fileUri(abs), kind: 'file', size: 0, location: abs, error: fsItemError(err, 'reading file details') };
  }
}

async function markVisited(folders: Folder[], visited: Set<string>): Promise<void> {
  await Promise.all(
    folders.map(async (f) => {
      try {
        const s = await stat(f.abs);
        visited.add(`${s.dev}:${s.ino}`);
      } catch {
        // Reported when the folder is listed.
      }
    }),
  );
}

function folderItem(base: { root: string }, folder: Folder, error: ItemError): SourceItem {
  return { ...base, path: folder.rel, uri: fileUri(folder.abs), kind: 'folder', size: 0, location: folder.abs, error };
}

function itemFromStat(base: { root: string }, abs: Buffer, rel: string, s: Stats, options: FilesystemOptions): SourceItem {
  const item: SourceItem = {
    ...base,
    path: rel,
    uri: fileUri(abs),
    kind: 'file',
    size: s.size,
    modified: s.mtime.toISOString(),
    location: abs,
    uid: s.uid,
    gid: s.gid,
    mode: s.mode,
    fingerprint: { size: s.size, mtimeMs: s.mtimeMs, ino: String(s.ino), dev: String(s.dev) },
    // chmod, chown and setfacl all change ctime: an equal pair means the ACL read last time still holds.
    accessVersion: `${s.mode}:${s.uid}:${s.gid}:${s.ctimeMs}`,
  };
  const special = specialKind(s);
  if (special) item.error = itemError('not-regular-file', `is a ${special}; not read`);
  else if (s.size > options.maxFileSize) {
    item.error = itemError('too-large', `is ${formatSize(s.size)}, over the ${formatSize(options.maxFileSize)} limit (--max-file-size); not read`);
  } else if (s.size === 0) item.error = itemError('empty', 'is empty; nothing to scan');
  return item;
}

function specialKind(s: Stats): string | undefined {
  if (s.isFile()) return undefined;
  if (s.isFIFO()) return 'FIFO (named pipe)';
  if (s.isSocket()) return 'socket';
  if (s.isCharacterDevice()) return 'character device';
  if (s.isBlockDevice()) return 'block device';
  if (s.isSymbolicLink()) return 'symbolic link';
  return 'special file';
}

/** A `file://` URI from raw path bytes: every byte outside the unreserved set is percent-encoded. */
export function fileUri(abs: Buffer): string {
  // Most paths need no escape at all: one test of the whole path (read one character per byte)
  // instead of a test per byte, as the crawl makes a URI for every file and the roll-up for every item.
  const text = abs.toString('latin1');
  if (URI_SAFE_PATH.test(text)) return `file://${text}`;
  let out = 'file://';
  for (let i = 0; i < abs.length; i++) out += URI_BYTE[abs[i] as number];
  return out;
}

const URI_SAFE_PATH = /^[A-Za-z0-9\-._~/]*$/;
/** Each byte as it stands in a file URI: itself when unreserved (or `/`), else percent-encoded. */
const URI_BYTE = Array.from({ length: 256 }, (_, byte) => {
  const ch = String.fromCharCode(byte);
  return /[A-Za-z0-9\-._~/]/.test(ch) ? ch : `%${byte.toString(16).toUpperCase().padStart(2, '0')}`;
});

/** The filesystem as a source of events (sources/types.ts): every file and unreadable folder an item. */
export async function* filesystemSource(roots: readonly string[], options: FilesystemOptions): AsyncGenerator<SourceEvent> {
  for await (const item of crawlFilesystem(roots, options)) yield { type: 'item', item };
}
