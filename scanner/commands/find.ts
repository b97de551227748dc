/**
 * Subject search for the rights of access and erasure (GDPR Art. 15 and 17): "where is this
 * person's data?". Each given value is normalised the way its detector does and hashed with the
 * installation key, then looked up in the state. The raw values live only in this process's memory.
 */
import { selectDetectors } from '../../detectors/registry.js';
import { InzageError } from '../errors.js';
import type { Access } from '../model.js';
import { createHasher } from '../state/secret-key.js';
import type { ScanState } from '../state/state.js';

export interface SubjectQuery {
  type: string;
  value: string;
}

export interface SubjectHit {
  path: string;
  entry?: string;
  uri: string;
  kind: string;
  type: string;
  masked: string;
  where: Record<string, unknown>;
  access?: Access;
  status?: string;
}

export function hashQueries(queries: SubjectQuery[], key: Buffer): string[] {
  const hash = createHasher(key);
  const detectors = new Map(selectDetectors().map((d) => [d.id, d]));
  return queries.map((q) => {
    const detector = detectors.get(q.type);
    const normalized = detector?.normalize ? detector.normalize(q.value.trim()) : q.value.trim();
    if (!normalized) throw new InzageError('usage', `the ${q.type} value given is not valid for its type (it does not normalise); check it`);
    return hash(q.type, normalized);
  });
}

export function findSubject(state: ScanState, queries: SubjectQuery[], key: Buffer): SubjectHit[] {
  const hashes = hashQueries(queries, key);
  return state.findByHashes(hashes).map(({ item, finding }) => ({
    path: item.path,
    ...(item.entry !== undefined ? { entry: item.entry } : {}),
    uri: item.uri,
    kind: item.kind,
    type: finding.type,
    masked: finding.masked,
    where: { ...finding.where },
    ...(item.access ? { access: item.access } : {}),
    ...(finding.status ? { status: finding.status } : {}),
  }));
}

const where = (w: Record<string, unknown>) =>
  Object.entries(w)
    .map(([k, v]) => `${k} ${v}`)
    .join(', ');
const accessText = (a?: Access) => (a ? `${a.owner ?? '?'}:${a.group ?? '?'} ${a.mode ?? ''}${a.broad ? ' BROAD' : ''}` : '');

export function formatHits(hits: SubjectHit[], format: 'table' | 'json' | 'csv' | 'xml'): string {
  switch (format) {
    case 'json':
      return `${JSON.stringify({ schema: 'inzage.find/v1', hits }, null, 2)}\n`;
    case 'csv': {
      const cell = (v: string) => (/[",;\n]/.test(v) ? `"${v.replace(/"/g, '""')}"` : v);
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
