/**
 * Merges event streams read at the same time (mailboxes, the folders of one mailbox, drives), at
 * most `limit` at once: the next stream starts when one ends. A stream is pulled again only after
 * the consumer took its last event and asked for the next, so a source that yields a checkpoint or
 * `settle` still resumes only once the pipeline applied it (sources/types.ts).
 */
export async function* mergeStreams<T>(streams: Iterable<() => AsyncIterable<T>>, limit: number): AsyncGenerator<T> {
  const waiting = streams[Symbol.iterator]();
  const running = new Map<number, { iterator: AsyncIterator<T>; next: Promise<{ id: number; result: IteratorResult<T> }> }>();
  let ids = 0;
  const pull = (id: number, iterator: AsyncIterator<T>) => {
    const next = iterator.next().then((result) => ({ id, result }));
    // Handled here as well, so a stream that fails while another one's error is being thrown is no unhandled rejection.
    next.catch(() => undefined);
    return next;
  };
  const startOne = (): boolean => {
    const open = waiting.next();
    if (open.done) return false;
    const iterator = open.value()[Symbol.asyncIterator]();
    const id = ids++;
    running.set(id, { iterator, next: pull(id, iterator) });
    return true;
  };
  while (running.size < limit && startOne());
  try {
    while (running.size > 0) {
      const { id, result } = await Promise.race([...running.values()].map((r) => r.next));
      const stream = running.get(id) as { iterator: AsyncIterator<T>; next: Promise<{ id: number; result: IteratorResult<T> }> };
      if (result.done) {
        running.delete(id);
        startOne();
        continue;
      }
      yield result.value;
      stream.next = pull(id, stream.iterator);
    }
  } finally {
    // The consumer stopped early or a stream failed: close the others once their pending step ends.
    await Promise.allSettled([...running.values()].map((r) => r.next.then(() => r.iterator.return?.())));
  }
}
