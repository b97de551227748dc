/**
 * Runs an ACL tool (getfacl, icacls, getcifsacl) and collects its stdout. Never rejects: a tool
 * that is missing, fails or hangs yields what it printed so far, and the caller falls back to
 * less detail. The time limit is our own timer, cleared on every outcome, because spawn's
 * `timeout` option leaves its timer running when the tool does not exist, which keeps the scan
 * from exiting until it fires.
 */
import { spawn } from 'node:child_process';

export interface ToolResult {
  stdout: Buffer;
  /** Exit code; null when killed or never started. */
  code: number | null;
  /** The command does not exist on this machine. */
  missing: boolean;
}

export function runTool(
  command: string,
  args: readonly string[],
  options: { input?: Buffer; timeoutMs: number; env?: NodeJS.ProcessEnv },
): Promise<ToolResult> {
  return new Promise((resolve) => {
    const child = spawn(command, [...args], {
      stdio: [options.input ? 'pipe' : 'ignore', 'pipe', 'ignore'],
      windowsHide: true,
      ...(options.env ? { env: options.env } : {}),
    });
    const chunks: Buffer[] = [];
    let settled = false;
    const finish = (code: number | null, missing: boolean) => {
      if (settled) return;
      settled = true;
      clearTimeout(timer);
      resolve({ stdout: Buffer.concat(chunks), code, missing });
    };
    const timer = setTimeout(() => child.kill('SIGKILL'), options.timeoutMs);
    child.stdout?.on('data', (d: Buffer) => chunks.push(d));
    child.on('error', (err: NodeJS.ErrnoException) => {
      // A process that never started leaves its pipes open; close them so nothing waits on them.
      child.stdin?.destroy();
      child.stdout?.destroy();
      finish(null, err.code === 'ENOENT');
    });
    child.on('close', (code) => finish(code, false));
    if (options.input) {
      const input = options.input;
      child.stdin?.on('error', () => {
        // The tool stopped reading early; its output so far still counts.
      });
      child.once('spawn', () => child.stdin?.end(input));
    }
  });
}
