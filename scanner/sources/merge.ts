/**
 * Merges event streams read at the same time (mailboxes, the folders of one mailbox, drives), at
 * most `limit` at once: the next stream starts when one ends. Each event is tagged with its
 * stream (`stream`), so the pipeline holds a checkpoint back only for the items of its own stream
 * (and of the streams around it), not for those of every stream read beside it.
 */
import type { SourceEvent } from './types.js';

export async function* mergeStreams(streams: Iterable<() => AsyncIterable<SourceEvent>>, limit: number): AsyncGenerator<SourceEvent> {
  const waiting = streams[Symbol.iterator]();
  const running = new Map<number, { iterator: AsyncIterator<SourceEvent>; next: Promise<{ id: number; result: IteratorResult<SourceEvent> }> }>();
  let ids = 0;
  const pull = (id: number, iterator: AsyncIterator<SourceEvent>) => {
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
      const stream = running.get(id) as { iterator: AsyncIterator<SourceEvent>; next: Promise<{ id: number; result: IteratorResult<SourceEvent> }> };
      if (result.done) {
        running.delete(id);
        startOne();
        continue;
      }
      // Tagged with its stream, so the pipeline orders it only against the items of related streams.
      yield { ...result.value, stream: result.value.stream === undefined ? `${id}` : `${id}/${result.value.stream}` };
      stream.next = pull(id, stream.iterator);
    }
  } finally {
    // The consumer stopped early or a stream failed: close the others once their pending step ends.
    await Promise.allSettled([...running.values()].map((r) => r.next.then(() => r.iterator.return?.())));
  }
}
