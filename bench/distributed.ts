/**
 * Distributed mode against a local scan of the same share of small text files: wall time with
 * one and with two worker processes (one thread each) on the machine's Redis and PostgreSQL, and
 * the queue's overhead per item against a local scan with one thread. Every run starts from an
 * empty store and state, so every file is read. Figures vary with the machine's load: compare
 * the rows of one run, not runs of different days.
 *
 *   npm run bench:distributed [-- MB [FILE_KB]]   (default 8 MB of 16 KB files)
 */
import { type ChildProcess, spawn } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import pg from 'pg';
import { writeTextShare } from './text-share.js';

const CLI = resolve(import.meta.dirname, '../scanner/commands/cli.js');
const PG_URL = process.env.INZAGE_TEST_PG_URL ?? 'postgres://postgres@127.0.0.1:5432/test';
const REDIS_URL = process.env.INZAGE_TEST_REDIS_URL ?? 'redis://127.0.0.1:6379';
const [mb = '8', kb = '16'] = process.argv.slice(2);

function run(args: string[], env: NodeJS.ProcessEnv): Promise<{ code: number | null; stderr: string }> {
  return new Promise((done) => {
    const child = spawn(process.execPath, [CLI, ...args], { env: { ...process.env, ...env }, stdio: ['ignore', 'ignore', 'pipe'] });
    let stderr = '';
    child.stderr.on('data', (d) => {
      stderr += d;
    });
    child.on('close', (code) => done({ code, stderr }));
  });
}

function startWorker(env: NodeJS.ProcessEnv): Promise<ChildProcess> {
  return new Promise((ready, fail) => {
    const child = spawn(process.execPath, [CLI, 'worker', '--workers', '1'], { env: { ...process.env, ...env }, stdio: ['ignore', 'ignore', 'pipe'] });
    let stderr = '';
    child.stderr.on('data', (d) => {
      stderr += d;
      if (stderr.includes('ready, taking work')) ready(child);
    });
    child.on('close', (code) => fail(new Error(`worker ended (${code}): ${stderr}`)));
  });
}

async function withDatabase<T>(work: (url: string) => Promise<T>): Promise<T> {
  const name = `inzage_bench_${randomBytes(4).toString('hex')}`;
  const admin = new pg.Client({ connectionString: PG_URL });
  await admin.connect();
  await admin.query(`CREATE DATABASE ${name}`);
  const url = new URL(PG_URL);
  url.pathname = `/${name}`;
  try {
    return await work(url.toString());
  } finally {
    await admin.query(`DROP DATABASE IF EXISTS ${name} WITH (FORCE)`);
    await admin.end();
  }
}

const dir = await mkdtemp(join(tmpdir(), 'inzage-bench-distributed-'));
try {
  const share = join(dir, 'share');
  const files = await writeTextShare(share, Number(mb) * 1024 * 1024, Number(kb) * 1024);
  const keyFile = join(dir, 'key');
  await writeFile(keyFile, `${randomBytes(32).toString('hex')}\n`, { mode: 0o600 });
  const rows: { run: string; seconds: number }[] = [];

  const t0 = performance.now();
  const local = await run(['scan', share, '--workers', '1', '--out', join(dir, 'out-local')], {
    INZAGE_STATE_DIR: join(dir, 'state'),
    INZAGE_KEY_FILE: keyFile,
  });
  if (local.code !== 0) throw new Error(local.stderr);
  rows.push({ run: 'local scan, 1 thread', seconds: (performance.now() - t0) / 1000 });

  for (const workers of [1, 2]) {
    await withDatabase(async (url) => {
      const env = {
        INZAGE_KEY_FILE: keyFile,
        INZAGE_QUEUE_URL: REDIS_URL,
        INZAGE_STORE_URL: url,
        INZAGE_QUEUE_PREFIX: `inzage-bench-${randomBytes(4).toString('hex')}`,
      };
      const procs = await Promise.all(Array.from({ length: workers }, () => startWorker(env)));
      const t = performance.now();
      const r = await run(['scan', share, '--out', join(dir, `out-${workers}`)], env);
      const seconds = (performance.now() - t) / 1000;
      for (const p of procs) {
        p.removeAllListeners('close');
        p.kill('SIGTERM');
      }
      if (r.code !== 0) throw new Error(r.stderr);
      rows.push({ run: `distributed, ${workers} worker process${workers > 1 ? 'es' : ''} (1 thread each)`, seconds });
    });
  }
  const [l, d1, d2] = rows.map((r) => r.seconds) as [number, number, number];
  console.log(`${files} files of ${kb} KB (${mb} MB); machine under load from other work, figures of one run:`);
  for (const r of rows) console.log(`  ${r.run.padEnd(48)} ${r.seconds.toFixed(1).padStart(6)} s  ${(files / r.seconds).toFixed(0).padStart(5)} files/s`);
  console.log(`  speed-up 2 workers vs 1: ${(d1 / d2).toFixed(2)}x; queue overhead per file (1 worker vs local): ${(((d1 - l) * 1000) / files).toFixed(2)} ms`);
} finally {
  await rm(dir, { recursive: true, force: true });
}
