/**
 * Metadata as personal data: where a photo was taken (EXIF GPS), who took or owns it (EXIF
 * Artist, camera owner, XMP/IPTC creator) and who wrote a document (PDF Author, Office
 * dc:creator). Read with exifr for images; found as their own types with `where: { metadata }`:
 *   metadata-gps     category contact, the position masked to whole degrees
 *   metadata-person  category identity, the name masked to initials
 */
import type { DirectFinding } from './types.js';

/** EXIF/XMP/IPTC fields that name a person, as exifr names them. */
const PERSON_FIELDS = ['Artist', 'XPAuthor', 'OwnerName', 'CameraOwnerName', 'creator', 'Creator', 'By-line', 'Byline', 'Author', 'Copyright'] as const;

/** A name in a metadata field; not a placeholder such as `Administrator` or `Unknown`. */
const PLACEHOLDER =
  /^(administrator|admin|user|gebruiker|unknown|onbekend|owner|author|auteur|copyright|all rights reserved|microsoft office user|windows user|(c)|©)$/i;

function cleanName(value: unknown): string | undefined {
  const text = (
    Array.isArray(value)
      ? value.join(', ')
      : typeof value === 'string'
        ? value
        : typeof value === 'object' && value
          ? String((value as { value?: unknown }).value ?? '')
          : ''
  )
    .replace(/^(?:©|\(c\)|copyright)\s*(?:\d{4}\s*)?/i, '')
    .replace(/\s+/g, ' ')
    .trim();
  if (text.length < 2 || text.length > 120 || !/\p{L}/u.test(text) || PLACEHOLDER.test(text)) return undefined;
  return text;
}

/** `J. d. V.`: one letter per word, enough to tell two authors apart, not to name one. */
function initials(name: string): string {
  return name
    .split(/\s+/)
    .map((w) => `${[...w][0] ?? ''}.`)
    .join(' ');
}

/** A person named in a metadata field, as a finding; undefined for empty and placeholder values. */
export function personMetadata(field: string, value: unknown, basis = 'metadata'): DirectFinding | undefined {
  const name = cleanName(value);
  if (!name) return undefined;
  return {
    type: 'metadata-person',
    category: 'identity',
    value: name.toLowerCase(),
    masked: `${initials(name)} (${field})`,
    confidence: 0.9,
    where: { metadata: field },
    basis: [basis],
  };
}

export function gpsMetadata(latitude: number, longitude: number): DirectFinding | undefined {
  if (!Number.isFinite(latitude) || !Number.isFinite(longitude) || (latitude === 0 && longitude === 0)) return undefined;
  if (Math.abs(latitude) > 90 || Math.abs(longitude) > 180) return undefined;
  const deg = (v: number, pos: string, neg: string) => `${Math.trunc(Math.abs(v))}°${v < 0 ? neg : pos}`;
  return {
    type: 'metadata-gps',
    category: 'contact',
    // About 1 m: two photos taken at one spot match, the same building a block away does not.
    value: `${latitude.toFixed(5)},${longitude.toFixed(5)}`,
    masked: `${deg(latitude, 'N', 'S')} ${deg(longitude, 'E', 'W')} (GPS position)`,
    confidence: 0.95,
    where: { metadata: 'GPSPosition' },
    basis: ['metadata', 'exif-gps'],
  };
}

/** The personal data in an image's EXIF, XMP and IPTC blocks. Unreadable metadata is no error: the pixels still are read. */
export async function imageMetadata(bytes: Uint8Array): Promise<DirectFinding[]> {
  let tags: Record<string, unknown> | undefined;
  try {
    // Loaded on the first image: a worker that never meets one never pays for it.
    const { default: exifr } = await import('exifr');
    tags = await exifr.parse(Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength), {
      tiff: true,
      exif: true,
      gps: true,
      xmp: true,
      iptc: true,
      icc: false,
      jfif: false,
      ihdr: false,
      makerNote: false,
      userComment: false,
      mergeOutput: true,
    });
  } catch {
    return [];
  }
  if (!tags) return [];
  const found: DirectFinding[] = [];
  const seen = new Set<string>();
  for (const field of PERSON_FIELDS) {
    const finding = personMetadata(field, tags[field]);
    if (finding && !seen.has(finding.value)) {
      seen.add(finding.value);
      found.push(finding);
    }
  }
  const gps = typeof tags.latitude === 'number' && typeof tags.longitude === 'number' ? gpsMetadata(tags.latitude, tags.longitude) : undefined;
  if (gps) found.push(gps);
  return found;
}
