/**
 * The per-installation secret that keys finding hashes (HMAC-SHA256). It lives beside the scan
 * state, `.inzage/secret.key` in the working directory by default, or where INZAGE_KEY_FILE
 * points; it is created on first use with mode 0600 and is never printed. The same key gives the
 * same hashes, which is what lets rescans match findings and `inzage find` look up a person.
 */
import { createHmac, hash, randomBytes } from 'node:crypto';
import { chmodSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { dirname, resolve } from 'node:path';
import { InzageError } from '../errors.js';

export const DEFAULT_KEY_FILE = '.inzage/secret.key';

export function keyFilePath(explicit?: string): string {
  return resolve(explicit ?? process.env.INZAGE_KEY_FILE ?? DEFAULT_KEY_FILE);
}

export function loadOrCreateKey(path = keyFilePath()): Buffer {
  try {
    const hex = readFileSync(path, 'utf8').trim();
    if (!/^[0-9a-f]{64}$/.test(hex)) {
      throw new InzageError(
        'bad-key',
        `the key file ${path} is not 64 hex characters; restore it from backup or delete it (hashes from earlier scans will then no longer match)`,
      );
    }
    return Buffer.from(hex, 'hex');
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code !== 'ENOENT') {
      if (err instanceof InzageError) throw err;
      throw new InzageError('key-unreadable', `cannot read the key file ${path}: ${(err as Error).message}`);
    }
  }
  const key = randomBytes(32);
  try {
    mkdirSync(dirname(path), { recursive: true, mode: 0o700 });
    writeFileSync(path, `${key.toString('hex')}\n`, { mode: 0o600, flag: 'wx' });
    chmodSync(path, 0o600);
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code === 'EEXIST') return loadOrCreateKey(path);
    throw new InzageError('key-unwritable', `cannot create the key file ${path}: ${(err as Error).message}; set INZAGE_KEY_FILE to a writable place`);
  }
  return key;
}

/** SHA-256's block size: HMAC pads its key to one block. */
const BLOCK = 64;
/** Messages up to this many UTF-8 bytes are hashed from a buffer kept for the hasher; longer ones take createHmac. */
const MESSAGE_ROOM = 4096;

/**
 * HMAC-SHA256 of `type` NUL `normalised value`, hex: the `hash` of a finding.
 *
 * Computed as RFC 2104 defines it, H((K ^ opad) || H((K ^ ipad) || m)), with two one-shot
 * `crypto.hash` calls over buffers that hold the padded key already: a `createHmac` object per
 * finding (its key set-up, update and digest) cost about a sixth more, and a dense share has
 * hundreds of thousands of findings. The test in secret-key.test.ts holds it to createHmac.
 */
export function createHasher(key: Buffer) {
  if (key.length > BLOCK) return (type: string, normalized: string) => createHmac('sha256', key).update(`${type}\0${normalized}`).digest('hex');
  const inner = Buffer.alloc(BLOCK + MESSAGE_ROOM);
  const outer = Buffer.alloc(BLOCK + 32);
  for (let i = 0; i < BLOCK; i++) {
    const k = i < key.length ? (key[i] as number) : 0;
    inner[i] = k ^ 0x36;
    outer[i] = k ^ 0x5c;
  }
  return (type: string, normalized: string): string => {
    const message = `${type}\0${normalized}`;
    // Three bytes per UTF-16 unit at most: it fits without measuring first.
    if (message.length * 3 > MESSAGE_ROOM) return createHmac('sha256', key).update(message).digest('hex');
    const n = inner.write(message, BLOCK, 'utf8');
    hash('sha256', inner.subarray(0, BLOCK + n), 'buffer').copy(outer, BLOCK);
    return hash('sha256', outer, 'hex');
  };
}
