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

export const validators = {
  luhn,
  elfproef,
  mod97: (digits: string) => mod97(digits) === 1,
} as const satisfies Record<string, (value: string) => boolean>;

export type ValidatorName = keyof typeof validators;
