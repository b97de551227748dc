/**
 * The worker-thread task: one item in, its findings (and those of any children) out. Parsing and
 * detection run here, off the main thread; raw values never leave this thread, since the engine
 * returns only masked values and keyed hashes. A task that hangs or runs out of memory is ended
 * by the pool, which replaces the worker; the pipeline records the item's error.
 */
import { workerData } from 'node:worker_threads';
import { createEngine } from '../detectors/engine.js';
import { selectDetectors } from '../detectors/registry.js';
import type { Finding } from '../detectors/types.js';
import { fileContent, memoryContent } from './content.js';
import { fsItemError, itemError } from './errors.js';
import { extractorFor } from './extractors/index.js';
import { ExtractError, type ItemContent } from './extractors/types.js';
import { BINARY, detectMediaType } from './media-type.js';
import type { ExtractedItem, ItemKind } from './model.js';
import { createHasher } from './secret-key.js';

export interface WorkerInit {
  /** The hash key, hex. Held in memory only. */
  key: string;
  minConfidence: number;
  disabledDetectors?: string[];
  /** How deep containers may nest (zip in zip in mail). */
  maxDepth: number;
}

export interface WorkerTask {
  /** Path bytes of a file to read here, or the bytes themselves. */
  location?: Uint8Array;
  bytes?: Uint8Array;
  name: string;
  size: number;
}

const init = workerData as WorkerInit;
const engine = createEngine(selectDetectors({ disable: init.disabledDetectors ?? [] }), createHasher(Buffer.from(init.key, 'hex')), {
  minConfidence: init.minConfidence,
});

export default async function scanItem(task: WorkerTask): Promise<ExtractedItem[]> {
  let content: ItemContent;
  try {
    content = task.location ? await fileContent(Buffer.from(task.location), task.name, task.size) : memoryContent(task.bytes ?? new Uint8Array(), task.name);
  } catch (err) {
    return [{ kind: 'file', findings: [], error: fsItemError(err, 'opening the file') }];
  }
  const results: ExtractedItem[] = [];
  await extractItem(content, 'file', undefined, 0, results);
  return results;
}

async function extractItem(content: ItemContent, kind: ItemKind, entry: string | undefined, depth: number, out: ExtractedItem[]): Promise<void> {
  const findings: Finding[] = [];
  const item: ExtractedItem = { kind, findings, error: null, size: content.size, ...(entry !== undefined ? { entry } : {}) };
  out.push(item);
  try {
    const mediaType = await detectMediaType(content.head, content.name);
    item.mediaType = mediaType;
    const extractor = extractorFor(mediaType);
    if (!extractor) {
      item.error =
        mediaType === BINARY
          ? itemError('unsupported-format', 'binary content of no known format; not scanned')
          : itemError('unsupported-format', `no extractor reads ${mediaType} yet; not scanned`);
      return;
    }
    for await (const part of extractor.extract(content, { mediaType, depth })) {
      if ('segment' in part) {
        for (const f of engine.detect(part.segment)) findings.push(f);
      } else if (depth + 1 > init.maxDepth) {
        item.error = itemError('archive-limit', `containers nest deeper than ${init.maxDepth} levels; deeper parts not scanned`);
      } else {
        const childEntry = entry ? `${entry}/${part.child.entry}` : part.child.entry;
        if (part.child.error) out.push({ kind: part.child.kind, entry: childEntry, findings: [], error: part.child.error, size: part.child.content.size });
        else await extractItem(part.child.content, part.child.kind, childEntry, depth + 1, out);
      }
    }
  } catch (err) {
    item.error = describeFailure(err);
  }
}

/** Parser errors can quote the text they choked on; only our own messages are passed on. */
function describeFailure(err: unknown) {
  if (err instanceof ExtractError) return itemError(err.code, err.message);
  const code = (err as NodeJS.ErrnoException | undefined)?.code;
  if (typeof code === 'string' && /^E[A-Z]+$/.test(code)) return fsItemError(err, 'reading the file');
  const name = err instanceof Error ? err.name : typeof err;
  return itemError('corrupt', `the file could not be parsed (${name}); it may be damaged or not what its name says`);
}
