/**
 * Image files to pixels for OCR. The size is read from the header first (image-size), before
 * anything is decoded, so a 100,000 × 100,000 pixel bomb ends as `too-large` instead of asking
 * for 40 GB; damaged data ends as `corrupt`. PNG, JPEG, GIF, BMP and WebP are decoded by Skia
 * (@napi-rs/canvas), TIFF page by page by utif2 (Skia reads no TIFF). Every page is handed to
 * the OCR engine as PNG, one page in memory at a time. The decoders are loaded on the first
 * image, so a worker that never meets one never loads Skia.
 */
import type { Image, SKRSContext2D } from '@napi-rs/canvas';
import { imageSize } from 'image-size';
import type UTIF from 'utif2';
import { ocrSettings } from './ocr-engine.js';
import { ExtractError } from './types.js';

export interface RasterPage {
  /** 1-based. */
  page: number;
  png: Uint8Array;
}

function checkPixels(width: number, height: number, what: string): void {
  const { maxPixels } = ocrSettings();
  if (!(width > 0 && height > 0)) throw new ExtractError('corrupt', `the ${what} has no size in its header; it may be damaged`);
  if (width * height > maxPixels) {
    throw new ExtractError('too-large', `the ${what} is ${width} × ${height} pixels, over the OCR limit of ${maxPixels} pixels; not read`);
  }
}

/** Width and height from the header, without decoding. */
export function headerSize(bytes: Uint8Array): { width: number; height: number; type: string } {
  try {
    const size = imageSize(bytes);
    return { width: size.width ?? 0, height: size.height ?? 0, type: size.type ?? 'unknown' };
  } catch (err) {
    throw new ExtractError('corrupt', `the image header could not be read (${(err as Error)?.name ?? 'error'}); it may be damaged or truncated`);
  }
}

/**
 * Skia draws what it can of a cut-off PNG or JPEG and says nothing; a scan cut off halfway is
 * damaged, so its end marker (PNG IEND, JPEG EOI) must be there.
 */
function checkComplete(bytes: Uint8Array, type: string): void {
  const tail = Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength).subarray(Math.max(0, bytes.byteLength - 65_536));
  const complete = type === 'png' ? tail.includes('IEND', 0, 'latin1') : type === 'jpg' ? tail.includes(Buffer.from([0xff, 0xd9])) : true;
  if (!complete) throw new ExtractError('corrupt', `the ${type.toUpperCase()} image is cut off (no end marker); it may be damaged or truncated`);
}

const canvasModule = () => import('@napi-rs/canvas');

async function decodeWithSkia(bytes: Uint8Array): Promise<Image> {
  const { loadImage } = await canvasModule();
  try {
    return await loadImage(Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength));
  } catch (err) {
    throw new ExtractError('corrupt', `the image could not be decoded (${(err as Error)?.name ?? 'error'}); it may be damaged or truncated`);
  }
}

/** PNG bytes of one drawable, on white (a transparent PNG's text would otherwise be black on black). */
async function toPng(width: number, height: number, draw: (ctx: SKRSContext2D) => void): Promise<Uint8Array> {
  const { createCanvas } = await canvasModule();
  const canvas = createCanvas(width, height);
  const ctx = canvas.getContext('2d');
  ctx.fillStyle = '#ffffff';
  ctx.fillRect(0, 0, width, height);
  draw(ctx);
  return canvas.toBuffer('image/png');
}

/** The pages of an image file as PNG, at most `maxPages`; `total` says how many it has. */
export async function* rasterPages(bytes: Uint8Array, maxPages: number): AsyncGenerator<RasterPage, { total: number }> {
  const size = headerSize(bytes);
  if (size.type === 'tiff') return yield* tiffPages(bytes, maxPages);
  checkPixels(size.width, size.height, 'image');
  checkComplete(bytes, size.type);
  const image = await decodeWithSkia(bytes);
  checkPixels(image.width, image.height, 'image');
  if (maxPages < 1) return { total: 1 };
  yield { page: 1, png: await toPng(image.width, image.height, (ctx) => ctx.drawImage(image, 0, 0)) };
  return { total: 1 };
}

async function* tiffPages(bytes: Uint8Array, maxPages: number): AsyncGenerator<RasterPage, { total: number }> {
  const buffer = bytes.buffer.slice(bytes.byteOffset, bytes.byteOffset + bytes.byteLength) as ArrayBuffer;
  const { default: UTIF } = await import('utif2');
  let ifds: UTIF.IFD[];
  try {
    ifds = UTIF.decode(buffer);
  } catch (err) {
    throw new ExtractError('corrupt', `the TIFF could not be read (${(err as Error)?.name ?? 'error'}); it may be damaged or truncated`);
  }
  // Sub-images (thumbnails, reduced resolutions) have NewSubfileType bit 0 set; pages do not.
  const tag = (ifd: UTIF.IFD, name: string) => Number((ifd[name] as number[] | undefined)?.[0] ?? 0);
  const pages = ifds.filter((ifd) => tag(ifd, 't254') % 2 === 0);
  if (pages.length === 0) throw new ExtractError('corrupt', 'the TIFF holds no image; it may be damaged');
  for (let i = 0; i < pages.length && i < maxPages; i++) {
    const ifd = pages[i] as UTIF.IFD;
    checkPixels(tag(ifd, 't256'), tag(ifd, 't257'), `TIFF page ${i + 1}`);
    let rgba: Uint8Array;
    try {
      UTIF.decodeImage(buffer, ifd);
      rgba = UTIF.toRGBA8(ifd);
    } catch (err) {
      throw new ExtractError('corrupt', `TIFF page ${i + 1} could not be decoded (${(err as Error)?.name ?? 'error'}); it may be damaged`);
    }
    const { width, height } = ifd as unknown as { width: number; height: number };
    if (rgba.length < width * height * 4) throw new ExtractError('corrupt', `TIFF page ${i + 1} holds fewer pixels than its header says; it may be damaged`);
    const png = await toPng(width, height, (ctx) => {
      const data = ctx.createImageData(width, height);
      data.data.set(rgba.subarray(0, width * height * 4));
      ctx.putImageData(data, 0, 0);
    });
    // The decoded pixels of this page are dropped before the next one is read.
    delete (ifd as { data?: unknown }).data;
    yield { page: i + 1, png };
  }
  return { total: pages.length };
}
