/**
 * Who may talk to `inzage serve`, and how a request proves it. The server holds personal-data
 * metadata, so every rule here fails closed:
 * - token (default, loopback only): a random token made at start and printed once, in the URL's
 *   fragment (never sent to a server, never in a proxy log); the page trades it for a session cookie.
 * - password file: `name:scrypt:N:r:p:salt:hash` lines (`inzage serve --hash-password NAME`).
 * - proxy header: a reverse proxy that authenticates users and sets a header with the user name.
 * A session is an HttpOnly, SameSite=Strict cookie plus a CSRF token that every API call sends in
 * a header; state-changing calls must also come from the server's own origin.
 */
import { randomBytes, scryptSync, timingSafeEqual } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { InzageError } from '../errors.js';

export type AuthMode = { kind: 'token'; token: string } | { kind: 'password'; users: Map<string, string> } | { kind: 'proxy-header'; header: string };

export interface Session {
  id: string;
  actor: string;
  csrf: string;
  expires: number;
}

export const SESSION_COOKIE = 'inzage_session';
export const CSRF_HEADER = 'x-inzage-csrf';
const SESSION_MS = 12 * 3600_000;
const SCRYPT = { N: 16384, r: 8, p: 1 };

/** The port `inzage serve` listens on unless told otherwise (here, beside the address rules, so the CLI can name it without loading the server). */
export const DEFAULT_SERVE_PORT = 7345;

export const isLoopback = (host: string) => host === '127.0.0.1' || host === '::1' || host === 'localhost' || /^127\.\d+\.\d+\.\d+$/.test(host);

export function newToken(): string {
  return randomBytes(32).toString('base64url');
}

export function sameSecret(given: string, expected: string): boolean {
  const a = Buffer.from(given);
  const b = Buffer.from(expected);
  return a.length === b.length && timingSafeEqual(a, b);
}

/** One password-file line for this name and password. */
export function hashPasswordLine(name: string, password: string): string {
  if (!/^[^:\s]+$/.test(name)) throw new InzageError('usage', 'a user name must not be empty or hold ":" or spaces');
  const salt = randomBytes(16);
  const hash = scryptSync(password, salt, 32, SCRYPT);
  return `${name}:scrypt:${SCRYPT.N}:${SCRYPT.r}:${SCRYPT.p}:${salt.toString('base64')}:${hash.toString('base64')}`;
}

export function readPasswordFile(file: string): Map<string, string> {
  let text: string;
  try {
    text = readFileSync(file, 'utf8');
  } catch (err) {
    throw new InzageError('usage', `cannot read the password file ${file}: ${(err as NodeJS.ErrnoException).code ?? (err as Error).message}`);
  }
  const users = new Map<string, string>();
  for (const [n, line] of text.split(/\r?\n/).entries()) {
    if (!line.trim() || line.startsWith('#')) continue;
    const parts = line.split(':');
    if (parts.length !== 7 || parts[1] !== 'scrypt') {
      throw new InzageError('usage', `line ${n + 1} of ${file} is not a hashed password; make lines with inzage serve --hash-password NAME`);
    }
    users.set(parts[0] as string, line);
  }
  if (users.size === 0) throw new InzageError('usage', `the password file ${file} holds no users; add one with inzage serve --hash-password NAME`);
  return users;
}

export function checkPassword(users: Map<string, string>, name: string, password: string): boolean {
  const line = users.get(name);
  // Hash even for an unknown name, so the time taken does not tell which names exist.
  const [, , N, r, p, salt, hash] = (line ?? `x:scrypt:${SCRYPT.N}:8:1:AAAAAAAAAAAAAAAAAAAAAA==:AAAA`).split(':');
  const expected = Buffer.from(hash as string, 'base64');
  const got = scryptSync(password, Buffer.from(salt as string, 'base64'), expected.length || 32, { N: Number(N), r: Number(r), p: Number(p) });
  return line !== undefined && got.length === expected.length && timingSafeEqual(got, expected);
}

export class Sessions {
  private readonly byId = new Map<string, Session>();

  create(actor: string): Session {
    const session = { id: newToken(), actor, csrf: newToken(), expires: Date.now() + SESSION_MS };
    this.byId.set(session.id, session);
    return session;
  }

  get(id: string | undefined): Session | undefined {
    if (!id) return undefined;
    const s = this.byId.get(id);
    if (!s) return undefined;
    if (s.expires < Date.now()) {
      this.byId.delete(id);
      return undefined;
    }
    return s;
  }

  end(id: string | undefined): void {
    if (id) this.byId.delete(id);
  }
}

export function readCookie(header: string | undefined, name: string): string | undefined {
  if (!header) return undefined;
  for (const part of header.split(';')) {
    const eq = part.indexOf('=');
    if (eq > 0 && part.slice(0, eq).trim() === name) return part.slice(eq + 1).trim();
  }
  return undefined;
}

export function sessionCookie(id: string, secure: boolean): string {
  return `${SESSION_COOKIE}=${id}; Path=/; HttpOnly; SameSite=Strict${secure ? '; Secure' : ''}; Max-Age=${SESSION_MS / 1000}`;
}

/**
 * The Content-Security-Policy of every response: scripts and styles only from this server, no
 * inline code, requests only to this server, no frames, no forms posting anywhere.
 */
export const CSP = [
  "default-src 'none'",
  "script-src 'self'",
  "style-src 'self'",
  "img-src 'self'",
  "connect-src 'self'",
  "base-uri 'none'",
  "form-action 'self'",
  "frame-ancestors 'none'",
].join('; ');

export const SECURITY_HEADERS: Record<string, string> = {
  'Content-Security-Policy': CSP,
  'X-Content-Type-Options': 'nosniff',
  'Referrer-Policy': 'no-referrer',
  'X-Frame-Options': 'DENY',
  'Cross-Origin-Opener-Policy': 'same-origin',
  'Cross-Origin-Resource-Policy': 'same-origin',
  'Permissions-Policy': 'camera=(), microphone=(), geolocation=()',
};
