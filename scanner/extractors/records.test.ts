import { createHmac } from 'node:crypto';
import * as XLSX from '@e965/xlsx';
import { describe, expect, it } from 'vitest';
import { createEngine } from '../../detectors/engine.js';
import { builtinDetectors, selectDetectors } from '../../detectors/registry.js';
import { memoryContent } from './content.js';
import { extractDelimited } from './csv.js';
import { kindOfKey } from './field-keys.js';
import { extractJson } from './json.js';
import { extractSpreadsheet } from './spreadsheet.js';
import { type Extracted, segmentsOf } from './types.js';

const hasher = (type: string, value: string) => createHmac('sha256', 'k').update(`${type}\0${value}`).digest('hex');
const engine = createEngine(builtinDetectors, hasher);
const bytes = (s: string) => new Uint8Array(Buffer.from(s));

async function findings(parts: AsyncIterable<Extracted>) {
  const out: { type: string; where: object }[] = [];
  for await (const p of parts) for (const segment of segmentsOf(p)) for (const f of engine.detect(segment)) out.push({ type: f.type, where: f.where });
  return out;
}

describe('field keys', () => {
  it.each([
    ['Voornaam', 'given-name'],
    ['firstName', 'given-name'],
    ['Prénom', 'given-name'],
    ['cognome', 'family-name'],
    ['Apellidos', 'family-name'],
    ['Straße', 'street'],
    ['house_number', 'house-number'],
    ['PLZ', 'postcode'],
    ['Código postal', 'postcode'],
    ['Città', 'city'],
    ['geboortedatum', 'birth-date'],
    ['fecha_nacimiento', 'birth-date'],
    ['Data di nascita', 'birth-date'],
    ['klant telefoon', 'phone'],
    ['Ordernummer', 'reference'],
    ['N° de commande', 'reference'],
    ['Nummer', 'number'],
  ])('%s is %s', (key, kind) => {
    expect(kindOfKey(key)).toBe(kind);
  });

  it.each(['Bedrijfsnaam', 'product name', 'Omschrijving', ''])('%j names no kind', (key) => {
    expect(kindOfKey(key)).toBeUndefined();
  });
});

describe('records', () => {
  const csv = [
    'Voornaam;Tussenvoegsel;Achternaam;Straat;Huisnummer;Postcode;Woonplaats;Nummer;Ordernummer',
    'Wubbo;de;Vries;Kerkstraat;12;3511 AB;Utrecht;111222333;123456782',
    'Geesje;;Mulder;Molenweg;3a;8011 CD;Zwolle;123456782;111222333',
    'Sanne;van den;Berg;Julianalaan;140;9712 CP;Groningen;232262536;232262536',
  ].join('\n');

  it('finds a name and an address spread over columns once each, at their first cell', async () => {
    const found = await findings(extractDelimited(memoryContent(bytes(csv), 'klanten.csv')));
    const at = (type: string) => found.filter((f) => f.type === type).map((f) => (f.where as { cell: string }).cell);
    expect(at('person-name')).toEqual(['A2', 'A3', 'A4']);
    expect(at('postal-address')).toEqual(['D2', 'D3', 'D4']);
  });

  it('types a column headed "Nummer" by the elfproef of its values, and never an order-number column', async () => {
    const found = await findings(extractDelimited(memoryContent(bytes(csv), 'klanten.csv')));
    expect(found.filter((f) => f.type === 'nl-bsn').map((f) => (f.where as { cell: string }).cell)).toEqual(['H2', 'H3', 'H4']);
  });

  it('reads the same list from a workbook with a title row above the header', async () => {
    const rows = csv.split('\n').map((l) => l.split(';'));
    const book = XLSX.utils.book_new();
    XLSX.utils.book_append_sheet(book, XLSX.utils.aoa_to_sheet([['Klanten 2024'], ...rows]), 'Klanten');
    const data = new Uint8Array(XLSX.write(book, { type: 'buffer', bookType: 'xlsx' }) as Buffer);
    const found = await findings(
      extractSpreadsheet(memoryContent(data, 'k.xlsx'), { mediaType: 'application/vnd.openxmlformats-officedocument.spreadsheetml.sheet', depth: 0 }),
    );
    expect(found.filter((f) => f.type === 'postal-address').map((f) => (f.where as { cell: string }).cell)).toEqual(['D3', 'D4', 'D5']);
    expect(found.filter((f) => f.type === 'nl-bsn')).toHaveLength(3);
  });

  it('assembles nested JSON objects and keeps the line of the first part', async () => {
    const json = JSON.stringify(
      {
        customers: [
          {
            firstName: 'Poppy',
            lastName: 'Evans',
            birthDate: '1985-03-12',
            address: { street: 'Baker Street', houseNumber: '221', postalCode: 'NW1 6XE', city: 'London' },
          },
        ],
      },
      null,
      2,
    );
    const found = await findings(extractJson(memoryContent(bytes(json), 'export.json'), false));
    expect(found.sort((a, b) => a.type.localeCompare(b.type))).toEqual([
      { type: 'date-of-birth', where: { line: 6 } },
      { type: 'person-name', where: { line: 4 } },
      { type: 'postal-address', where: { line: 8 } },
    ]);
  });

  it('reads JSON that is not well-formed as lines, dropping nothing', async () => {
    const found = await findings(extractJson(memoryContent(bytes('{"email": "jan@example.nl",\n oops'), 'x.json'), false));
    expect(found).toEqual([{ type: 'email', where: { line: 1 } }]);
  });
});

describe('phone regions', () => {
  it('reads a Belgian number without country code at full score in a BE scan, and only under a label otherwise', () => {
    const be = createEngine(selectDetectors({ phoneRegions: ['BE'] }), hasher);
    const text = 'Bel 02 555 12 34';
    expect(be.detect({ text, where: {} }).filter((f) => f.type === 'phone')).toHaveLength(1);
    expect(engine.detect({ text: 'Artikel 02 555 12 34', where: {} }).filter((f) => f.type === 'phone')).toHaveLength(0);
    expect(engine.detect({ text: 'Tel.: 02 555 12 34', where: {} }).filter((f) => f.type === 'phone')).toHaveLength(1);
  });
});
