/**
 * The yardstick for `npm run bench`: ripgrep with one regex per finding type (14 patterns for the
 * types Inzage reports on text), run over the same files on all cores. It finds shapes only (no
 * checksum, no context, no masking or hashing, no extraction), so it is the floor a scan is held
 * against, not a scan of equal quality. Absent when `rg` is not installed (`apt-get install ripgrep`).
 */
import { execFileSync, spawnSync } from 'node:child_process';
import { availableParallelism } from 'node:os';

/** Rust-regex patterns (no look-around), one per finding type; `+` where Inzage bounds a repetition, since ripgrep is linear anyway. */
export const RIPGREP_PATTERNS: readonly string[] = [
  String.raw`[\p{L}\p{N}._%+-]+@(?:[\p{L}\p{N}-]+\.)+\p{L}{2,}`, // email
  String.raw`\b0(?:6[ -]?\d{8}|\d{2,3}[ -]?\d{6,7})\b`, // phone, Dutch
  String.raw`(?:\+|\b00)\d{1,3}[ ]?(?:\(0\))?[ ]?\d{1,4}(?:[ -]?\d{2,4}){2,4}\b`, // phone, international
  String.raw`\b[A-Z]{2}\d{2}[ ]?[A-Z0-9]{4}(?:[ ]?[A-Z0-9]{4}){2,7}(?:[ ]?[A-Z0-9]{1,3})?\b`, // iban
  String.raw`\b\d{4}(?:[ -]?\d{4}){3}\b`, // credit-card
  String.raw`\b(?:(?:25[0-5]|2[0-4]\d|1\d\d|[1-9]?\d)\.){3}(?:25[0-5]|2[0-4]\d|1\d\d|[1-9]?\d)\b`, // ip-address v4
  String.raw`\b[0-9A-Fa-f]{1,4}(?::[0-9A-Fa-f]{0,4}){2,7}\b`, // ip-address v6
  String.raw`\b\d{9}\b|\b\d{4}\.\d{2}\.\d{3}\b`, // nl-bsn
  String.raw`\b\d{1,2}[-./]\d{1,2}[-./](?:\d{4}|\d{2})\b`, // date-of-birth, numeric
  String.raw`\b\d{4}-\d{2}-\d{2}\b|\b\d{1,2} (?:januari|februari|maart|april|mei|juni|juli|augustus|september|oktober|november|december|january|february|march|may|june|july|august|october) \d{4}\b`, // date-of-birth, ISO and month names
  String.raw`\b\p{Lu}[\p{L}'-]+(?:straat|laan|weg|plein|gracht|kade|singel|dijk|park|steeg|markt|straße|strasse) \d{1,4}[a-zA-Z]?\b`, // postal-address, street and number
  String.raw`\b[1-9]\d{3} ?[A-Z]{2} {1,2}\p{Lu}[\p{L}'-]+`, // postal-address, postcode and city
  String.raw`\b(?:Jan|Pieter|Sanne|Fatima|Mehmet|Emma|Daan|Noor|Youssef|Lotte|Sophie|Ahmed|Anna|Thomas|Zeynep|Mohamed|Julia|Bram|Eva|Lucas|John|Mary|James|Sarah) (?:(?:van|de|der|den|el) ){0,2}\p{Lu}\p{Ll}+`, // person-name, listed given names
  String.raw`\b(?:[A-Z]{2} ?\d{2} ?\d{2} ?\d{2} ?[A-D]|[A-Z]{6}\d{2}[A-Z]\d{2}[A-Z]\d{3}[A-Z]|\d{8}-?[A-Z])\b`, // other national ids
];

export interface RipgrepRun {
  seconds: number;
  matches: number;
}

export function ripgrepVersion(): string | undefined {
  const r = spawnSync('rg', ['--version'], { encoding: 'utf8' });
  return r.status === 0 ? r.stdout.split('\n')[0] : undefined;
}

/** One ripgrep pass over `root` with every pattern, counting every match, on all cores (or `threads`). */
export function runRipgrep(root: string, threads = availableParallelism()): RipgrepRun {
  const args = ['--no-config', '--no-ignore', '--hidden', '--count-matches', '--no-filename', '--threads', String(threads)];
  for (const p of RIPGREP_PATTERNS) args.push('-e', p);
  args.push(root);
  const started = process.hrtime.bigint();
  let out = '';
  try {
    out = execFileSync('rg', args, { encoding: 'utf8', maxBuffer: 64 << 20 });
  } catch (err) {
    // Exit status 1 means no match at all; anything else is a failure.
    const e = err as { status?: number; stdout?: string };
    if (e.status !== 1) throw err;
    out = e.stdout ?? '';
  }
  const seconds = Number(process.hrtime.bigint() - started) / 1e9;
  const matches = out
    .split('\n')
    .filter(Boolean)
    .reduce((n, line) => n + Number(line), 0);
  return { seconds, matches };
}
