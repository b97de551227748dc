/**
 * Child process of `npm run bench`'s office part: the floor a scan of office files is held to,
 * as issue 13 defines it. Each file goes through its bare parser alone, in this one thread:
 * mammoth for Word, SheetJS for Excel, PDF.js (through unpdf, as Inzage reads PDF) for PDF and
 * mailparser for mail. The text goes to `out/`, for a ripgrep pass over it. Zip files are left
 * out: the floor has no parser for them, so the share measured against it holds none.
 *
 * `node office-floor.js SHARE OUT` prints `{ seconds, files, textBytes, byFormat }` (the seconds per
 * file extension). The seconds count the parsing only, not loading the libraries.
 */
import { mkdir, readdir, readFile, writeFile } from 'node:fs/promises';
import { extname, join } from 'node:path';
import * as XLSX from '@e965/xlsx';
import { simpleParser } from 'mailparser';
import mammoth from 'mammoth';
import { extractText, getDocumentProxy } from 'unpdf';

async function textOf(file: string, bytes: Buffer): Promise<string> {
  switch (extname(file)) {
    case '.docx':
      return (await mammoth.extractRawText({ buffer: bytes })).value;
    case '.xlsx': {
      const book = XLSX.read(bytes, { type: 'buffer', dense: true });
      return book.SheetNames.map((name) => XLSX.utils.sheet_to_csv(book.Sheets[name] as XLSX.WorkSheet)).join('\n');
    }
    case '.pdf': {
      const pdf = await getDocumentProxy(new Uint8Array(bytes), { verbosity: 0, isEvalSupported: false, disableFontFace: true });
      const { text } = await extractText(pdf, { mergePages: true });
      return text;
    }
    case '.eml': {
      const mail = await simpleParser(bytes);
      // The attachments' text too: a scan reads the CSV attached to each message.
      const attached = mail.attachments.filter((a) => a.contentType.startsWith('text/')).map((a) => a.content.toString('utf8'));
      return [mail.subject ?? '', mail.text ?? '', ...attached].join('\n');
    }
    default:
      return '';
  }
}

const [share, out] = process.argv.slice(2) as [string, string];
const files: string[] = [];
for (const folder of (await readdir(share)).sort()) {
  for (const name of (await readdir(join(share, folder))).sort()) if (extname(name) !== '.zip') files.push(join(share, folder, name));
}
await mkdir(out, { recursive: true });
let textBytes = 0;
let seconds = 0;
const byFormat: Record<string, number> = {};
for (const [i, file] of files.entries()) {
  const bytes = await readFile(file);
  const started = process.hrtime.bigint();
  const text = await textOf(file, bytes);
  const took = Number(process.hrtime.bigint() - started) / 1e9;
  seconds += took;
  const format = extname(file).slice(1);
  byFormat[format] = (byFormat[format] ?? 0) + took;
  textBytes += Buffer.byteLength(text);
  await writeFile(join(out, `${i}.txt`), text);
}
process.stdout.write(JSON.stringify({ seconds, files: files.length, textBytes, byFormat }));
