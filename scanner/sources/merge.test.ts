import { describe, expect, it } from 'vitest';
import { mergeStreams } from './merge.js';
import type { SourceEvent } from './types.js';

const gone = (uri: string): SourceEvent => ({ type: 'gone', uri });

describe('mergeStreams', () => {
  it('reads at most `limit` streams at once, yields every event once, tagged with its stream', async () => {
    let open = 0;
    let most = 0;
    const stream = (n: number) =>
      async function* (): AsyncGenerator<SourceEvent> {
        open++;
        most = Math.max(most, open);
        try {
          for (let i = 0; i < 3; i++) {
            await new Promise<void>((resolve) => setImmediate(resolve));
            yield gone(`s${n}/e${i}`);
          }
        } finally {
          open--;
        }
      };
    const seen: SourceEvent[] = [];
    for await (const e of mergeStreams([0, 1, 2, 3, 4].map(stream), 2)) seen.push(e);
    expect(most).toBe(2);
    expect(seen).toHaveLength(15);
    expect(new Set(seen.map((e) => (e.type === 'gone' ? e.uri : ''))).size).toBe(15);
    for (const e of seen) expect(e.type === 'gone' && e.stream === e.uri.slice(1, 2)).toBe(true);
    // Each stream's own order is kept.
    for (let n = 0; n < 5; n++) {
      expect(seen.filter((e) => e.stream === String(n)).map((e) => (e.type === 'gone' ? e.uri : ''))).toEqual([0, 1, 2].map((i) => `s${n}/e${i}`));
    }
  });

  it('nests tags, and a stream that fails ends the merge with its error after closing the others', async () => {
    const inner = () =>
      mergeStreams(
        [
          async function* () {
            yield gone('a');
          },
        ],
        1,
      );
    const nested: SourceEvent[] = [];
    for await (const e of mergeStreams([inner, inner], 2)) nested.push(e);
    expect(nested.map((e) => e.stream).sort()).toEqual(['0/0', '1/0']);

    let closed = false;
    const endless = async function* (): AsyncGenerator<SourceEvent> {
      try {
        for (;;) {
          await new Promise<void>((resolve) => setImmediate(resolve));
          yield gone('x');
        }
      } finally {
        closed = true;
      }
    };
    const failing = async function* (): AsyncGenerator<SourceEvent> {
      yield gone('y');
      throw new Error('listing failed');
    };
    const run = async () => {
      for await (const _ of mergeStreams([endless, failing], 2)) void _;
    };
    await expect(run()).rejects.toThrow('listing failed');
    expect(closed).toBe(true);
  });
});
