/**
 * Parser libraries print from inside a parse: SheetJS writes "Cannot hydrate range ListData!$I$2
 * INDEX(…)" or "Could not parse defined name …" with console.error. That is text taken from the
 * file (a name, a number in a formula), and a worker's stdout and stderr are piped to the user's
 * terminal or a CI log. So in a worker both go nowhere by default; with `--debug` each line goes to
 * stderr with a prefix, after the scan's own detectors masked it.
 *
 * piscina creates its workers without `stdout: true`/`stderr: true`, so the streams cannot be taken
 * over from outside; the worker replaces their `write` itself, which is what `console` calls.
 */
export type Mask = (text: string) => string;

export const DEBUG_PREFIX = 'inzage debug (worker output, masked): ';

export function routeWorkerConsole(debug: boolean, mask: () => Mask | undefined): void {
  const toStderr = process.stderr.write.bind(process.stderr);
  const sink = (chunk: unknown, encoding?: unknown, callback?: unknown): boolean => {
    const done = (typeof encoding === 'function' ? encoding : callback) as ((err?: Error | null) => void) | undefined;
    if (!debug) {
      if (done) queueMicrotask(() => done(null));
      return true;
    }
    const text =
      typeof chunk === 'string' ? chunk : Buffer.from(chunk as Uint8Array).toString(typeof encoding === 'string' ? (encoding as BufferEncoding) : 'utf8');
    const masker = mask();
    let out = '';
    for (const line of text.split(/\r?\n/)) {
      if (line.trim() === '') continue;
      // Before the detectors are built nothing is shown: unmasked text must not get through.
      out += `${DEBUG_PREFIX}${masker ? masker(line) : `(${line.length} characters, not shown: the detectors were not ready to mask them)`}\n`;
    }
    // Through the real stream, callback included: piscina flushes with write('', cb) before it
    // reports a task done, and that must wait for what is still on its way to the main thread.
    return done ? toStderr(out, done) : toStderr(out);
  };
  process.stdout.write = sink as typeof process.stdout.write;
  process.stderr.write = sink as typeof process.stderr.write;
}
