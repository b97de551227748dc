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
 * contains. test/worker-start.test.ts keeps it that way.
 *
 * The handler is exported as a promise under `default`, which piscina awaits before it reports the
 * worker ready: no task is sent before the modules are loaded and the engine is built, so an item's
 * time limit never pays for a worker's start.
 */
// The parsers compiled from V8's code cache on disk where Node has one (compile-cache.ts, which as
// an ES module this CommonJS file cannot load without the very mixing described above).
try {
  (require('node:module') as { enableCompileCache?: () => unknown }).enableCompileCache?.();
} catch {
  // Only a speed-up.
}

const handler = import('./worker.js').then(async (worker) => {
  // A config that fails to load fails each task with its own error instead of the worker's start.
  await worker.prepareWorker().catch(() => undefined);
  return worker.default;
});

// Compiled to `exports.__esModule = true; exports.default = handler`: piscina takes such a module
// as it is and awaits its `default` (a plain `module.exports` object would be wrapped once more).
export default handler;
