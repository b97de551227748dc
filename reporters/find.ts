/** `inzage find` output: a table for the terminal, JSON (`inzage.find/v1`), CSV and XML. */
import type { SubjectHit } from '../scanner/commands/find.js';
import type { Access } from '../scanner/model.js';
import { csvCell } from './csv.js';

const where = (w: Record<string, unknown>) =>
  Object.entries(w)
    .map(([k, v]) => `${k} ${v}`)
    .join(', ');
const accessText = (a?: Access) =>
  a ? `${a.owner ?? '?'}:${a.group ?? '?'} ${a.mode ?? ''}${a.broad === true ? ' BROAD' : a.broad === 'unknown' ? ' ACCESS-UNKNOWN' : ''}` : '';

export function formatHits(hits: SubjectHit[], format: 'table' | 'json' | 'csv' | 'xml'): string {
  switch (format) {
    case 'json':
      return `${JSON.stringify({ schema: 'inzage.find/v1', hits }, null, 2)}\n`;
    case 'csv': {
      // The same formula guard as the report CSV: a file name from the share stays text in a spreadsheet.
      const cell = (v: string) => csvCell(v, ',');
      const rows = hits.map((h) =>
        [h.path, h.entry ?? '', h.type, h.masked, where(h.where), accessText(h.access), h.status ?? 'open', h.uri].map(cell).join(','),
      );
      return `${['path', 'entry', 'type', 'masked', 'where', 'access', 'status', 'uri'].join(',')}\n${rows.join('\n')}${rows.length ? '\n' : ''}`;
    }
    case 'xml': {
      const esc = (v: string) => v.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;').replace(/"/g, '&quot;');
      const rows = hits.map(
        (h) =>
          `  <hit path="${esc(h.path)}"${h.entry ? ` entry="${esc(h.entry)}"` : ''} type="${esc(h.type)}" masked="${esc(h.masked)}" where="${esc(where(h.where))}" access="${esc(accessText(h.access))}" status="${esc(h.status ?? 'open')}" uri="${esc(h.uri)}"/>`,
      );
      return `<?xml version="1.0" encoding="UTF-8"?>\n<inzage-find>\n${rows.join('\n')}${rows.length ? '\n' : ''}</inzage-find>\n`;
    }
    case 'table': {
      if (hits.length === 0) return 'No item in the scan state holds these values.\n';
      const rows = hits.map((h) => [h.entry ? `${h.path} › ${h.entry}` : h.path, h.type, h.masked, where(h.where), accessText(h.access), h.status ?? 'open']);
      const head = ['item', 'type', 'masked', 'where', 'access', 'status'];
      const widths = head.map((_, i) => Math.max(head[i]?.length ?? 0, ...rows.map((r) => r[i]?.length ?? 0)));
      const line = (r: string[]) =>
        r
          .map((c, i) => c.padEnd(widths[i] ?? 0))
          .join('  ')
          .trimEnd();
      return `${[line(head), ...rows.map(line)].join('\n')}\n${hits.length} finding${hits.length === 1 ? '' : 's'} in ${new Set(hits.map((h) => h.uri)).size} item(s).\n`;
    }
  }
}
