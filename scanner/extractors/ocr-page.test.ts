/** The page-level rules on OCR text, without OCR: identity-document copies, e-mail punctuation, metadata names. */
import { describe, expect, it } from 'vitest';
import { gpsMetadata, personMetadata } from './metadata.js';
import { identityDocument, repairOcrText } from './ocr-page.js';

describe('identityDocument', () => {
  it('takes a page with document words and a document number for an ID copy', () => {
    const found = identityDocument(['IDENTITEITSKAART', 'Nationaliteit: Nederlandse', 'Documentnummer: IR57BK2F4'], [], { page: 1 });
    expect(found?.type).toBe('identity-document');
    expect(found?.masked).toBe('copy of an ID document (3 document words, document number)');
  });

  it('does not take a letter that mentions a passport for one', () => {
    expect(identityDocument(['Neem uw paspoort mee naar de afspraak.', 'Met vriendelijke groet'], [], { page: 1 })).toBeUndefined();
    expect(identityDocument(['Uw paspoort is verlopen. Kenmerk AB1234567'], [], { page: 1 })).toBeUndefined();
  });

  it('names a passport by its MRZ', () => {
    const mrz = 'DNDH7G3L25NLD6407140M2711173<<<<<<<<<<<<<<08';
    expect(identityDocument(['P<NLDDE<VRIES<<JAN<<<<<<<<<<<<<<<<<<<<<<<<<<', mrz], [{ line: mrz, index: 1 }], { page: 2 })).toMatchObject({
      masked: 'copy of a passport (MRZ)',
      where: { page: 2 },
      basis: ['ocr', 'mrz'],
    });
  });
});

describe('repairOcrText', () => {
  it('puts back the dot before an e-mail domain that a speck made a colon or comma', () => {
    expect(repairOcrText('E-mail: jan.jansen@example:nl')).toBe('E-mail: jan.jansen@example.nl');
    expect(repairOcrText('mail p.de.vries@mail.example,org graag')).toBe('mail p.de.vries@mail.example.org graag');
    expect(repairOcrText('Tijd: 10:30, kamer 2')).toBe('Tijd: 10:30, kamer 2');
  });
});

describe('metadata findings', () => {
  it('masks a person to initials and skips placeholders', () => {
    expect(personMetadata('Artist', 'Pieter de Vries')?.masked).toBe('P. d. V. (Artist)');
    expect(personMetadata('Copyright', '© 2023 Pieter de Vries')?.value).toBe('pieter de vries');
    expect(personMetadata('creator', 'Microsoft Office User')).toBeUndefined();
    expect(personMetadata('Author', 'Administrator')).toBeUndefined();
    expect(personMetadata('Author', '  ')).toBeUndefined();
  });

  it('masks a GPS position to whole degrees and drops 0,0', () => {
    expect(gpsMetadata(52.37403, 4.88969)?.masked).toBe('52°N 4°E (GPS position)');
    expect(gpsMetadata(-33.9, -70.6)?.masked).toBe('33°S 70°W (GPS position)');
    expect(gpsMetadata(0, 0)).toBeUndefined();
  });
});
