import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import type { Finding } from '../../detectors/types.js';
import { ScanState, SqliteStore } from '../state/state.js';
import type { ItemWrite } from '../state/store.js';
import { BatchWriter } from './batch-writer.js';

const dir = mkdtempSync(join(tmpdir(), 'inzage-batch-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

const finding = (i: number): Finding => ({
  type: 'email',
  category: 'contact',
  confidence: 0.9,
  masked: 'j***@example.nl',
  hash: String(i).padStart(64, '0'),
  where: { line: i },
});
const write = (n: number, findings: number): ItemWrite => ({
  op: 'replace',
  item: { root: '/r', path: `f${n}.txt`, uri: `file:///r/f${n}.txt`, kind: 'file', size: 1 },
  version: '1',
  results: [{ kind: 'file', findings: Array.from({ length: findings }, (_, k) => finding(n * 100 + k)), error: null }],
  settings: 'S',
});

describe('BatchWriter', () => {
  it('writes a batch once it holds enough findings, before its row count or its delay is reached', async () => {
    const store = new SqliteStore(new ScanState(join(dir, 'b.db')));
    await store.beginScan('s1', ['/r'], 0.5, new Date('2026-01-01T00:00:00Z'));
    const writer = new BatchWriter(store, 's1', 500, 60_000, 10);
    const stored: number[] = [];
    writer.add(write(1, 4), () => stored.push(1));
    writer.add(write(2, 4), () => stored.push(2));
    await new Promise((resolve) => setTimeout(resolve, 20));
    expect(stored).toEqual([]);
    // The third brings the batch to 12 findings, over 10: the three are written together.
    writer.add(write(3, 4), () => stored.push(3));
    await new Promise((resolve) => setTimeout(resolve, 20));
    expect(stored).toEqual([1, 2, 3]);
    expect((await store.counts(['/r'])).findings).toBe(12);
    writer.add(write(4, 1), () => stored.push(4));
    await writer.flush();
    expect(stored).toEqual([1, 2, 3, 4]);
    await store.close();
  });
});
