/** Masking helpers: a masked value lets a person recognise a finding without learning the value. */

/** Replaces letters and digits by `*`, keeping separators and the last `keep` letters/digits. */
export function maskKeepLast(value: string, keep: number): string {
  let visible = 0;
  const chars = [...value];
  for (let i = chars.length - 1; i >= 0; i--) {
    const ch = chars[i] as string;
    if (!/[\p{L}\p{N}]/u.test(ch)) continue;
    if (visible < keep) visible++;
    else chars[i] = '*';
  }
  return chars.join('');
}

/** Groups a compact value in fours, as IBANs and card numbers are printed. */
export function groupsOfFour(value: string): string {
  return value.replace(/(.{4})(?=.)/g, '$1 ');
}
