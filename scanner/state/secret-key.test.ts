import { createHmac, randomBytes } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { seededRandom } from '../../fixtures/random.js';
import { createHasher } from './secret-key.js';

const hmac = (key: Buffer, type: string, value: string) => createHmac('sha256', key).update(`${type}\0${value}`).digest('hex');

describe('createHasher', () => {
  it('is HMAC-SHA256 of type NUL value, for keys and values of every kind', () => {
    const random = seededRandom(5);
    // A lone surrogate too: both ways write it as U+FFFD.
    const alphabet = ['0', '9', 'a', 'Z', ' ', '@', '.', 'é', 'ß', '中', '😀', '\ud800', '\0', '\n'];
    for (const keyLength of [0, 1, 31, 32, 63, 64, 65, 200]) {
      const key = randomBytes(keyLength);
      const hasher = createHasher(key);
      for (let n = 0; n < 200; n++) {
        let value = '';
        // Lengths up to past the hasher's buffer, so both of its ways are taken.
        const length = n < 190 ? Math.floor(random() * 40) : 1300 + Math.floor(random() * 2000);
        for (let i = 0; i < length; i++) value += alphabet[Math.floor(random() * alphabet.length)];
        expect(hasher('phone', value)).toBe(hmac(key, 'phone', value));
      }
    }
  });

  it('gives the same hash however many times it is asked, in any order', () => {
    const key = Buffer.alloc(32, 9);
    const hasher = createHasher(key);
    const long = `${'x'.repeat(3000)}`;
    const first = [hasher('email', 'a@b.nl'), hasher('email', long), hasher('email', 'a@b.nl'), hasher('nl-bsn', '')];
    expect(first[0]).toBe(first[2]);
    expect(first).toEqual([hmac(key, 'email', 'a@b.nl'), hmac(key, 'email', long), hmac(key, 'email', 'a@b.nl'), hmac(key, 'nl-bsn', '')]);
  });
});
