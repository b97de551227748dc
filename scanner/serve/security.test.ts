import { mkdtemp, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { checkPassword, hashPasswordLine, isLoopback, readCookie, readPasswordFile, sameSecret } from './security.js';

describe('serve security helpers', () => {
  it('hashes a password into a line that checks only the same password and name', async () => {
    const line = hashPasswordLine('fg', 'correct horse');
    expect(line).toMatch(/^fg:scrypt:16384:8:1:[A-Za-z0-9+/=]+:[A-Za-z0-9+/=]+$/);
    expect(line).not.toContain('correct horse');
    const file = join(await mkdtemp(join(tmpdir(), 'inzage-pw-')), 'users');
    await writeFile(file, `# users\n${line}\n`);
    const users = readPasswordFile(file);
    expect(checkPassword(users, 'fg', 'correct horse')).toBe(true);
    expect(checkPassword(users, 'fg', 'correct horsE')).toBe(false); // one letter off
    expect(checkPassword(users, 'someone', 'correct horse')).toBe(false); // unknown name
  });

  it('refuses a password file with plain-text lines, naming the line', async () => {
    const file = join(await mkdtemp(join(tmpdir(), 'inzage-pw-')), 'users');
    await writeFile(file, 'fg:secret\n');
    expect(() => readPasswordFile(file)).toThrow(/line 1 .* not a hashed password/);
  });

  it('tells loopback from network addresses, compares secrets, reads cookies', () => {
    for (const host of ['127.0.0.1', '::1', 'localhost', '127.1.2.3']) expect(isLoopback(host)).toBe(true);
    for (const host of ['0.0.0.0', '192.168.1.10', '::', 'example.org']) expect(isLoopback(host)).toBe(false);
    expect(sameSecret('abc', 'abc')).toBe(true);
    expect(sameSecret('abc', 'abd')).toBe(false);
    expect(sameSecret('abc', 'abcd')).toBe(false);
    expect(readCookie('a=1; inzage_session=xyz; b=2', 'inzage_session')).toBe('xyz');
    expect(readCookie('a=1', 'inzage_session')).toBeUndefined();
  });
});
