import { createHmac } from 'node:crypto';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { confidenceLevel, createEngine, SPECIAL_IN_IDENTIFIED_ITEM } from './engine.js';
import { presidioRecognizer } from './ner.js';
import { buildPrefilter } from './prefilter.js';
import { builtinDetectors, coreDetectors } from './registry.js';
import type { Detector, Finding } from './types.js';

const hasher = (type: string, value: string) => createHmac('sha256', 'k').update(`${type}\0${value}`).digest('hex');
const engine = createEngine(builtinDetectors, hasher);
const types = (text: string, context?: string) => engine.detect({ text, where: { line: 1 }, ...(context ? { context } : {}) }).map((f) => f.type);

describe('keyword prefilter (Aho–Corasick)', () => {
  it('marks exactly the lists whose keywords occur, overlapping and nested ones included', () => {
    const p = buildPrefilter([['he', 'she'], ['hers'], ['his'], undefined, ['ziekmelding'], ['ziek']]);
    const eligible = new Uint8Array(6);
    p.scan('ushers ziekmelding', eligible);
    expect([...eligible]).toEqual([1, 1, 0, 0, 1, 1]);
    const none = new Uint8Array(6);
    p.scan('nothing at all', none);
    expect([...none]).toEqual([0, 0, 0, 0, 0, 0]);
  });

  it('finds a keyword only reachable through a failure link', () => {
    const p = buildPrefilter([['abcd'], ['bce']]);
    const eligible = new Uint8Array(2);
    p.scan('xabce', eligible);
    expect([...eligible]).toEqual([0, 1]);
  });

  it('notes where the last keyword of each list starts, the shortest one counting where several end', () => {
    const p = buildPrefilter([['he', 'she'], ['hers'], ['his'], undefined, ['ziekmelding'], ['ziek']]);
    const eligible = new Uint8Array(6);
    const starts = new Int32Array(6).fill(7);
    p.scan('she ushers ziekmelding, ziek', eligible, starts);
    expect([...eligible]).toEqual([1, 1, 0, 0, 1, 1]);
    // "he" and "hers" in "ushers" start at 6, after the "she" at 0; "ziek" last at 24; none is -1.
    expect([...starts]).toEqual([6, 6, -1, -1, 11, 24]);
    // "she" holds "he" too: the list's keyword in the last two characters is "he", starting at 1.
    p.scan('she', eligible, starts);
    expect(starts[0]).toBe(1);
  });

  it('reads the keywords of a context that is the end of the text before it as a scan of it would', () => {
    const lines = ['Klantnummer en PESEL staan in de bijlage, zie verder', 'de lijst van vandaag met PESEL', 'nummer'];
    const value = '60111087503';
    const scanned = (context: string) =>
      createEngine(builtinDetectors, hasher)
        .detect({ text: value, where: {}, context })
        .map((f) => f.type);
    for (const line of lines) {
      for (const tail of [line.slice(-8), line.slice(-20), line]) {
        // The engine has just read `line`, so the context is that text's tail; a fresh engine scans it.
        const warm = createEngine(builtinDetectors, hasher);
        warm.detect({ text: line, where: {} });
        const found = warm.detect({ text: value, where: {}, context: tail }).map((f) => f.type);
        expect(found, `${JSON.stringify(tail)} after ${JSON.stringify(line)}`).toEqual(scanned(tail));
        expect(found.includes('pl-pesel'), JSON.stringify(tail)).toBe(/pesel/i.test(tail));
      }
    }
  });

  it('tells a detector its phrase groups from its own pass over the text, as its own scan would, the context not counting', () => {
    const own = builtinDetectors.map((d) => {
      const { phrases: _phrases, ...rest } = d;
      return rest as Detector;
    });
    const asked = createEngine(own, hasher);
    const told = createEngine(builtinDetectors, hasher);
    const texts = [
      ['Afspraak met mevr. El Amrani om tien uur.', undefined],
      ['Hi, my name is Dan.', 'Afspraak met mevr.'],
      ['El Amrani om tien uur', 'Afspraak met mevr.'],
      ['Dan Vos', 'my name is'],
      ['Contactpersoon: Dan Vos', 'naam'],
      ['De heer Bakker belt terug', 'Geachte heer'],
    ] as const;
    for (const [text, context] of texts) {
      for (const e of [asked, told]) e.detect({ text: 'voorafgaande regel', where: {} });
      const segment = { text, where: { line: 2 }, ...(context ? { context } : {}) };
      expect(told.detect(segment), `${text} | ${context}`).toEqual(asked.detect(segment));
    }
    expect(told.detect({ text: 'Afspraak met mevr. El Amrani om tien uur.', where: {} }).map((f) => f.type)).toContain('person-name');
  });

  it('runs a gated detector when its keyword is only in the column header', () => {
    expect(types('60111087503')).not.toContain('pl-pesel');
    expect(types('60111087503', 'PESEL')).toContain('pl-pesel');
  });
});

describe('context and negative context', () => {
  it('a date is a date of birth only near a birth word', () => {
    expect(types('12-03-1985')).toEqual([]);
    expect(types('12-03-1985', 'Geboortedatum')).toEqual(['date-of-birth']);
    expect(types('Factuurdatum 12-03-1985, geboren')).toEqual([]);
  });

  it('levels: low below the default threshold, high from 0.8', () => {
    expect(confidenceLevel(0.3)).toBe('low');
    expect(confidenceLevel(0.6)).toBe('medium');
    expect(confidenceLevel(0.95)).toBe('high');
  });
});

describe('ordinary office text', () => {
  it.each([
    'Planning Q3: Team Noord 25619 77912 levert op 8-11-2024, budget 12500 euro, versie 3.2.1.',
    'Zuid 87756 72322 Team overleg; Intranet 39106 de 90862 Excel.',
    'Project Apollo start maandag 12 februari 2024 in Utrecht, kamer 2.14, met Teams en Excel.',
    'Het rapport over kwartaal 3 (pagina 12-14) staat in map 2024/Q3/Project Noord.',
    'Order 123456782 is op 03-04-2024 verzonden; tracking 1Z999AA10123456784, factuur F-2024-0012.',
    'The Annual Report 2023 by Finance Department, chapter 4.2, page 17, table 12-3.',
  ])('reports nothing in %j', (text) => {
    expect(types(text)).toEqual([]);
  });
});

describe('finalizeItem', () => {
  const detectAll = (lines: string[]): Finding[] => lines.flatMap((text, i) => engine.detect({ text, where: { line: i + 1 } }));

  it('raises special-category findings to high when the item also identifies someone', () => {
    const findings = engine.finalizeItem(detectAll(['Naam: Jan de Vries', 'Ziekmelding ontvangen, diagnose volgt']));
    const special = findings.filter((f) => f.category === 'special');
    expect(special.length).toBe(2);
    for (const f of special) {
      expect(f.confidence).toBe(SPECIAL_IN_IDENTIFIED_ITEM);
      expect(f.basis).toContain('identified-item');
    }
  });

  it('leaves them medium in an item that identifies nobody', () => {
    const findings = engine.finalizeItem(detectAll(['Beleid ziekteverzuim 2024', 'Algemene informatie over de bedrijfsarts']));
    expect(findings.length).toBe(2);
    for (const f of findings) expect(confidenceLevel(f.confidence)).toBe('medium');
  });
});

describe('recognisers (NER) and the Presidio analyzer client', () => {
  let server: Server;
  let url: string;
  const requests: { text: string; language: string }[] = [];
  beforeAll(async () => {
    // Answers like presidio-analyzer's POST /analyze: a list of { entity_type, start, end, score }.
    server = createServer((req, res) => {
      let body = '';
      req.on('data', (c) => {
        body += c;
      });
      req.on('end', () => {
        if (req.method !== 'POST' || req.url !== '/analyze') {
          res.writeHead(404).end();
          return;
        }
        const { text, language } = JSON.parse(body) as { text: string; language: string };
        requests.push({ text, language });
        if (text.includes('FAIL')) {
          res.writeHead(500).end('boom');
          return;
        }
        const results = [];
        for (const m of text.matchAll(/Zwaan(?:tje)? [A-Z][a-z]+/g)) {
          results.push({ entity_type: 'PERSON', start: m.index, end: m.index + m[0].length, score: 0.85, analysis_explanation: null });
        }
        results.push({ entity_type: 'DATE_TIME', start: 0, end: 2, score: 0.9 });
        res.writeHead(200, { 'content-type': 'application/json' }).end(JSON.stringify(results));
      });
    });
    await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
    url = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  });
  afterAll(() => new Promise<void>((r) => server.close(() => r())));

  it('turns Presidio PERSON spans into masked person-name findings and drops unmapped types', async () => {
    const recognizer = presidioRecognizer({ url, language: 'nl' });
    const ner = createEngine(builtinDetectors, hasher, { recognizers: [recognizer] });
    const text = 'Gisteren sprak ik Zwaantje Kroes over het rooster.';
    const findings = await ner.detectAsync({ text, where: { line: 1 } });
    expect(requests.at(-1)?.language).toBe('nl');
    const names = findings.filter((f) => f.type === 'person-name');
    expect(names).toHaveLength(1);
    expect(names[0]?.basis?.[0]).toBe('ner:presidio');
    expect(names[0]?.masked).not.toContain('Kroes');
    expect(findings.some((f) => f.type === 'DATE_TIME')).toBe(false);
    // Without the recogniser the same sentence yields no name: "Zwaantje" is not in our lists.
    expect(engine.detect({ text, where: { line: 1 } }).filter((f) => f.type === 'person-name')).toEqual([]);
  });

  it('keeps the pattern findings and reports the failure when the analyzer fails', async () => {
    const errors: string[] = [];
    const ner = createEngine(coreDetectors, hasher, {
      recognizers: [presidioRecognizer({ url })],
      onRecognizerError: (id, err) => errors.push(`${id}: ${(err as Error).message}`),
    });
    const findings = await ner.detectAsync({ text: 'FAIL mail jan@example.nl', where: { line: 1 } });
    expect(findings.map((f) => f.type)).toEqual(['email']);
    expect(errors).toEqual(['presidio: Presidio analyzer answered HTTP 500']);
    expect(errors.join()).not.toContain('jan@example.nl');
  });
});

describe('detector hygiene', () => {
  it.each(builtinDetectors.map((d) => [d.id, d] as const))('%s: every pattern is global and its keywords are lower-case-able', (_id, d: Detector) => {
    for (const p of d.patterns ?? []) expect(p.regex.flags).toContain('g');
    for (const k of d.keywords ?? []) expect(k.trim().length).toBeGreaterThan(0);
  });

  it('a 2 MB line without spaces does not make any detector backtrack for long', () => {
    const text = `${'Aa1-.'.repeat(200_000)}${'9'.repeat(1_000_000)}`;
    const findings = engine.detect({ text, where: { line: 1 } });
    expect(Array.isArray(findings)).toBe(true);
  });
});
