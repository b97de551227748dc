/** Shared helpers for the end-to-end tests: temporary folders and running the built CLI. */
import { spawn } from 'node:child_process';
import { existsSync } from 'node:fs';
import { mkdtemp, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import type { Report } from '../scanner/model.js';

export const REPO = resolve(import.meta.dirname, '..');
export const CLI = join(REPO, 'dist/scanner/commands/cli.js');

export async function tempDir(prefix: string): Promise<{ dir: string; cleanup: () => Promise<void> }> {
  const dir = await mkdtemp(join(tmpdir(), `inzage-${prefix}-`));
  return { dir, cleanup: () => rm(dir, { recursive: true, force: true }) };
}

export interface RunResult {
  code: number | null;
  /** The signal that ended the child (SIGABRT from a V8 abort, SIGKILL from a test), else null. */
  signal: NodeJS.Signals | null;
  stdout: string;
  stderr: string;
}

/**
 * Runs `node dist/scanner/commands/cli.js ARGS`. With `unprivileged`, a root process drops the capabilities
 * that let root read anything (CAP_DAC_OVERRIDE, CAP_DAC_READ_SEARCH), so file modes apply to it
 * as to any user: CI runs as root, and permission errors must still be tested, not skipped.
 */
export function runCli(args: string[], options: { cwd?: string; env?: NodeJS.ProcessEnv; unprivileged?: boolean } = {}): Promise<RunResult> {
  if (!existsSync(CLI)) throw new Error(`${CLI} is missing: run npm run build first (npm test does)`);
  let command = process.execPath;
  let argv = [CLI, ...args];
  if (options.unprivileged && process.getuid?.() === 0) {
    if (!existsSync('/usr/bin/setpriv')) throw new Error('setpriv (util-linux) is needed to test permission errors as root');
    const drop = '-dac_override,-dac_read_search';
    argv = ['--bounding-set', drop, '--inh-caps', drop, process.execPath, ...argv];
    command = '/usr/bin/setpriv';
  }
  return new Promise((resolvePromise, reject) => {
    const child = spawn(command, argv, { cwd: options.cwd ?? REPO, env: { ...process.env, ...options.env }, stdio: ['ignore', 'pipe', 'pipe'] });
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (d) => {
      stdout += d;
    });
    child.stderr.on('data', (d) => {
      stderr += d;
    });
    child.on('error', reject);
    child.on('close', (code, signal) => {
      // A child killed by a signal has no exit code; say which signal, so a failed assertion on
      // `code` shows "SIGABRT" and the abort's own message in stderr rather than a bare null.
      if (signal) stderr += `\n[runCli: the child was ended by ${signal}]`;
      resolvePromise({ code, signal, stdout, stderr });
    });
  });
}

export async function readReport(outDir: string): Promise<Report> {
  return JSON.parse(await readFile(join(outDir, 'report.json'), 'utf8')) as Report;
}

/** A finding's identity for comparisons: type and where, as a string. */
export function findingKey(f: { type: string; where: object }): string {
  const where = Object.entries(f.where).sort(([a], [b]) => (a < b ? -1 : 1));
  return `${f.type} ${JSON.stringify(Object.fromEntries(where))}`;
}
