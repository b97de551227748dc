import { describe, expect, it } from 'vitest';
import { beIban, beNationalPhone, nlIban, seeded } from '../fixtures/identifiers.js';
import { createEngine } from './engine.js';
import { RegionEvidence, regionsOfPath } from './region-hints.js';
import { builtinDetectors, selectDetectors } from './registry.js';

const hasher = (type: string, value: string) => `${type}:${value}`;
const engine = createEngine(builtinDetectors, hasher);
const phones = (text: string, e = engine) => e.detect({ text, where: {} }).filter((f) => f.type === 'phone');

describe('regions of a path', () => {
  it.each([
    ['klanten/BE/lijst.csv', ['BE']],
    ['Belgie/gent/lijst.csv', ['BE']],
    ['archief/Deutschland/kunden.xlsx', ['DE']],
    ['export/klanten-belgie.csv', ['BE']],
    ['France/clients.csv', ['FR']],
    // `de` in a file name is a Dutch word, not Germany; only a whole folder name counts.
    ['brieven/brief de vries.docx', []],
    ['brieven/it/lijst.csv', []],
    ['lijst.csv', []],
  ])('%s names %j', (path, regions) => {
    expect(regionsOfPath(path)).toEqual(regions);
  });
});

describe('region evidence in text', () => {
  const regionsOf = (...texts: string[]) => {
    const e = new RegionEvidence();
    for (const t of texts) e.see(t);
    return [...e.regions()];
  };

  it.each([
    ['Rekening BE68 5390 0754 7034', ['BE']],
    ['IBAN DE89 3704 0044 0532 0130 00', ['DE']],
    ['Bel +32 2 555 12 34', ['BE']],
    ['of 0049 30 1234567', ['DE']],
    ['mail jan@firma.be', ['BE']],
    ['Grote Markt 1, 1000 Brussel', ['BE']],
    ['Hauptstraße 5, 10115 Berlin', ['DE']],
    ['geboren in België', ['BE']],
    ['Sehr geehrte Damen und Herren, wir bitten Sie um Ihre Antwort.', ['DE']],
    ['rekening NL91 ABNA 0417 1643 00', ['NL']],
  ])('%j points at %j', (text, regions) => {
    expect(regionsOf(text)).toEqual(regions);
  });

  it.each([
    // A four-digit number before a city that is not Belgian, a Dutch postcode, a be- word, German loanwords in Dutch.
    'Postbus 1000 Amsterdam',
    '3511 AB Utrecht',
    'Wij willen be-talen voor de BEurs',
    'Die Bank und de rest: het is een mooie dag voor een wandeling.',
    'ordernummer 1234567890',
    'mail jan@firma.bezorg.nl.invalid',
  ])('%j points at no other region', (text) => {
    expect(regionsOf(text).filter((r) => r !== 'NL')).toEqual([]);
  });

  it.each([
    // Names and digit signals in one text, in the order they stand (a name is found apart from the regex when there is no @).
    ['Belgique, tel 0049 30 1234567', ['BE', 'DE']],
    ['tel +32 2 555 12 34, Deutschland', ['BE', 'DE']],
    ['Frankreich 1000 Brussel Nederland', ['FR', 'BE', 'NL']],
    ['75001 Paris Belgien; jan@firma.de', ['FR', 'BE', 'DE']],
    ['Belgien (Germany)', ['BE', 'DE']],
    // A name inside a word is none: letters before or after it.
    ['xFrance Belgiens Nederlandse', []],
    ['Ééngermany', []],
  ])('%j points at %j in that order', (text, regions) => {
    expect(regionsOf(text)).toEqual(regions);
  });

  it('gathers German over segments, as a letter is read paragraph by paragraph', () => {
    expect(regionsOf('Sehr geehrte Frau Weber,', 'wir haben Ihre Nachricht', 'und bitten Sie um Geduld.')).toEqual(['DE']);
  });
});

describe('phone numbers read in the item’s region', () => {
  const random = seeded(7);
  const numbers = Array.from({ length: 20 }, () => beNationalPhone(random));

  it('reports unlabelled Belgian numbers in a segment with Belgian evidence, and not without', () => {
    for (const n of numbers) {
      expect(phones(`${beIban(random)}; ${n}`), n).toHaveLength(1);
      expect(phones(`${nlIban(random)}; ${n}`), n).toHaveLength(0);
      expect(phones(n), n).toHaveLength(0);
    }
  });

  it('releases numbers held back in an item when a later segment shows the country', () => {
    const item = engine.openItem();
    const early = numbers.flatMap((n, i) => engine.detect({ text: n, where: { line: i + 1 } }, item));
    expect(early.filter((f) => f.type === 'phone')).toEqual([]);
    engine.detect({ text: `IBAN ${beIban(random)}`, where: { line: 99 } }, item);
    const released = engine.closeItem(item);
    expect(released.map((f) => f.where.line)).toEqual(numbers.map((_, i) => i + 1));
    for (const f of released) {
      expect(f.type).toBe('phone');
      expect(f.confidence).toBeGreaterThanOrEqual(0.5);
      expect(f.basis).toContain('item-region');
      expect(f.hash).toMatch(/^phone:\+32/);
    }
  });

  it('releases nothing in an item that never shows the country, and nothing twice', () => {
    const item = engine.openItem();
    for (const n of numbers) engine.detect({ text: n, where: {} }, item);
    engine.detect({ text: `IBAN ${nlIban(random)}`, where: {} }, item);
    expect(engine.closeItem(item)).toEqual([]);
    const be = engine.openItem(['BE']);
    for (const n of numbers)
      expect(
        engine.detect({ text: n, where: {} }, be).filter((f) => f.type === 'phone'),
        n,
      ).toHaveLength(1);
    expect(engine.closeItem(be)).toEqual([]);
  });

  it('keeps the scan’s regions first, so a number both plans accept reads as it does everywhere in the scan', () => {
    // 0475 is Roermond in the Dutch plan and a mobile in the Belgian one.
    const [f] = phones('Bel 0475 12 34 56, rekening BE68 5390 0754 7034');
    expect(f?.hash).toBe('phone:+31475123456');
    const [b] = phones('Bel 0475 12 34 56', createEngine(selectDetectors({ phoneRegions: ['BE'] }), hasher));
    expect(b?.hash).toBe('phone:+32475123456');
  });

  it('does not let an item region lift a number its label calls something else', () => {
    const item = engine.openItem(['BE']);
    expect(engine.detect({ text: 'artikel 02 555 12 34', where: {} }, item).filter((f) => f.type === 'phone')).toEqual([]);
    expect(engine.closeItem(item)).toEqual([]);
  });
});
