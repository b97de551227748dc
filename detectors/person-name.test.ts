import { describe, expect, it } from 'vitest';
import { createEngine } from './engine.js';
import { builtinDetectors } from './registry.js';

const engine = createEngine(builtinDetectors, (type, value) => `${type}:${value}`);
const names = (text: string) =>
  engine
    .detect({ text, where: {} })
    .filter((f) => f.type === 'person-name')
    .map((f) => `${f.masked} ${f.basis?.[0]}`);

// The phrase patterns run only where a prefilter pass finds their literal words: it must admit
// every way of writing them that the patterns themselves accept.
describe('names after phrases, whatever the case', () => {
  it.each([
    ['Hallo, ich heiſſe Jürgen.', 'j***** introduction'], // long s: an `s` under Unicode case folding
    ['Hallo, ICH HEIẞE Jürgen.', 'j***** introduction'],
    ['Hallo, ich HEISSE Jürgen.', 'j***** introduction'],
    ['Hi, CALL ME Dan.', 'd** introduction'],
    ['MIJN NAAM IS Wubbo.', 'w**** introduction'],
    ['Morgen komt heer Bakker langs.', 'b***** title'],
    ['Afspraak met mevrouw El Amrani', 'e* a***** title'],
    ['la referente è Giuseppe Russo', 'g******* r**** labelled'],
    ['Naam: J.P. de Vries', 'j.p. d* v**** initials'],
    ['Naam 😀: J.P. de Vries', 'j.p. d* v**** initials'], // outside the BMP: the regex path
  ])('%j', (text, found) => {
    expect(names(text)).toEqual([found]);
  });
});
