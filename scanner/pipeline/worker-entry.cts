/**
 * The file the piscina pool loads in each worker thread; the task itself is `worker.ts`.
 *
 * Why a CommonJS file: piscina loads a task module with `require()` and falls back to `import()`.
 * On Node 20.19+ `require()` of an ES module is allowed, so a require() that fails half-way (a
 * top-level await anywhere in the graph, ours or a library's) and an `import()` of the same graph
 * could be under way at once in one thread, and Node then aborts the whole process (V8's
 * "Module::IsGraphAsync must be used on an instantiated module", SIGABRT, no report). piscina's
 * `require()` of this file always succeeds at once and never touches the ES module loader; the
 * scanner's ES modules are loaded by the single `import()` below, one way only, whatever the graph
 * contains. test/worker-start.test.ts starts many pools at once to keep it that way.
 */
const loading = import('./worker.js');
// A failed load is reported by each task that awaits it, not as an unhandled rejection at start.
loading.catch(() => undefined);

type ScanItem = Awaited<typeof loading>['default'];

const scanItem = async (task: Parameters<ScanItem>[0]): Promise<Awaited<ReturnType<ScanItem>>> => (await loading).default(task);

export = scanItem;
