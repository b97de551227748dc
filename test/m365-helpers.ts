/** Running the built CLI against the local Graph test server, trusted through NODE_EXTRA_CA_CERTS. */
import { spawn } from 'node:child_process';
import { writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { GraphTestServer, type ServerOptions } from './graph-server/server.js';
import type { Tenant } from './graph-server/tenant.js';
import { CLI, type RunResult, runCli } from './helpers.js';

export const TENANT_ID = '0d1f6c52-8c1e-4bde-9f3a-2b8a3b6c7d10';
export const CLIENT_ID = '5a3b2c1d-0e9f-4a8b-8c7d-6e5f4a3b2c1d';
/** A secret the tests look for in every output: it must never appear. */
export const CLIENT_SECRET = 'Sekr1t~TestOnly.9zQx-never-print-me';

export interface M365Harness {
  server: GraphTestServer;
  tenant: Tenant;
  caFile: string;
  env: (stateDir: string) => NodeJS.ProcessEnv;
}

export async function startHarness(dir: string, tenant: Tenant, options: Partial<ServerOptions> = {}): Promise<M365Harness> {
  const server = new GraphTestServer(tenant, { tenantId: TENANT_ID, clientId: CLIENT_ID, clientSecret: CLIENT_SECRET, ...options });
  await server.start();
  const caFile = join(dir, 'graph-ca.pem');
  await writeFile(caFile, server.certificate);
  const env = (stateDir: string): NodeJS.ProcessEnv => ({
    NODE_EXTRA_CA_CERTS: caFile,
    AZURE_TENANT_ID: TENANT_ID,
    AZURE_CLIENT_ID: CLIENT_ID,
    AZURE_CLIENT_SECRET: CLIENT_SECRET,
    AZURE_AUTHORITY_HOST: server.baseUrl,
    INZAGE_STATE_DIR: stateDir,
    INZAGE_KEY_FILE: join(dir, 'key'),
  });
  return { server, tenant, caFile, env };
}

export function scanArgs(h: M365Harness, out: string, extra: string[] = []): string[] {
  return ['scan', '--m365', '--graph-endpoint', h.server.baseUrl, '--out', out, '--workers', '2', ...extra];
}

export function runM365(h: M365Harness, out: string, stateDir: string, extra: string[] = []): Promise<RunResult> {
  return runCli(scanArgs(h, out, extra), { env: h.env(stateDir) });
}

/** Starts a scan and kills it with SIGKILL once the server has served `afterMessages` messages. */
export function killDuring(h: M365Harness, out: string, stateDir: string, afterMessages: number): Promise<NodeJS.Signals | null> {
  return new Promise((resolve) => {
    const start = h.server.stats.messagesServed;
    const child = spawn(process.execPath, [CLI, ...scanArgs(h, out)], { env: { ...process.env, ...h.env(stateDir) }, stdio: 'ignore' });
    h.server.onMessageServed = (count) => {
      if (count - start >= afterMessages) {
        h.server.onMessageServed = undefined;
        child.kill('SIGKILL');
      }
    };
    child.on('exit', (_code, signal) => {
      h.server.onMessageServed = undefined;
      resolve(signal);
    });
  });
}
