/** PowerPoint 97-2003 and Visio text, through media-type detection and the extractor registry. */
import { describe, expect, it } from 'vitest';
import { createEngine } from '../../detectors/engine.js';
import { selectDetectors } from '../../detectors/registry.js';
import type { Finding } from '../../detectors/types.js';
import { pptBytes, vsdxBytes } from '../../fixtures/drawings.js';
import { PLANTED } from '../../fixtures/office.js';
import { createHasher } from '../state/secret-key.js';
import { memoryContent } from './content.js';
import { extractorFor } from './index.js';
import { detectMediaType } from './media-type.js';
import { segmentsOf } from './types.js';

const engine = createEngine(selectDetectors({}), createHasher(Buffer.alloc(32, 1)), { minConfidence: 0.5 });

async function scanBytes(bytes: Buffer, name: string): Promise<{ mediaType: string; findings: Finding[]; texts: string[] }> {
  const content = memoryContent(bytes, name);
  const mediaType = await detectMediaType(content.head, name);
  const extractor = extractorFor(mediaType);
  if (!extractor) throw new Error(`no extractor for ${mediaType}`);
  const findings: Finding[] = [];
  const texts: string[] = [];
  for await (const part of extractor.extract(content, { mediaType, depth: 0 })) {
    for (const segment of segmentsOf(part)) {
      texts.push(segment.text);
      findings.push(...engine.detect(segment));
    }
  }
  return { mediaType, findings, texts };
}

describe('PowerPoint 97-2003 (.ppt)', () => {
  it('reads slide text, text boxes and notes, on their slides, and skips the master', async () => {
    const { mediaType, findings, texts } = await scanBytes(pptBytes(), 'presentatie.ppt');
    expect(mediaType).toBe('application/vnd.ms-powerpoint');
    const at = (type: string) => findings.filter((f) => f.type === type).map((f) => f.where);
    expect(at('email')).toEqual([{ slide: 2, paragraph: 1 }]);
    expect(at('iban')).toEqual([{ slide: 2, paragraph: 2 }]);
    expect(at('nl-bsn')).toEqual([{ slide: 2, part: 'notes', paragraph: 1 }]);
    expect(texts).toContain('Nieuwe medewerkers');
    expect(texts.join('\n')).not.toContain('modelstijl');
    expect(JSON.stringify(findings)).not.toContain(PLANTED.email);
  });

  it('ends a record that runs past its stream as corrupt', async () => {
    const ppt = pptBytes();
    const CFB = (await import('cfb')).default;
    const file = CFB.read(ppt, { type: 'buffer' });
    const entry = file.FileIndex.find((e) => e.name === 'PowerPoint Document');
    if (!entry) throw new Error('no stream');
    const stream = Buffer.from(entry.content as Uint8Array);
    stream.writeUInt32LE(0x7fffffff, 4);
    CFB.utils.cfb_add(file, '/PowerPoint Document', stream);
    await expect(scanBytes(CFB.write(file, { type: 'buffer' }) as Buffer, 'kapot.ppt')).rejects.toMatchObject({ code: 'corrupt' });
  });
});

describe('Visio (.vsdx)', () => {
  it('reads shape text page by page, in the order pages.xml gives', async () => {
    const { mediaType, findings } = await scanBytes(await vsdxBytes(), 'organogram.vsdx');
    expect(mediaType).toBe('application/vnd.visio');
    expect(findings.filter((f) => f.type === 'email').map((f) => f.where)).toEqual([{ page: 1, paragraph: 2 }]);
    expect(findings.filter((f) => f.type === 'phone').map((f) => f.where)).toEqual([{ page: 2, paragraph: 1 }]);
  });

  it('is recognised without its extension, by its parts', async () => {
    const { mediaType } = await scanBytes(await vsdxBytes(), 'organogram');
    expect(mediaType).toBe('application/vnd.visio');
  });
});
