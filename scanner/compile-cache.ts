/**
 * V8's code cache on disk for the scanner's modules and the parsers' (Node 22.1 and later): every
 * worker thread of every scan compiled SheetJS, PDF.js, mammoth and the rest anew, about 0.2 s of
 * CPU each. Node keeps the cache in the system's temporary folder (`NODE_COMPILE_CACHE` moves it,
 * `NODE_DISABLE_COMPILE_CACHE=1` turns it off); it holds compiled code, nothing that was scanned.
 * Node 20 has no such cache and nothing happens. Never throws: the cache is only a speed-up.
 */
import module from 'node:module';

export function enableCompileCache(): void {
  try {
    (module as { enableCompileCache?: () => unknown }).enableCompileCache?.();
  } catch {
    // A cache folder that cannot be made costs the speed-up only.
  }
}
