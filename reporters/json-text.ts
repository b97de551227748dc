/**
 * Report items written from the findings' stored JSON text. An unchanged rescan reports every
 * finding again; serialising each parsed finding once for report.json and once more for the
 * page cost more than half of such a rescan. The state keeps an item's findings as the JSON
 * text `JSON.stringify` made of them, so the report's findings are that text with a `change`
 * key added at the end of each finding (scanner/report/findings-text.ts): the same bytes
 * `JSON.stringify` gives for the marked findings, as long as nothing else was added (triage and
 * suppressions take the slow path).
 */
const FINDINGS_KEY = '"findings":[]';

/**
 * `JSON.stringify(value)` of an object whose `findings` key holds an array whose JSON text is
 * `findingsJson`. The object is serialised with an empty array in its place first; the first
 * `"findings":[]` in that text is the object's own key, since the keys before it are plain
 * fields whose strings cannot hold an unescaped quote.
 */
export function withFindingsJson<T extends { findings: unknown[] }>(value: T, findingsJson: string): string {
  const findings = value.findings;
  value.findings = [];
  let shell: string;
  try {
    shell = JSON.stringify(value);
  } finally {
    value.findings = findings;
  }
  const at = shell.indexOf(FINDINGS_KEY);
  if (at < 0) throw new Error('withFindingsJson: the value has no findings key');
  return `${shell.slice(0, at + FINDINGS_KEY.length - 2)}${findingsJson}${shell.slice(at + FINDINGS_KEY.length)}`;
}

const HASH_KEY = '"hash":"';

/** The findings JSON with every hash cut to its first 16 characters, as the page embeds them. */
export function shortHashes(findingsJson: string): string {
  // By indexOf and slices: a regex replace with a capture group cost three times as much here.
  const parts: string[] = [];
  let from = 0;
  for (;;) {
    const key = findingsJson.indexOf(HASH_KEY, from);
    if (key < 0) break;
    const start = key + HASH_KEY.length;
    const end = findingsJson.indexOf('"', start);
    if (end < 0) break;
    parts.push(findingsJson.slice(from, Math.min(end, start + 16)));
    from = end;
  }
  parts.push(findingsJson.slice(from));
  return parts.join('');
}

/**
 * `withFindingsJson` in two parts, for findings written on their own between them (held as
 * Latin1Text): the object's own JSON before and after its empty `findings` array's brackets'
 * contents. `safe` escapes the object's JSON for a script element first.
 */
export function aroundFindings<T extends { findings: unknown[] }>(value: T, safe: (json: string) => string = (j) => j): [string, string] {
  const shell = safe(withFindingsJson(value, '[]'));
  const at = shell.indexOf(FINDINGS_KEY);
  if (at < 0) throw new Error('aroundFindings: the value has no findings key');
  const cut = at + FINDINGS_KEY.length - 2;
  return [shell.slice(0, cut), shell.slice(cut + 2)];
}
