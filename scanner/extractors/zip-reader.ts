/**
 * Reading zip files (archives and the OOXML and ODF packages built on zip) from memory with
 * yauzl, under the archive limits: entry count, total and per-entry uncompressed size, and
 * compression ratio are checked against the central directory before an entry is inflated, and
 * yauzl checks that an entry inflates to exactly its declared size, so the sizes cannot lie.
 */
import yauzl, { type Entry, type ZipFile } from 'yauzl';
import { archiveLimits } from './limits.js';
import { type ExtractBudget, type ExtractContext, ExtractError } from './types.js';

export interface ZipEntryInfo {
  name: string;
  size: number;
  compressedSize: number;
  encrypted: boolean;
  directory: boolean;
  entry: Entry;
}

export interface OpenZip {
  entries: ZipEntryInfo[];
  /** Entries by name, for packages whose parts are looked up by path. */
  byName: Map<string, ZipEntryInfo>;
  /** The entry's bytes; throws ExtractError when a limit is broken. */
  read(entry: ZipEntryInfo): Promise<Buffer>;
  close(): void;
}

/** Why an entry may not be read, or undefined when it may. Checked before any inflating. */
export function entryLimitBreach(entry: ZipEntryInfo): { code: 'too-large' | 'archive-limit'; message: string } | undefined {
  const limits = archiveLimits();
  if (entry.size > limits.maxEntryBytes) {
    return { code: 'too-large', message: `the entry expands to ${entry.size} bytes, over the ${limits.maxEntryBytes}-byte limit per entry; not read` };
  }
  if (entry.size >= limits.ratioMinBytes && entry.size > Math.max(entry.compressedSize, 1) * limits.maxRatio) {
    return { code: 'archive-limit', message: `an entry is compressed more than ${limits.maxRatio}:1, as zip bombs are; not expanded` };
  }
  return undefined;
}

export async function openZip(bytes: Uint8Array): Promise<OpenZip> {
  const buffer = Buffer.isBuffer(bytes) ? bytes : Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  let zip: ZipFile;
  try {
    zip = await yauzl.fromBufferPromise(buffer, { lazyEntries: true, decodeStrings: true, validateEntrySizes: true, strictFileNames: false });
  } catch (err) {
    throw new ExtractError('corrupt', `the zip structure could not be read (${(err as Error)?.name ?? 'error'}); it may be damaged or truncated`);
  }
  const limits = archiveLimits();
  const entries: ZipEntryInfo[] = [];
  if (zip.entryCount > limits.maxEntries) {
    zip.close();
    throw new ExtractError('archive-limit', `the zip holds ${zip.entryCount} entries, over the limit of ${limits.maxEntries}; not expanded`);
  }
  await new Promise<void>((resolve, reject) => {
    zip.on('entry', (entry: Entry) => {
      entries.push({
        name: entry.fileName,
        size: entry.uncompressedSize,
        compressedSize: entry.compressedSize,
        encrypted: entry.isEncrypted(),
        directory: entry.fileName.endsWith('/'),
        entry,
      });
      zip.readEntry();
    });
    zip.on('end', () => resolve());
    zip.on('error', (err: Error) =>
      reject(new ExtractError('corrupt', `the zip directory is damaged (${err?.name ?? 'error'}); entries after the damage are not read`)),
    );
    zip.readEntry();
  });
  const byName = new Map(entries.map((e) => [e.name, e]));
  return {
    entries,
    byName,
    read: (info) => readEntry(zip, info),
    close: () => zip.close(),
  };
}

function readEntry(zip: ZipFile, info: ZipEntryInfo): Promise<Buffer> {
  if (info.encrypted) return Promise.reject(new ExtractError('encrypted', 'the entry is encrypted with a password; its contents cannot be scanned'));
  const breach = entryLimitBreach(info);
  if (breach) return Promise.reject(new ExtractError(breach.code, breach.message));
  return new Promise((resolve, reject) => {
    zip.openReadStream(info.entry, (err, stream) => {
      if (err || !stream) {
        reject(new ExtractError('corrupt', `an entry could not be opened (${err?.name ?? 'error'}); the zip may be damaged`));
        return;
      }
      const parts: Buffer[] = [];
      stream.on('data', (chunk: Buffer) => parts.push(chunk));
      stream.on('end', () => resolve(Buffer.concat(parts)));
      stream.on('error', (e: Error) => reject(new ExtractError('corrupt', `an entry could not be inflated (${e?.name ?? 'error'}); the zip may be damaged`)));
    });
  });
}

/** Takes an entry's size from the shared budget, or throws `archive-limit` when the budget is spent. */
export function spendBudget(budget: ExtractBudget | undefined, bytes: number): void {
  if (!budget) return;
  budget.entries -= 1;
  budget.bytes -= bytes;
  if (budget.entries < 0)
    throw new ExtractError('archive-limit', `more archive entries than the limit of ${archiveLimits().maxEntries} under one file; the rest not expanded`);
  if (budget.bytes < 0)
    throw new ExtractError('archive-limit', `archives under this file expand past ${archiveLimits().maxTotalBytes} bytes in total; the rest not expanded`);
}

/** Reads a package part as UTF-8 text, or undefined when the package has no such part. */
export async function readPart(zip: OpenZip, name: string, budget?: ExtractBudget): Promise<string | undefined> {
  const info = zip.byName.get(name);
  if (!info) return undefined;
  spendBudget(budget, info.size);
  return (await zip.read(info)).toString('utf8');
}

/** Checks a package's declared sizes before a library that has no limits of its own inflates it. */
export function checkPackageLimits(zip: OpenZip, context: ExtractContext): void {
  for (const entry of zip.entries) {
    const breach = entryLimitBreach(entry);
    if (breach?.code === 'too-large') {
      // A legitimately huge workbook or document, most likely: too large to parse, not a bomb.
      throw new ExtractError(
        'too-large',
        `a part of the document expands to ${entry.size} bytes, over the ${archiveLimits().maxEntryBytes}-byte limit per part; not read`,
      );
    }
    if (breach) throw new ExtractError('archive-limit', 'a part of the document is compressed the way zip bombs are; not expanded');
    spendBudget(context.budget, entry.size);
  }
}
