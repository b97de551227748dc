/**
 * An example Inzage plugin. A plugin is an ES module that exports `detectors`: objects of the same
 * shape as the built-in detectors (see docs/detectors.md, "Writing a detector"). Name it in
 * inzage.config.yaml under `plugins:` by path or package name.
 *
 * ACME employee numbers look like `EMP-123456-7`: six digits and a Luhn check digit over them.
 * The module is plain JavaScript so it runs without a build; the JSDoc type gives editors the
 * Detector interface.
 */

/** Luhn over a digit string (the same check as payment cards). */
function luhn(digits) {
  let sum = 0;
  for (let i = 0; i < digits.length; i++) {
    let d = digits.charCodeAt(digits.length - 1 - i) - 48;
    if (i % 2 === 1) {
      d *= 2;
      if (d > 9) d -= 9;
    }
    sum += d;
  }
  return sum % 10 === 0;
}

/** @type {import('inzage').Detector} */
export const acmeEmployeeNumber = {
  id: 'acme-employee-number',
  category: 'identity',
  description: 'ACME employee numbers EMP-nnnnnn-c with a Luhn check digit.',
  // The prefilter skips this detector on text without "emp-", at no cost.
  keywords: ['emp-'],
  patterns: [{ name: 'emp', regex: /(?<![\p{L}\p{N}])EMP-\d{6}-\d(?![\p{L}\p{N}])/gu, score: 0.7 }],
  checksum: true,
  context: { nl: ['personeelsnummer', 'medewerker'], en: ['employee', 'staff number'] },
  normalize: (raw) => raw.replace(/\D/g, ''),
  validate: (digits) => luhn(digits),
  mask: (digits) => `EMP-****${digits.slice(4, 6)}-*`,
  examples: {
    valid: ['personeelsnummer EMP-123456-6', 'EMP-000018-2'],
    invalid: ['EMP-123456-7', 'EMP-12345-6'],
  },
};

export const detectors = [acmeEmployeeNumber];
