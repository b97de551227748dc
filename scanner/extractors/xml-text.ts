/**
 * Paragraph text from the XML parts of Office and OpenDocument files, with htmlparser2 in XML
 * mode (entities decoded, no DTDs or external entities ever fetched). Paragraphs may nest (a
 * text box inside a Word paragraph): each is emitted on its own, inner ones first.
 */
import { Parser } from 'htmlparser2';

export interface XmlTextRules {
  /** Elements that make one paragraph (`w:p`, `a:p`, `text:p`). */
  paragraph: ReadonlySet<string>;
  /** Elements whose text counts (`w:t`); empty: all text inside a paragraph counts (ODF). */
  text: ReadonlySet<string>;
  /** Empty elements that stand for white space (`w:tab`, `w:br`, `text:s`). */
  space: ReadonlySet<string>;
  /** Elements whose content is never text (`w:instrText`, `mc:Fallback` that repeats `mc:Choice`). */
  skip: ReadonlySet<string>;
}

export function xmlParagraphs(xml: string, rules: XmlTextRules): string[] {
  return groupedParagraphs(xml, rules).map((p) => p.text);
}

export interface GroupedParagraph {
  text: string;
  /** 1-based index of the enclosing `group` element (an ODF slide), 0 outside any. */
  group: number;
  /** Whether the paragraph sits inside a `mark` element (the notes of an ODF slide). */
  marked: boolean;
}

/** Paragraphs with the group element they sit in, for formats that keep several pages in one part. */
export function groupedParagraphs(xml: string, rules: XmlTextRules, group?: string, mark?: string): GroupedParagraph[] {
  const out: GroupedParagraph[] = [];
  const open: string[] = [];
  let textDepth = 0;
  let skipDepth = 0;
  let groupIndex = 0;
  let markDepth = 0;
  const parser = new Parser(
    {
      onopentag(name) {
        if (name === group) groupIndex++;
        if (name === mark) markDepth++;
        if (rules.skip.has(name)) skipDepth++;
        if (rules.paragraph.has(name)) open.push('');
        if (rules.text.has(name)) textDepth++;
        if (rules.space.has(name) && open.length > 0 && skipDepth === 0) open[open.length - 1] += ' ';
      },
      onclosetag(name) {
        if (rules.skip.has(name) && skipDepth > 0) skipDepth--;
        if (rules.text.has(name) && textDepth > 0) textDepth--;
        if (rules.paragraph.has(name) && open.length > 0) out.push({ text: open.pop() as string, group: groupIndex, marked: markDepth > 0 });
        if (name === mark && markDepth > 0) markDepth--;
      },
      ontext(text) {
        if (skipDepth > 0 || open.length === 0) return;
        if (rules.text.size > 0 && textDepth === 0) return;
        open[open.length - 1] += text;
      },
    },
    { xmlMode: true, decodeEntities: true },
  );
  parser.write(xml);
  parser.end();
  return out;
}

/** WordprocessingML (`w:`) and DrawingML (`a:`, in text boxes, charts and slides). */
export const OOXML_TEXT: XmlTextRules = {
  paragraph: new Set(['w:p', 'a:p']),
  text: new Set(['w:t', 'a:t']),
  space: new Set(['w:tab', 'w:br', 'w:cr', 'a:br', 'a:tab']),
  skip: new Set(['w:instrText', 'w:delText', 'mc:Fallback']),
};

/** OpenDocument text (`text:p`, `text:h`), used by odt and odp alike. */
export const ODF_TEXT: XmlTextRules = {
  paragraph: new Set(['text:p', 'text:h']),
  text: new Set(),
  space: new Set(['text:s', 'text:tab', 'text:line-break']),
  skip: new Set(['office:annotation-end', 'text:tracked-changes', 'svg:desc', 'svg:title']),
};

/** The relationships of a package part (`_rels/*.rels`): id → target and type. */
export function readRelationships(xml: string): Map<string, { target: string; type: string }> {
  const rels = new Map<string, { target: string; type: string }>();
  const parser = new Parser(
    {
      onopentag(name, attribs) {
        if (name === 'Relationship' && attribs.Id && attribs.Target) rels.set(attribs.Id, { target: attribs.Target, type: attribs.Type ?? '' });
      },
    },
    { xmlMode: true, decodeEntities: true },
  );
  parser.write(xml);
  parser.end();
  return rels;
}

/** The values of one attribute on every element of one name, in document order. */
export function attributeValues(xml: string, element: string, attribute: string): string[] {
  const values: string[] = [];
  const parser = new Parser(
    {
      onopentag(name, attribs) {
        const value = attribs[attribute];
        if (name === element && value !== undefined) values.push(value);
      },
    },
    { xmlMode: true, decodeEntities: true },
  );
  parser.write(xml);
  parser.end();
  return values;
}
