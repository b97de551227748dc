/**
 * One image or rendered page through OCR, as the extractors' parts: a segment per line (the line
 * before as context, marked `ocr` with the line's confidence), MRZ lines put back as printed
 * (detectors/mrz-ocr.ts), and an `identity-document` finding when the page is a copy of a
 * passport or ID card: a valid MRZ, or the words such a document prints with a document number.
 */
import { correctMrzLine, looksLikeMrz } from '../../detectors/mrz-ocr.js';
import type { Where } from '../../detectors/types.js';
import { recognize } from './ocr-engine.js';
import type { DirectFinding, Extracted } from './types.js';

/** Words printed on passports, ID cards and residence permits (upper case, as printed). */
const ID_WORDS =
  /\b(PASPOORT|PASSPORT|PASSEPORT|REISEPASS|IDENTITEITSKAART|IDENTITY CARD|CARTE D.IDENTIT[EÉ]|PERSONALAUSWEIS|VERBLIJFSDOCUMENT|RESIDENCE PERMIT|NATIONALITEIT|NATIONALITY|NATIONALIT[EÉ]|STAATSANGEH[OÖ]RIGKEIT|DOCUMENTNUMMER|DOCUMENT NO|DOC\.? ?NO|GEBOORTEDATUM|DATE OF BIRTH|DATE OF EXPIRY|GELDIG TOT)\b/gi;
/** A Dutch document number (two letters, six letters or digits, a digit, never the letter O) or a label with one. */
const DOCUMENT_NUMBER = /\b([A-NP-Z]{2}[A-NP-Z0-9]{6}[0-9])\b|(?:DOCUMENTNUMMER|DOCUMENT NO\.?|DOC\.? ?NO\.?|NUMMER|NUMBER|NO\.)\s*[:/]?\s*([A-Z0-9]{6,9})\b/i;

function documentKind(mrz: string, previousLine: string | undefined): string {
  const first = previousLine ? previousLine.replace(/[\s«]/g, '').toUpperCase() : '';
  if (mrz.length === 44 || first.startsWith('P<') || first.startsWith('P')) return 'passport';
  if (mrz.length === 30) return 'ID card';
  return 'ID document';
}

/** An identity-document finding for a page, from its MRZ or its printed words. */
export function identityDocument(lines: readonly string[], mrzLines: readonly { line: string; index: number }[], where: Where): DirectFinding | undefined {
  const mrz = mrzLines[0];
  if (mrz) {
    const kind = documentKind(mrz.line, mrzLines.length > 1 ? undefined : lines[mrz.index - 1]);
    return {
      type: 'identity-document',
      category: 'national-id',
      value: mrz.line,
      masked: `copy of ${kind === 'passport' ? 'a passport' : `an ${kind}`} (MRZ)`,
      confidence: 0.97,
      where,
      basis: ['ocr', 'mrz'],
    };
  }
  const text = lines.join('\n');
  const words = new Set((text.match(ID_WORDS) ?? []).map((w) => w.toUpperCase()));
  const number = DOCUMENT_NUMBER.exec(text);
  const documentNumber = (number?.[1] ?? number?.[2])?.toUpperCase();
  // Two telling words with a document number, or three without: a letter that mentions a passport is neither.
  if (!((words.size >= 2 && documentNumber) || words.size >= 3)) return undefined;
  const kind = [...words].some((w) => /PAS|REISEPASS/.test(w)) ? 'passport' : 'ID document';
  return {
    type: 'identity-document',
    category: 'national-id',
    value: documentNumber ?? [...words].sort().join(' '),
    masked: `copy of ${kind === 'passport' ? 'a passport' : 'an ID document'} (${words.size} document words${documentNumber ? ', document number' : ''})`,
    confidence: documentNumber ? 0.85 : 0.7,
    where,
    basis: ['ocr', 'document-words'],
  };
}

/**
 * Punctuation OCR gets wrong in ways a detector cannot undo: a speck turns the dot before an
 * e-mail domain's last label into `:` or `,` (`jan@example:nl`).
 */
export function repairOcrText(text: string): string {
  return text.replace(/(@[A-Za-z0-9-]+(?:\.[A-Za-z0-9-]+)*)[:,;](?=[A-Za-z]{2,6}\b)/g, '$1.');
}

/** OCR of one PNG, as parts: line segments, the identity-document finding if any, and the cost. */
export async function* ocrParts(png: Uint8Array, where: Where): AsyncGenerator<Extracted> {
  const result = await recognize(png);
  yield { ocr: { pages: 1, ms: result.ms } };
  const lines = result.lines.map((l) => l.text);
  const mrzLines: { line: string; index: number }[] = [];
  for (let i = 0; i < result.lines.length; i++) {
    const ocrLine = result.lines[i] as (typeof result.lines)[number];
    let text = repairOcrText(ocrLine.text);
    lines[i] = text;
    if (looksLikeMrz(text)) {
      const corrected = correctMrzLine(text);
      if (corrected) {
        text = corrected;
        lines[i] = corrected;
        mrzLines.push({ line: corrected, index: i });
      }
    }
    yield {
      segment: { text, where: { ...where, line: i + 1 }, context: i > 0 ? (lines[i - 1] as string).slice(-80) : '', ocr: { confidence: ocrLine.confidence } },
    };
  }
  const id = identityDocument(lines, mrzLines, where);
  if (id) yield { direct: id };
}
