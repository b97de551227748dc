/**
 * OLE compound files (the container of pre-2007 Office files and Outlook .msg), told apart by
 * their streams rather than their names: `EncryptedPackage` is a password-protected Office 2007+
 * file (docx, xlsx, pptx saved with a password) → `encrypted`; `WordDocument` is Word 97-2003;
 * `Workbook`/`Book` is Excel 97-2003; `PowerPoint Document` is PowerPoint 97-2003; `__substg1.0_*` streams are an Outlook message.
 */
import CFB from 'cfb';
import { extractDoc } from './doc.js';
import { extractMsg } from './msg.js';
import { extractPpt, isPpt } from './ppt.js';
import { readWorkbook, workbookSegments } from './spreadsheet.js';
import type { Extracted, Extractor, ItemContent } from './types.js';
import { ExtractError } from './types.js';

export const OLE_TYPES = [
  'application/x-cfb',
  'application/msword',
  'application/vnd.ms-excel',
  'application/vnd.ms-outlook',
  'application/vnd.ms-powerpoint',
] as const;

type OleKind = 'encrypted-package' | 'doc' | 'xls' | 'ppt' | 'msg' | 'other';

export function oleKind(container: CFB.CFB$Container): OleKind {
  const names = new Set(container.FileIndex.map((e) => e.name));
  if (names.has('EncryptedPackage') || names.has('EncryptionInfo')) return 'encrypted-package';
  if (names.has('WordDocument')) return 'doc';
  if (names.has('Workbook') || names.has('Book')) return 'xls';
  if (isPpt(container)) return 'ppt';
  if (names.has('__properties_version1.0') || [...names].some((n) => n.startsWith('__substg1.0_'))) return 'msg';
  return 'other';
}

export async function* extractOle(content: ItemContent): AsyncGenerator<Extracted> {
  const bytes = await content.bytes();
  let container: CFB.CFB$Container;
  try {
    container = CFB.read(bytes, { type: 'buffer' });
  } catch (err) {
    throw new ExtractError('corrupt', `the compound file could not be read (${(err as Error)?.name ?? 'error'}); it may be damaged or truncated`);
  }
  switch (oleKind(container)) {
    case 'encrypted-package':
      throw new ExtractError('encrypted', 'the Office file is protected with a password (encrypted package); its contents cannot be scanned');
    case 'doc':
      yield* extractDoc(bytes, container);
      return;
    case 'xls':
      yield* workbookSegments(await readWorkbook(bytes));
      return;
    case 'ppt':
      yield* extractPpt(container);
      return;
    case 'msg':
      yield* extractMsg(bytes);
      return;
    default:
      throw new ExtractError('unsupported-format', 'an OLE compound file of a kind not read yet (Visio, Publisher, …); not scanned');
  }
}

export const oleExtractor: Extractor = {
  id: 'ole',
  mediaTypes: OLE_TYPES,
  extensions: ['doc', 'dot', 'xls', 'xlt', 'msg', 'ppt', 'pps', 'pot'],
  extract: (content) => extractOle(content),
};
