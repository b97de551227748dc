/**
 * The HTML reporter: one self-contained page for the privacy officer. The page's CSS and script
 * are files beside this module (reporters/html/), inlined here; the report data travels as JSON
 * in a non-executing <script type="application/json">. A Content-Security-Policy allows only the
 * inline script and style whose hashes it names, and nothing remote, so a scanned file name can
 * neither run code nor make the page load anything.
 */
import { createHash } from 'node:crypto';
import { readFileSync } from 'node:fs';
import type { Report, ReportItem } from '../scanner/model.js';
import { type Latin1Text, latin1ToString } from '../scanner/report/findings-text.js';

/** The page script, in load order: each module may use what the earlier ones declare. */
const SCRIPT_MODULES = ['dom.js', 'i18n.js', 'model.js', 'charts.js', 'overview.js', 'explorer.js', 'main.js'];

let assets: { css: string; script: string } | undefined;

/** Reads the assets once; they sit beside this file in the source tree and in dist/ (the build copies them). */
function pageAssets(): { css: string; script: string } {
  if (!assets) {
    const read = (name: string) => readFileSync(new URL(`./html/${name}`, import.meta.url), 'utf8');
    const body = SCRIPT_MODULES.map((m) => `// ${m}\n${stripModuleSyntax(read(m))}`).join('\n');
    const loaded = { css: read('page.css'), script: `(() => {\n'use strict';\n${body}\n})();\n` };
    // Our own assets end up inside <script> and <style>: a closing tag in them would cut the page.
    if (/<\/(script|style)/i.test(loaded.script + loaded.css)) throw new Error('reporters/html assets must not contain </script or </style');
    assets = loaded;
  }
  return assets;
}

/**
 * The page modules are written as ES modules so the linter sees their imports; in the page they
 * share one function scope, so import lines go and `export` keywords drop off.
 */
export function stripModuleSyntax(source: string): string {
  return source.replace(/^import\s[^;]*;\s*$/gm, '').replace(/^export (?=(async )?function |const |let |class )/gm, '');
}

/**
 * JSON that is safe inside a <script> element: `<` can never start `</script>` or `<!--`, and
 * U+2028/U+2029 are escaped so older parsers don't see a line break. JSON.parse reads it back unchanged.
 */
export function scriptSafeJson(value: unknown): string {
  return scriptSafe(JSON.stringify(value));
}

/** JSON text made safe inside a <script> element, as scriptSafeJson. */
export function scriptSafe(json: string): string {
  // One pass: the page embeds tens of megabytes, and five replaces read them five times.
  return json.replace(SCRIPT_UNSAFE, (c) => SCRIPT_ESCAPES[c] ?? c);
}

const SCRIPT_UNSAFE = /[<>&\u2028\u2029]/g;
const SCRIPT_ESCAPES: Record<string, string> = {
  '<': '\\u003c',
  '>': '\\u003e',
  '&': '\\u0026',
  '\u2028': '\\u2028',
  '\u2029': '\\u2029',
};

const sha256 = (text: string) => `'sha256-${createHash('sha256').update(text, 'utf8').digest('base64')}'`;

/** An item as embedded: access and the uri's prefix may be replaced by an index into shared tables. */
type PageItem = Omit<ReportItem, 'access' | 'uri'> & { access?: ReportItem['access']; uri?: string; a?: number; u?: number };

export interface PageData extends Omit<Report, 'items'> {
  items: PageItem[];
  /** Tables the page's hydrate() resolves `a` and `u` against. */
  tables: { access: NonNullable<ReportItem['access']>[]; uriPrefix: string[] };
}

/**
 * The report as the page gets it, made smaller where that is free: the size of the page is what
 * the browser parses before the first paint. Items of one folder mostly share their access, so
 * equal access objects are stored once; a uri that ends in the item's path keeps only its prefix,
 * also stored once. The keyed hash shrinks to 16 hex digits: still enough to tell whether two
 * findings hold the same value. The page restores the items before anything else reads them.
 */
export function pageData(report: Report): PageData {
  const access: NonNullable<ReportItem['access']>[] = [];
  const accessIndex = new Map<string, number>();
  const uriPrefix: string[] = [];
  const prefixIndex = new Map<string, number>();
  const intern = <T>(table: T[], index: Map<string, number>, key: string, value: T): number => {
    let i = index.get(key);
    if (i === undefined) {
      i = table.push(value) - 1;
      index.set(key, i);
    }
    return i;
  };
  // An item whose access rolled up into its folder's (`sameAsFolder`) shows the folder's entries,
  // so the page lists who can read it without a lookup; the shared table keeps that free.
  const folderEntries = new Map((report.folders ?? []).flatMap((f) => (f.access ? [[f.uri, f.access.entries.filter((e) => !e.default)] as const] : [])));
  const items = report.items.map((item): PageItem => {
    const { access: itemAccess, uri, ...rest } = item;
    const out: PageItem = { ...rest, findings: item.findings.map((f) => ({ ...f, hash: f.hash.slice(0, 16) })) };
    if (itemAccess) {
      const folder = itemAccess.sameAsFolder ? folderEntries.get(itemAccess.sameAsFolder) : undefined;
      const shown = folder && itemAccess.entries.length === 0 ? { ...itemAccess, entries: folder } : itemAccess;
      out.a = intern(access, accessIndex, JSON.stringify(shown), shown);
    }
    if (item.path && uri.endsWith(item.path)) {
      const prefix = uri.slice(0, uri.length - item.path.length);
      out.u = intern(uriPrefix, prefixIndex, prefix, prefix);
    } else out.uri = uri;
    return out;
  });
  return { ...report, items, tables: { access, uriPrefix } };
}

export function renderHtml(report: Report): string {
  const { before, after } = pageShell(report.tool.version);
  return `${before}${scriptSafeJson(pageData(report))}${after}`;
}

/** The page around its data: everything before the JSON of the data and everything after it. */
export function pageShell(version: string): { before: string; after: string } {
  const { css, script } = pageAssets();
  const csp = [
    "default-src 'none'",
    `script-src ${sha256(script)}`,
    `style-src ${sha256(css)}`,
    "base-uri 'none'",
    "form-action 'none'",
    "frame-src 'none'",
  ].join('; ');
  // Only our own constants go into the markup; everything from the scan goes through the JSON.
  const before = `<!doctype html>
<html lang="en">
<head>
<meta charset="utf-8">
<meta http-equiv="Content-Security-Policy" content="${csp}">
<meta name="viewport" content="width=device-width, initial-scale=1">
<meta name="referrer" content="no-referrer">
<meta name="generator" content="inzage ${version.replace(/[^\w.+-]/g, '')}">
<title>Inzage report</title>
<style>${css}</style>
</head>
<body>
<noscript>This report needs JavaScript. The same data is in report.json.</noscript>
<div id="app"></div>
<script type="application/json" id="inzage-data">`;
  const after = `</script>
<script>${script}</script>
</body>
</html>
`;
  return { before, after };
}

/** What scriptSafe escapes, as UTF-8 bytes read as latin1 (U+2028 and U+2029 are three bytes each). */
const UNSAFE_LATIN1 = ['<', '>', '&', '\u00e2\u0080\u00a8', '\u00e2\u0080\u00a9'];

/** scriptSafe on UTF-8 bytes held as latin1: the same text when nothing needs escaping (the common case). */
export function scriptSafeLatin1(text: Latin1Text): Latin1Text | string {
  // One native search per string (a regex over the whole text cost more).
  return UNSAFE_LATIN1.some((c) => text.latin1.includes(c)) ? scriptSafe(latin1ToString(text)) : text;
}
