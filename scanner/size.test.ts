import { describe, expect, it } from 'vitest';
import { formatSize, parseSize } from './size.js';

describe('sizes', () => {
  it('parses what people write', () => {
    expect(parseSize('1024')).toBe(1024);
    expect(parseSize('500MB')).toBe(500 * 1024 ** 2);
    expect(parseSize('1.5 GiB')).toBe(1.5 * 1024 ** 3);
    expect(parseSize('2g')).toBe(2 * 1024 ** 3);
    expect(() => parseSize('lots')).toThrow(/not a size/);
    expect(() => parseSize('5 parsecs')).toThrow(/not a size/);
  });
  it('formats for people', () => {
    expect(formatSize(512)).toBe('512 B');
    expect(formatSize(1536)).toBe('1.5 KB');
    expect(formatSize(1024 ** 3)).toBe('1.0 GB');
  });
});
