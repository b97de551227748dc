/**
 * The scan workers' pool settings: a worker's event loop must turn between tasks. Parked in
 * `Atomics.wait` (piscina's default) a worker whose tasks finish in their own microtasks never
 * takes a message sent to its thread: every other worker's start signal stayed queued, about 280
 * bytes per item read on a scan of a million small files.
 */
import { setTimeout as sleep } from 'node:timers/promises';
import { BroadcastChannel } from 'node:worker_threads';
import pLimit from 'p-limit';
import { Piscina } from 'piscina';
import { expect, it } from 'vitest';
import { WORKER_POOL_OPTIONS } from '../dist/scanner/pipeline/scan.js';

it('lets a worker take the messages sent to its thread while tasks come and go', async () => {
  const pool = new Piscina<void, number>({
    filename: new URL('./fixtures/channel-task.mjs', import.meta.url).href,
    minThreads: 1,
    maxThreads: 1,
    concurrentTasksPerWorker: 3,
    ...WORKER_POOL_OPTIONS,
  });
  const channel = new BroadcastChannel('inzage-worker-pool-test');
  try {
    await pool.run();
    const slots = pLimit(3);
    // As a scan's start signals: one message per task, with the worker always holding its next.
    await Promise.all(
      Array.from({ length: 200 }, (_, i) =>
        slots(() => {
          channel.postMessage(i);
          return pool.run();
        }),
      ),
    );
    await sleep(50);
    expect(await pool.run()).toBe(200);
  } finally {
    channel.close();
    await pool.destroy();
  }
});
