import { describe, expect, it } from 'vitest';
import { createEngine } from './engine.js';
import { builtinDetectors } from './registry.js';

const engine = createEngine(builtinDetectors, (t, v) => `${t}:${v}`);
const cards = (text: string) => engine.detect({ text, where: {} }).filter((f) => f.type === 'credit-card');

describe('credit-card: one card written several ways on one line', () => {
  it.each([
    ['4111111111111111 4111 1111 1111 1111 4111-1111-1111-1111', 3],
    ['Card 4111111111111111, 4111 1111 1111 1111 and 4111-1111-1111-1111 on file.', 3],
    ['5555555555554444 5555 5555 5555 4444', 2],
    // Invalid rows, with their reason:
    ['4111 1111 1111 1111 4111 1111 1111 1112', 1], // the second fails the Luhn check
    ['1234 5678 9012 3456 1234 5678 9012 3456', 0], // neither passes Luhn
    ['order 4111111111111111 4111 1111 1111 1111', 0], // order numbers, not cards
  ])('%j holds %i', (text, count) => {
    expect(cards(text)).toHaveLength(count);
  });
});
