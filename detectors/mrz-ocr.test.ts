/** MRZ lines as OCR misreads them, put back by their check digits. */
import { describe, expect, it } from 'vitest';
import { correctMrzLine, looksLikeMrz } from './mrz-ocr.js';

const TD3 = 'DNDH7G3L25NLD6407140M2711173<<<<<<<<<<<<<<08';
const TD3_WITH_DATA = 'L898902C36UTO7408122F1204159ZE184226B<<<<<10';
const TD1 = '7408122F1204159UTO<<<<<<<<<<<6';

describe('correctMrzLine', () => {
  it('keeps a line that is already right', () => {
    expect(correctMrzLine(TD3)).toBe(TD3);
    expect(correctMrzLine(TD1)).toBe(TD1);
  });

  it('turns letters in digit positions back into digits (O→0, I→1, S→5, B→8)', () => {
    expect(correctMrzLine('DNDH7G3L25NLD64O714OM2711173<<<<<<<<<<<<<<O8')).toBe(TD3);
    expect(correctMrzLine('74O8I22F12O4I59UTO<<<<<<<<<<<6')).toBe(TD1);
  });

  it('turns digits in the nationality back into letters (0→O)', () => {
    expect(correctMrzLine('7408122F1204159UT0<<<<<<<<<<<6')).toBe(TD1);
  });

  it('tries O/0 and I/1 in the document number and optional data until the check digits hold', () => {
    // The 0 in L898902C3 read as O, the I in ZE184226B… read as 1.
    expect(correctMrzLine('L8989O2C36UTO7408122F1204159ZE184226B<<<<<10')).toBe(TD3_WITH_DATA);
    expect(correctMrzLine('L898902C36UT07408122F12O4159ZE184226B<<<<<1O')).toBe(TD3_WITH_DATA);
  });

  it('reads «, spaces and lower case as OCR gives them', () => {
    expect(correctMrzLine('DNDH7G3L25 NLD6407140M2711173««««««««««««««08')).toBe(TD3);
    expect(correctMrzLine('7408122f1204159uto<<<<<<<<<<<6')).toBe(TD1);
  });

  it('never makes up an MRZ: a line whose check digits cannot all hold stays unread', () => {
    expect(correctMrzLine('DNDH7G3L25NLD6407140M2711173<<<<<<<<<<<<<<09')).toBeUndefined(); // composite check digit wrong
    expect(correctMrzLine('DNDH7G3L26NLD6407140M2711173<<<<<<<<<<<<<<08')).toBeUndefined(); // document check digit wrong
    expect(correctMrzLine('P<NLDDE<VRIES<<JAN<<<<<<<<<<<<<<<<<<<<<<<<<<')).toBeUndefined(); // the name line has no check digits
    expect(correctMrzLine('Zie bijlage <<< voor de details van het dossier')).toBeUndefined();
  });
});

describe('looksLikeMrz', () => {
  it('tells MRZ-shaped lines from prose', () => {
    expect(looksLikeMrz(TD3)).toBe(true);
    expect(looksLikeMrz('DNDH7G3L25 NLD6407140M2711173««««««««««««««08')).toBe(true);
    expect(looksLikeMrz('Naam: Jan Jansen')).toBe(false);
  });
});
