/**
 * `inzage serve`: the privacy officer's workspace in the browser, over the scan state. Binds to
 * 127.0.0.1 with a one-time token by default; another address needs an authentication setting
 * (docs/serve.md explains the security model and running it behind a TLS proxy).
 */
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { serve as listen } from '@hono/node-server';
import { InzageError } from '../errors.js';
import { buildApp } from '../serve/app.js';
import { ServeQueries } from '../serve/queries.js';
import { type AuthMode, isLoopback, newToken, readPasswordFile } from '../serve/security.js';
import { keyFilePath, loadOrCreateKey } from '../state/secret-key.js';
import { ScanState, stateDir } from '../state/state.js';

export { DEFAULT_SERVE_PORT } from '../serve/security.js';

export interface ServeFlags {
  stateDir?: string;
  store?: string;
  host: string;
  port: number;
  readOnly: boolean;
  passwordFile?: string;
  authHeader?: string;
  secureCookie: boolean;
}

export interface RunningServer {
  url: string;
  close(): Promise<void>;
}

export async function startServe(flags: ServeFlags, print: (line: string) => void): Promise<RunningServer> {
  if (flags.store) {
    throw new InzageError(
      'usage',
      '--store: inzage serve reads the SQLite state for now; the PostgreSQL store comes with the shared state interface (issue 12)',
    );
  }
  if (flags.passwordFile && flags.authHeader) throw new InzageError('usage', 'choose one of --password-file and --auth-header');
  const loopback = isLoopback(flags.host);
  if (!loopback && !flags.passwordFile && !flags.authHeader) {
    throw new InzageError(
      'usage',
      `--host ${flags.host} would open the workspace to the network with only a token; give --password-file FILE (hashed passwords) or --auth-header NAME (a reverse proxy that signs users in), see docs/serve.md`,
    );
  }
  const dir = stateDir(flags.stateDir);
  if (!existsSync(join(dir, 'state.db'))) throw new InzageError('no-state', `no scan state in ${dir}; run inzage scan first (or pass --state-dir)`);
  const auth: AuthMode = flags.passwordFile
    ? { kind: 'password', users: readPasswordFile(flags.passwordFile) }
    : flags.authHeader
      ? { kind: 'proxy-header', header: flags.authHeader.toLowerCase() }
      : { kind: 'token', token: newToken() };
  const key = loadOrCreateKey(keyFilePath(process.env.INZAGE_KEY_FILE ? undefined : join(dir, 'secret.key')));
  const state = ScanState.open(dir);
  const queries = new ServeQueries(state);
  queries.ensureFresh();
  // Filled once the port is known; the app reads the same array.
  const allowedHosts: string[] = [];
  const app = buildApp({
    queries,
    auth,
    readOnly: flags.readOnly,
    key,
    allowedHosts,
    secureCookie: flags.secureCookie,
  });
  const server = await new Promise<ReturnType<typeof listen>>((resolveServer, reject) => {
    const s = listen({ fetch: app.fetch, port: flags.port, hostname: flags.host }, () => resolveServer(s));
    s.once('error', (err: NodeJS.ErrnoException) =>
      reject(new InzageError('serve-listen', `cannot listen on ${flags.host}:${flags.port}: ${err.code ?? err.message}; choose another --port`)),
    );
  });
  const address = server.address();
  const port = typeof address === 'object' && address ? address.port : flags.port;
  const shownHost = flags.host.includes(':') ? `[${flags.host}]` : flags.host;
  const base = `http://${shownHost}:${port}/`;
  // A loopback server answers only to its own names: a web page cannot rebind a domain to 127.0.0.1 and read it.
  if (loopback) {
    const names = new Set([`${shownHost}:${port}`, `localhost:${port}`, `127.0.0.1:${port}`, `[::1]:${port}`]);
    allowedHosts.push(...names);
  }
  const url = auth.kind === 'token' ? `${base}#token=${auth.token}` : base;
  print(`Inzage is at ${url} (open it in your browser${auth.kind === 'token' ? '; the token is shown only this once' : ''})`);
  if (flags.readOnly) print('Read-only: decisions and register edits are off.');
  return {
    url,
    close: () =>
      new Promise<void>((done) => {
        server.close(() => {
          state.close();
          done();
        });
      }),
  };
}
