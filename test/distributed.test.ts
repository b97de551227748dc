/**
 * Distributed mode over real connections: BullMQ on the machine's Redis (a queue prefix of this
 * file's own) or on a private redis-server this test starts, results in a PostgreSQL database
 * made for each test. Workers and coordinators are real `inzage` processes, killed with real
 * signals. Each distributed result is held against a local scan of the same share: the same
 * items and findings (path, entry, type, hash), none lost, none doubled.
 */
import { type ChildProcess, spawn } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { cp, mkdir, readFile, rm, writeFile } from 'node:fs/promises';
import { createServer } from 'node:net';
import { join } from 'node:path';
import pg from 'pg';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { generateSampleShare } from '../fixtures/sample-share.js';
import { letterPng } from '../fixtures/scans.js';
import type { Report } from '../scanner/model.js';
import { CLI, readReport, runCli, tempDir } from './helpers.js';
import { freshDatabase, freshQueuePrefix, REDIS_URL } from './services.js';

let dir: string;
let cleanup: () => Promise<void>;
let local: Report;
const share = () => join(dir, 'share');
const keyFile = () => join(dir, 'secret.key');
const started: ChildProcess[] = [];

/** Items and findings by what identifies them, sorted: what must be equal between a local and a distributed scan. */
const identity = (r: Report) =>
  r.items.map((i) => `${i.path}\0${i.entry ?? ''}\0${i.kind}\0${i.error?.code ?? ''}\0${i.findings.map((f) => `${f.type}:${f.hash}`).join(',')}`).sort();

interface Setup {
  env: NodeJS.ProcessEnv;
  drop: () => Promise<void>;
  storeUrl: string;
}

async function setup(label: string, redisUrl = REDIS_URL): Promise<Setup> {
  const db = await freshDatabase(label);
  return {
    storeUrl: db.url,
    drop: db.drop,
    env: {
      INZAGE_KEY_FILE: keyFile(),
      INZAGE_QUEUE_URL: redisUrl,
      INZAGE_STORE_URL: db.url,
      INZAGE_QUEUE_PREFIX: freshQueuePrefix(label),
      // A killed worker's jobs come back after about this long (30 s by default).
      INZAGE_QUEUE_LOCK_MS: '3000',
      INZAGE_STATE_DIR: join(dir, `unused-state-${label}`),
    },
  };
}

/** A long-running `inzage` process; resolves `exited` with its code and signal. */
function start(args: string[], env: NodeJS.ProcessEnv) {
  const child = spawn(process.execPath, [CLI, ...args], { env: { ...process.env, ...env }, stdio: ['ignore', 'pipe', 'pipe'] });
  started.push(child);
  let stderr = '';
  child.stderr?.on('data', (d) => {
    stderr += d;
  });
  child.stdout?.resume();
  const exited = new Promise<{ code: number | null; signal: NodeJS.Signals | null; stderr: string }>((resolve) =>
    child.on('close', (code, signal) => resolve({ code, signal, stderr })),
  );
  const ready = new Promise<void>((resolve, reject) => {
    child.stderr?.on('data', () => {
      if (stderr.includes('ready, taking work')) resolve();
    });
    void exited.then((e) => reject(new Error(`inzage ${args[0]} ended before it was ready (${e.code ?? e.signal}): ${e.stderr}`)));
  });
  // Only workers are waited for; a coordinator's `ready` never comes, and that is no error.
  ready.catch(() => {});
  return { child, exited, ready };
}

const worker = (s: Setup) => start(['worker', '--workers', '1'], s.env);

/** Waits (polling the store) until at least `n` top items are stored: the scan is under way. */
async function itemsStored(url: string, n: number): Promise<void> {
  const client = new pg.Client({ connectionString: url });
  await client.connect();
  try {
    for (;;) {
      const ok = await client
        .query('SELECT count(*)::int AS n FROM items WHERE parent_uri IS NULL')
        .then((r) => (r.rows[0]?.n as number) >= n)
        .catch(() => false);
      if (ok) return;
      await new Promise((r) => setTimeout(r, 100));
    }
  } finally {
    await client.end();
  }
}

async function stopWorkers(workers: ReturnType<typeof start>[]) {
  for (const w of workers) if (w.child.exitCode === null && w.child.signalCode === null) w.child.kill('SIGTERM');
  const ends = await Promise.all(workers.map((w) => w.exited));
  return ends;
}

beforeAll(async () => {
  ({ dir, cleanup } = await tempDir('distributed'));
  await generateSampleShare(share());
  // A scanned letter: read by OCR on the workers as in a local scan.
  await mkdir(join(share(), 'Scans'), { recursive: true });
  await writeFile(join(share(), 'Scans', 'brief.png'), letterPng());
  await writeFile(keyFile(), `${randomBytes(32).toString('hex')}\n`, { mode: 0o600 });
  const run = await runCli(['scan', share(), '--out', join(dir, 'local')], { env: { INZAGE_STATE_DIR: join(dir, 'local-state'), INZAGE_KEY_FILE: keyFile() } });
  expect(run.code, run.stderr).toBe(0);
  local = await readReport(join(dir, 'local'));
});
afterAll(async () => {
  for (const c of started) if (c.exitCode === null && c.signalCode === null) c.kill('SIGKILL');
  await cleanup();
});

describe('distributed scanning', () => {
  it('two workers give the same items and findings as a local scan; report, find and triage work on the store', { timeout: 240_000 }, async () => {
    const s = await setup('same');
    try {
      const workers = [worker(s), worker(s)];
      await Promise.all(workers.map((w) => w.ready));
      const run = await runCli(['scan', share(), '--out', join(dir, 'dist1'), '--format', 'json'], { env: s.env });
      expect(run.code, run.stderr).toBe(0);
      const report = await readReport(join(dir, 'dist1'));
      expect(identity(report)).toEqual(identity(local));
      expect(report.stats.findings).toBe(local.stats.findings);
      const scanned = report.items.find((i) => i.path === 'Scans/brief.png');
      expect(scanned?.findings.length).toBeGreaterThan(0);
      expect(scanned?.findings.every((f) => f.basis?.includes('ocr'))).toBe(true);

      const again = await runCli(['report', '--out', join(dir, 'dist1-again')], { env: s.env });
      expect(again.code, again.stderr).toBe(0);
      expect(identity(await readReport(join(dir, 'dist1-again')))).toEqual(identity(report));

      // find: the same hits from the store as from the local state.
      const email = (await readFile(join(share(), 'HR/medewerkers.csv'), 'utf8')).match(/[a-z.]+@[a-z.-]+\.nl/)?.[0] as string;
      expect(email).toBeDefined();
      const found = await runCli(['find', '--email', email, '--format', 'json'], { env: s.env });
      const foundLocal = await runCli(['find', '--email', email, '--format', 'json'], {
        env: { INZAGE_STATE_DIR: join(dir, 'local-state'), INZAGE_KEY_FILE: keyFile() },
      });
      expect(found.code, found.stderr).toBe(0);
      expect(JSON.parse(found.stdout).hits.length).toBeGreaterThan(0);
      expect(JSON.parse(found.stdout).hits.map((h: { uri: string; type: string }) => `${h.uri} ${h.type}`)).toEqual(
        JSON.parse(foundLocal.stdout).hits.map((h: { uri: string; type: string }) => `${h.uri} ${h.type}`),
      );

      const someIban = local.items.flatMap((i) => i.findings).find((f) => f.type === 'iban');
      expect(someIban).toBeDefined();
      const hash = someIban?.hash as string;
      const triage = await runCli(['triage', '--status', 'accepted', '--hash', hash, '--note', 'test'], { env: s.env });
      expect(triage.code, triage.stderr).toBe(0);
      const localTriage = await runCli(['triage', '--status', 'accepted', '--hash', hash, '--note', 'test'], {
        env: { INZAGE_STATE_DIR: join(dir, 'local-state') },
      });
      expect(triage.stdout).toBe(localTriage.stdout);
      expect(triage.stdout).toMatch(/^[1-9]\d* findings? set to accepted/);
      const after = await runCli(['report', '--out', join(dir, 'dist1-triaged')], { env: s.env });
      expect(after.code, after.stderr).toBe(0);
      const statuses = (await readReport(join(dir, 'dist1-triaged'))).items.flatMap((i) => i.findings).filter((f) => f.hash === hash);
      expect(statuses.length).toBeGreaterThan(0);
      for (const f of statuses) expect(f.status).toBe('accepted');

      // The scan's OCR settings reach the workers: with --no-ocr a letter is listed, not read (one
      // not scanned before, or the stored result would be reused).
      await mkdir(join(dir, 'more-scans'), { recursive: true });
      await writeFile(join(dir, 'more-scans', 'brief.png'), letterPng());
      const noOcr = await runCli(['scan', join(dir, 'more-scans'), '--out', join(dir, 'dist1-no-ocr'), '--format', 'json', '--no-ocr'], { env: s.env });
      expect(noOcr.code, noOcr.stderr).toBe(0);
      const skipped = (await readReport(join(dir, 'dist1-no-ocr'))).items.find((i) => i.path.endsWith('brief.png'));
      expect(skipped?.error?.code).toBe('ocr-skipped');
      const ends = await stopWorkers(workers);
      expect(ends.map((e) => e.code)).toEqual([0, 0]);
    } finally {
      await s.drop();
    }
  });

  it('a worker killed with SIGKILL mid-scan loses nothing and doubles nothing', { timeout: 240_000 }, async () => {
    const s = await setup('sigkill');
    try {
      const first = worker(s);
      await first.ready;
      const coordinator = runCli(['scan', share(), '--out', join(dir, 'dist2'), '--format', 'json'], { env: s.env });
      await itemsStored(s.storeUrl, 10);
      first.child.kill('SIGKILL');
      expect((await first.exited).signal).toBe('SIGKILL');
      const second = worker(s);
      await second.ready;
      const run = await coordinator;
      expect(run.code, run.stderr).toBe(0);
      const report = await readReport(join(dir, 'dist2'));
      expect(identity(report)).toEqual(identity(local));
      expect(new Set(report.items.map((i) => `${i.path}\0${i.entry ?? ''}`)).size).toBe(report.items.length);
      await stopWorkers([second]);
    } finally {
      await s.drop();
    }
  });

  it('a coordinator killed and started again completes the same scan', { timeout: 240_000 }, async () => {
    const s = await setup('coordinator');
    try {
      const w = worker(s);
      await w.ready;
      const first = start(['scan', share(), '--out', join(dir, 'dist3'), '--format', 'json'], s.env);
      await itemsStored(s.storeUrl, 10);
      first.child.kill('SIGKILL');
      await first.exited;
      const run = await runCli(['scan', share(), '--out', join(dir, 'dist3'), '--format', 'json'], { env: s.env });
      expect(run.code, run.stderr).toBe(0);
      const report = await readReport(join(dir, 'dist3'));
      expect(identity(report)).toEqual(identity(local));
      // One scan, resumed: the store holds a single finished scan.
      const client = new pg.Client({ connectionString: s.storeUrl });
      await client.connect();
      const scans = (await client.query('SELECT id, status FROM scans')).rows;
      await client.end();
      expect(scans).toEqual([{ id: report.scan.id, status: 'finished' }]);
      await stopWorkers([w]);
    } finally {
      await s.drop();
    }
  });

  it('a rescan marks the same findings new and resolved as a local rescan, from per-item marks', { timeout: 240_000 }, async () => {
    const s = await setup('changes');
    const copy = join(dir, 'share-changes');
    await cp(share(), copy, { recursive: true });
    const localEnv = { INZAGE_STATE_DIR: join(dir, 'changes-local-state'), INZAGE_KEY_FILE: keyFile() };
    try {
      const w = worker(s);
      await w.ready;
      const scanBoth = async (label: string) => {
        const l = await runCli(['scan', copy, '--out', join(dir, `changes-local-${label}`), '--format', 'json'], { env: localEnv });
        expect(l.code, l.stderr).toBe(0);
        const d = await runCli(['scan', copy, '--out', join(dir, `changes-dist-${label}`), '--format', 'json'], { env: s.env });
        expect(d.code, d.stderr).toBe(0);
        return { local: await readReport(join(dir, `changes-local-${label}`)), dist: await readReport(join(dir, `changes-dist-${label}`)) };
      };
      await scanBoth('first');
      // One file gains a value and loses another, one goes, one is new.
      const list = join(copy, 'HR/medewerkers.csv');
      const text = await readFile(list, 'utf8');
      const firstLine = text.split('\n').find((l) => /@/.test(l)) as string;
      await writeFile(list, `${text.replace(firstLine, '')}\nnieuw: nieuwe.collega@example.nl\n`);
      const removed = local.items.find((i) => i.path !== 'HR/medewerkers.csv' && i.findings.length > 0 && i.entry === undefined && !i.path.includes('/Scans/'));
      expect(removed).toBeDefined();
      await rm(join(copy, removed?.path as string));
      await writeFile(join(copy, 'nieuw.txt'), 'Contact: jan.nieuw@example.nl, IBAN NL91ABNA0417164300\n');
      const { local: l, dist: d } = await scanBoth('second');
      expect(d.changes.new).toBeGreaterThan(0);
      expect(d.changes.resolved).toBeGreaterThan(0);
      expect({ new: d.changes.new, resolved: d.changes.resolved, unchanged: d.changes.unchanged }).toEqual({
        new: l.changes.new,
        resolved: l.changes.resolved,
        unchanged: l.changes.unchanged,
      });
      const marks = (r: Report) => r.items.flatMap((i) => i.findings.map((f) => `${i.path}\0${i.entry ?? ''}\0${f.type}:${f.hash}\0${f.change ?? ''}`)).sort();
      expect(marks(d)).toEqual(marks(l));
      const resolvedOf = (r: Report) => (r.changes.resolvedFindings ?? []).map((f) => `${f.path}\0${f.type}:${f.hash}`).sort();
      expect(resolvedOf(d)).toEqual(resolvedOf(l));
      // `inzage report --store` streams the same marks again from the store.
      const again = await runCli(['report', '--out', join(dir, 'changes-dist-again')], { env: s.env });
      expect(again.code, again.stderr).toBe(0);
      expect(marks(await readReport(join(dir, 'changes-dist-again')))).toEqual(marks(d));
      await stopWorkers([w]);
    } finally {
      await s.drop();
    }
  });

  it('Redis restarted mid-scan: workers reconnect and the scan completes', { timeout: 240_000 }, async () => {
    // A private redis-server on a free port (with an append-only file, as production should run
    // it), so restarting it disturbs nobody else on this machine.
    const port = await freePort();
    const redisDir = join(dir, 'redis');
    await import('node:fs/promises').then((fs) => fs.mkdir(redisDir, { recursive: true }));
    const redisArgs = ['--port', String(port), '--bind', '127.0.0.1', '--dir', redisDir, '--appendonly', 'yes', '--appendfsync', 'always', '--save', ''];
    const startRedis = async () => {
      const child = spawn('redis-server', redisArgs, { stdio: ['ignore', 'pipe', 'pipe'] });
      started.push(child);
      await new Promise<void>((resolve, reject) => {
        let out = '';
        child.stdout?.on('data', (d) => {
          out += d;
          if (out.includes('Ready to accept connections')) resolve();
        });
        child.on('close', () => reject(new Error(`redis-server ended: ${out}`)));
      });
      return child;
    };
    let redis = await startRedis();
    const s = await setup('redis', `redis://127.0.0.1:${port}`);
    try {
      const workers = [worker(s), worker(s)];
      await Promise.all(workers.map((w) => w.ready));
      const coordinator = runCli(['scan', share(), '--out', join(dir, 'dist4'), '--format', 'json'], { env: s.env });
      await itemsStored(s.storeUrl, 10);
      const down = new Promise((r) => redis.once('close', r));
      redis.kill('SIGTERM');
      await down;
      redis = await startRedis();
      const run = await coordinator;
      expect(run.code, run.stderr).toBe(0);
      expect(identity(await readReport(join(dir, 'dist4')))).toEqual(identity(local));
      expect((await stopWorkers(workers)).map((e) => e.code)).toEqual([0, 0]);
    } finally {
      redis.kill('SIGTERM');
      await s.drop();
    }
  });
});

function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = createServer();
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => {
      const { port } = server.address() as { port: number };
      server.close(() => resolve(port));
    });
  });
}
