/**
 * `inzage watch PATH…`: keeps the scan state current as files change, without rescanning the
 * tree. File events (chokidar) are collected and handled in debounced batches through the same
 * worker pool and state as a scan; one line is printed per item whose findings changed.
 * Starts with an incremental pass, which reads only what changed since the last scan.
 */
import { randomUUID } from 'node:crypto';
import { relative, resolve, sep } from 'node:path';
import { watch as chokidarWatch } from 'chokidar';
import picomatch from 'picomatch';
import type { Finding } from '../../detectors/types.js';
import { InzageError } from '../errors.js';
import { DEFAULT_MAX_FILE_SIZE, type ScanOptions, ScanSession, scan } from '../pipeline/scan.js';
import { readIgnoreFiles } from '../report/suppressions.js';
import { DEFAULT_EXCLUDES, sourceItemFor } from '../sources/filesystem.js';

export interface WatchOptions extends ScanOptions {
  debounceMs?: number;
  initialScan?: boolean;
}

type Change = { kind: 'file'; root: string; rel: string } | { kind: 'gone'; root: string; rel: string };

export interface Watcher {
  /** Resolves once the watcher is ready for events. */
  ready: Promise<void>;
  close(): Promise<void>;
}

export function describeChange(path: string, before: readonly Finding[], after: readonly Finding[]): string | undefined {
  const key = (f: Finding) => `${f.type}\0${f.hash}`;
  const left = new Map<string, number>();
  for (const f of before) left.set(key(f), (left.get(key(f)) ?? 0) + 1);
  const added: string[] = [];
  for (const f of after) {
    const n = left.get(key(f)) ?? 0;
    if (n > 0) left.set(key(f), n - 1);
    else added.push(f.type);
  }
  const removed = before.filter((f) => {
    const n = left.get(key(f)) ?? 0;
    if (n > 0) {
      left.set(key(f), n - 1);
      return true;
    }
    return false;
  });
  if (added.length === 0 && removed.length === 0) return undefined;
  const types = [...new Set([...added, ...removed.map((f) => f.type)])].sort().join(', ');
  return `${path}: ${after.length} finding${after.length === 1 ? '' : 's'} (+${added.length} −${removed.length}: ${types})`;
}

export async function startWatch(options: WatchOptions, print: (line: string) => void): Promise<Watcher> {
  if (options.initialScan !== false) await scan(options);
  const session = new ScanSession(options);
  const scanId = `watch-${randomUUID()}`;
  session.state.beginScan(scanId, options.roots, session.minConfidence, new Date());
  const roots = options.roots.map((r) => resolve(r));
  const excluded = picomatch([...DEFAULT_EXCLUDES, ...(options.exclude ?? []), ...readIgnoreFiles(options.roots)], { dot: true, basename: true });
  const included = options.include?.length ? picomatch(options.include, { dot: true, basename: true }) : () => true;
  const pending = new Map<string, Change>();
  let timer: NodeJS.Timeout | undefined;
  let running: Promise<void> = Promise.resolve();

  const locate = (abs: string) => {
    const root = roots.find((r) => abs === r || abs.startsWith(r + sep));
    return root ? { root, rel: relative(root, abs).split(sep).join('/') } : undefined;
  };

  const flush = async () => {
    const batch = [...pending.values()];
    pending.clear();
    await Promise.all(
      batch.map(async (change) => {
        if (change.kind === 'gone') {
          const gone = session.state.markPathGone(scanId, change.root, change.rel);
          if (gone.length > 0) print(`${change.rel}: gone (−${gone.length} findings)`);
          return;
        }
        const item = await sourceItemFor(change.root, change.rel, {
          maxFileSize: options.maxFileSize ?? DEFAULT_MAX_FILE_SIZE,
          followSymlinks: options.followSymlinks ?? false,
        });
        const before = session.state.findingsOf(item.uri);
        await session.handle(scanId, item);
        const line = describeChange(change.rel, before, session.state.findingsOf(item.uri));
        if (line) print(line);
      }),
    );
  };

  const schedule = (change: Change) => {
    pending.set(`${change.root}\0${change.rel}`, change);
    clearTimeout(timer);
    timer = setTimeout(() => {
      // Only our own messages are printed: others could quote what they failed on.
      running = running
        .then(flush)
        .catch((err) => print(`watch: ${err instanceof InzageError ? err.message : `could not update the state (${(err as Error).name})`}`));
    }, options.debounceMs ?? 300);
  };

  const watcher = chokidarWatch(roots, {
    ignoreInitial: true,
    followSymlinks: options.followSymlinks ?? false,
    ignored: (path: string) => {
      const at = locate(resolve(path));
      return at !== undefined && at.rel !== '' && excluded(at.rel);
    },
    awaitWriteFinish: { stabilityThreshold: 150, pollInterval: 50 },
  });
  const onFile = (path: string) => {
    const at = locate(resolve(path));
    if (at && included(at.rel)) schedule({ kind: 'file', ...at });
  };
  const onGone = (path: string) => {
    const at = locate(resolve(path));
    if (at) schedule({ kind: 'gone', ...at });
  };
  watcher.on('add', onFile).on('change', onFile).on('unlink', onGone).on('unlinkDir', onGone);
  const ready = new Promise<void>((done) => watcher.on('ready', () => done()));

  return {
    ready,
    async close() {
      await watcher.close();
      clearTimeout(timer);
      if (pending.size > 0) running = running.then(flush);
      await running;
      session.state.finishScan(scanId, new Date(), null);
      await session.close();
    },
  };
}
