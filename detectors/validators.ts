/** Checksum algorithms shared by detectors and by config-defined detectors (`validator: luhn`). */

/** Luhn (ISO/IEC 7812-1) over a digit string: payment cards, Swedish personnummer, and more. */
export function luhn(digits: string): boolean {
  if (!/^\d+$/.test(digits)) return false;
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

/**
 * The Dutch "elfproef" for a BSN: weights 9..2 on the first eight digits and -1 on the last;
 * the sum must be divisible by 11. (Bank account numbers used weights 10..1; not needed since IBAN.)
 */
export function elfproef(digits: string): boolean {
  if (!/^\d{9}$/.test(digits)) return false;
  let sum = 0;
  for (let i = 0; i < 8; i++) sum += (digits.charCodeAt(i) - 48) * (9 - i);
  sum -= digits.charCodeAt(8) - 48;
  return sum % 11 === 0;
}

/** ISO 7064 MOD 97-10 on a string of digits (IBAN after rearranging, Belgian numbers, …). */
export function mod97(digits: string): number {
  let rest = 0;
  for (let i = 0; i < digits.length; i += 7) {
    rest = Number(`${rest}${digits.slice(i, i + 7)}`) % 97;
  }
  return rest;
}

/**
 * ISO 7064 MOD 11,10 (a hybrid system: arithmetic mod 11 and mod 10): the check digit of the
 * German Steuer-ID and of several other European numbers. Returns the check digit for `digits`.
 */
export function mod11_10CheckDigit(digits: string): number {
  let product = 10;
  for (let i = 0; i < digits.length; i++) {
    let sum = (digits.charCodeAt(i) - 48 + product) % 10;
    if (sum === 0) sum = 10;
    product = (sum * 2) % 11;
  }
  const check = 11 - product;
  return check === 10 ? 0 : check;
}

/** Whether the last digit of `digits` is the ISO 7064 MOD 11,10 check digit of the others. */
export function mod11_10(digits: string): boolean {
  if (!/^\d{2,}$/.test(digits)) return false;
  return mod11_10CheckDigit(digits.slice(0, -1)) === digits.charCodeAt(digits.length - 1) - 48;
}

/** Sum of digit × weight, for the many national numbers that use a weighted checksum. */
export function weightedSum(digits: string, weights: readonly number[]): number {
  let sum = 0;
  for (let i = 0; i < weights.length; i++) sum += (digits.charCodeAt(i) - 48) * (weights[i] as number);
  return sum;
}

/**
 * The ICAO 9303 check digit of machine-readable zones: weights 7, 3, 1 repeating over digits
 * (their value), letters (A=10 … Z=35) and the filler `<` (0), sum mod 10.
 */
export function mrzCheckDigit(field: string): number {
  const weights = [7, 3, 1];
  let sum = 0;
  for (let i = 0; i < field.length; i++) {
    const c = field.charCodeAt(i);
    const value = c >= 48 && c <= 57 ? c - 48 : c >= 65 && c <= 90 ? c - 55 : 0;
    sum += value * (weights[i % 3] as number);
  }
  return sum % 10;
}

/** Whether `year-month-day` is a real calendar date (month 1-12, day within the month). */
export function isDate(year: number, month: number, day: number): boolean {
  if (month < 1 || month > 12 || day < 1) return false;
  return day <= new Date(Date.UTC(year, month, 0)).getUTCDate();
}

/**
 * Validators a config-defined detector may name (`validator: luhn`). Each takes the match with
 * separators removed (digits and letters only) and says whether its check passes.
 */
export const validators = {
  luhn,
  elfproef,
  mod97: (digits: string) => /^\d+$/.test(digits) && mod97(digits) === 1,
  'mod11-10': mod11_10,
  /** The last character is the ICAO 9303 check digit of the rest (passport and ID-card fields). */
  mrz: (value: string) => /^[0-9A-Z<]+\d$/.test(value) && mrzCheckDigit(value.slice(0, -1)) === value.charCodeAt(value.length - 1) - 48,
} as const satisfies Record<string, (value: string) => boolean>;

export type ValidatorName = keyof typeof validators;
