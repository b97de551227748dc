/**
 * An item's findings as the state stores them, JSON text that `JSON.stringify` made of them, with
 * the report's change mark added to each: the bytes `JSON.stringify` gives for the marked
 * findings, without parsing a finding (reporters/json-text.ts writes report items with it).
 *
 * Finding boundaries are found by the text `},{"type":"`, which cannot occur inside a JSON
 * string (a quote there is always escaped), so it only ever separates two findings.
 */

const BETWEEN = '},{"type":"';

/** The findings JSON with each finding's change mark; undefined when the text is not laid out as expected. */
export function markedFindingsJson({ json, changes }: { json: string; changes: readonly ('new' | 'unchanged')[] }): string | undefined {
  if (changes.length === 0 || !json.startsWith('[{"type":"') || !json.endsWith('}]')) return undefined;
  const body = json.slice(0, -2);
  const first = changes[0] as string;
  if (changes.every((c) => c === first)) {
    // One mark for all (an unchanged item, a new file): one native replace, checked by its length.
    const mark = `,"change":"${first}"`;
    const marked = body.replaceAll(BETWEEN, `${mark}${BETWEEN}`);
    if (marked.length - body.length !== (changes.length - 1) * mark.length) return undefined;
    return `${marked}${mark}}]`;
  }
  const parts = body.split(BETWEEN);
  if (parts.length !== changes.length) return undefined;
  let out = '';
  for (let i = 0; i < parts.length; i++) out += `${i === 0 ? '' : BETWEEN}${parts[i]},"change":"${changes[i]}"`;
  return `${out}}]`;
}

/**
 * UTF-8 bytes held as a latin1 string, one character per byte: the separators and keys the
 * report code looks for are ASCII, and a UTF-8 sequence has no ASCII byte in it, so a string's
 * search, replace and slice work on the bytes exactly, at the speed of V8's string code (a Buffer
 * search per finding cost more, in calls, than it saved). Written out as latin1, the string is
 * the bytes again; kept as a string from the state's bytes to the file, an item's findings are
 * copied once into it and once out, not once per step (each a Buffer the GC must track).
 */
export interface Latin1Text {
  readonly latin1: string;
}

/** markedFindingsJson on the text's UTF-8 bytes; undefined when the text is not laid out as expected. */
export function markedFindingsLatin1(bytes: Buffer, changes: readonly ('new' | 'unchanged')[]): Latin1Text | undefined {
  const marked = markedFindingsJson({ json: bytes.toString('latin1'), changes });
  return marked === undefined ? undefined : { latin1: marked };
}

/** The text itself, decoded from its UTF-8 bytes. */
export function latin1ToString(text: Latin1Text): string {
  return Buffer.from(text.latin1, 'latin1').toString('utf8');
}
