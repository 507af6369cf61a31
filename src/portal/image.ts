/**
 * Photos attached to an usul: JPEG or PNG only, recognised by their bytes (never by the
 * name or declared type), bounded in size and pixels, and rewritten without metadata.
 * Phones write the camera, the time and the GPS position into EXIF/XMP; a public form
 * must not keep where a citizen stood. No image library: the markers are parsed here.
 *
 * - JPEG: keeps SOI, APP0 (JFIF), APP14 (Adobe colour transform), tables, frames and
 *   scans; drops APP1 (EXIF, XMP), APP2–APP13/APP15 (ICC, vendor data), comments and
 *   anything after EOI. The EXIF orientation is kept alone in a minimal new APP1, so a
 *   portrait photo is not shown on its side.
 * - PNG: checks every chunk's CRC, keeps only the chunks needed to draw the image
 *   (IHDR, PLTE, IDAT, IEND, tRNS, gAMA, cHRM, sRGB, sBIT, bKGD, pHYs); drops text
 *   (tEXt, zTXt, iTXt), eXIf, tIME, iCCP, animation and private chunks.
 */

export interface ImageLimits {
  readonly maxBytes: number;
  readonly maxPixels: number;
}

export const DEFAULT_IMAGE_LIMITS: ImageLimits = { maxBytes: 5 * 1024 * 1024, maxPixels: 40_000_000 };

export type SanitizedImage =
  | { ok: true; contentType: 'image/jpeg' | 'image/png'; bytes: Buffer; width: number; height: number; removed: string[] }
  | { ok: false; reason: 'empty' | 'too_large' | 'unsupported_type' | 'corrupt' | 'too_many_pixels' };

/**
 * @example
 * const r = sanitizeImage(upload);
 * if (r.ok) store(r.bytes, r.contentType); // no EXIF/GPS left
 */
export function sanitizeImage(input: Uint8Array, limits: ImageLimits = DEFAULT_IMAGE_LIMITS): SanitizedImage {
  if (input.length === 0) return { ok: false, reason: 'empty' };
  if (input.length > limits.maxBytes) return { ok: false, reason: 'too_large' };
  const buf = Buffer.from(input.buffer, input.byteOffset, input.byteLength);
  const r = buf[0] === 0xff && buf[1] === 0xd8 ? stripJpeg(buf) : buf.subarray(0, 8).equals(PNG_SIGNATURE) ? stripPng(buf) : undefined;
  if (!r) return { ok: false, reason: 'unsupported_type' };
  if (!r.ok) return r;
  if (r.width * r.height > limits.maxPixels) return { ok: false, reason: 'too_many_pixels' };
  return r;
}

// ------------------------------------------------------------------------- JPEG

type Stripped = Extract<SanitizedImage, { ok: true }> | { ok: false; reason: 'corrupt' };

const CORRUPT = { ok: false, reason: 'corrupt' } as const;

function isSof(m: number): boolean {
  return m >= 0xc0 && m <= 0xcf && m !== 0xc4 && m !== 0xc8 && m !== 0xcc;
}

function stripJpeg(buf: Buffer): Stripped {
  const out: Buffer[] = [buf.subarray(0, 2)];
  const removed: string[] = [];
  let orientation = 1;
  let width = 0;
  let height = 0;
  let sawScan = false;
  let afterApp0 = 1; // where a new APP1 goes: after SOI, or after APP0 when there is one
  let pos = 2;
  for (;;) {
    if (pos >= buf.length || buf[pos] !== 0xff) return CORRUPT;
    while (pos < buf.length && buf[pos] === 0xff) pos++; // fill bytes
    if (pos >= buf.length) return CORRUPT;
    const m = buf[pos]!;
    pos++;
    if (m === 0xd9) {
      out.push(Buffer.from([0xff, 0xd9]));
      if (pos < buf.length) removed.push('trailing-data');
      break;
    }
    if ((m >= 0xd0 && m <= 0xd7) || m === 0x01) { out.push(Buffer.from([0xff, m])); continue; }
    if (pos + 2 > buf.length) return CORRUPT;
    const length = buf.readUInt16BE(pos);
    const end = pos + length;
    if (length < 2 || end > buf.length) return CORRUPT;
    const segment = buf.subarray(pos - 2, end);
    const payload = buf.subarray(pos + 2, end);
    if (m === 0xe0) {
      if (payload.subarray(0, 5).toString('latin1') === 'JFIF\0' || payload.subarray(0, 5).toString('latin1') === 'JFXX\0') {
        out.push(segment);
        afterApp0 = out.length;
      } else removed.push('APP0');
    } else if (m === 0xe1) {
      if (payload.subarray(0, 6).toString('latin1') === 'Exif\0\0') {
        orientation = exifOrientation(payload.subarray(6)) ?? orientation;
        removed.push('EXIF');
      } else removed.push(payload.subarray(0, 28).toString('latin1').startsWith('http://ns.adobe.com/') ? 'XMP' : 'APP1');
    } else if (m === 0xee && payload.subarray(0, 5).toString('latin1') === 'Adobe') {
      out.push(segment);
    } else if ((m >= 0xe2 && m <= 0xef) || m === 0xfe) {
      removed.push(m === 0xfe ? 'COM' : `APP${m - 0xe0}`);
    } else if (m === 0xda) {
      if (width === 0) return CORRUPT;
      out.push(segment);
      // Entropy-coded data runs to the next marker that is not a stuffed 0xFF00 or a restart.
      let i = end;
      while (i < buf.length - 1 && !(buf[i] === 0xff && buf[i + 1] !== 0x00 && !(buf[i + 1]! >= 0xd0 && buf[i + 1]! <= 0xd7) && buf[i + 1] !== 0xff)) i++;
      if (i >= buf.length - 1) return CORRUPT;
      out.push(buf.subarray(end, i));
      sawScan = true;
      pos = i;
      continue;
    } else {
      if (isSof(m)) {
        if (payload.length < 6) return CORRUPT;
        height = payload.readUInt16BE(1);
        width = payload.readUInt16BE(3);
        if (width === 0 || height === 0) return CORRUPT;
      }
      out.push(segment);
    }
    pos = end;
  }
  if (!sawScan) return CORRUPT;
  if (orientation >= 2 && orientation <= 8) out.splice(afterApp0, 0, orientationApp1(orientation));
  return { ok: true, contentType: 'image/jpeg', bytes: Buffer.concat(out), width, height, removed };
}

/** The Orientation tag (0x0112) of IFD0 in a TIFF structure, if present and sane. */
export function exifOrientation(tiff: Buffer): number | undefined {
  if (tiff.length < 8) return undefined;
  const order = tiff.subarray(0, 2).toString('latin1');
  if (order !== 'II' && order !== 'MM') return undefined;
  const le = order === 'II';
  const u16 = (o: number) => (le ? tiff.readUInt16LE(o) : tiff.readUInt16BE(o));
  const u32 = (o: number) => (le ? tiff.readUInt32LE(o) : tiff.readUInt32BE(o));
  if (u16(2) !== 42) return undefined;
  const ifd = u32(4);
  if (ifd + 2 > tiff.length) return undefined;
  const count = u16(ifd);
  for (let i = 0; i < count; i++) {
    const e = ifd + 2 + i * 12;
    if (e + 12 > tiff.length) return undefined;
    if (u16(e) === 0x0112 && u16(e + 2) === 3) {
      const v = u16(e + 8);
      return v >= 1 && v <= 8 ? v : undefined;
    }
  }
  return undefined;
}

/** APP1 holding only `Exif\0\0` + a big-endian TIFF with one IFD0 entry: Orientation. */
function orientationApp1(orientation: number): Buffer {
  const b = Buffer.alloc(2 + 2 + 6 + 26);
  b.writeUInt16BE(0xffe1, 0);
  b.writeUInt16BE(2 + 6 + 26, 2);
  b.write('Exif\0\0', 4, 'latin1');
  const t = 10;
  b.write('MM', t, 'latin1');
  b.writeUInt16BE(42, t + 2);
  b.writeUInt32BE(8, t + 4);
  b.writeUInt16BE(1, t + 8);
  b.writeUInt16BE(0x0112, t + 10);
  b.writeUInt16BE(3, t + 12);
  b.writeUInt32BE(1, t + 14);
  b.writeUInt16BE(orientation, t + 18);
  b.writeUInt32BE(0, t + 22);
  return b;
}

// -------------------------------------------------------------------------- PNG

export const PNG_SIGNATURE = Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]);
const PNG_KEEP = new Set(['IHDR', 'PLTE', 'IDAT', 'IEND', 'tRNS', 'gAMA', 'cHRM', 'sRGB', 'sBIT', 'bKGD', 'pHYs']);

function stripPng(buf: Buffer): Stripped {
  const out: Buffer[] = [PNG_SIGNATURE];
  const removed: string[] = [];
  let pos = 8;
  let width = 0;
  let height = 0;
  let sawData = false;
  for (;;) {
    if (pos + 12 > buf.length) return CORRUPT;
    const length = buf.readUInt32BE(pos);
    const end = pos + 12 + length;
    if (length > 0x7fffffff || end > buf.length) return CORRUPT;
    const type = buf.subarray(pos + 4, pos + 8).toString('latin1');
    if (!/^[A-Za-z]{4}$/.test(type)) return CORRUPT;
    if (crc32(buf.subarray(pos + 4, pos + 8 + length)) !== buf.readUInt32BE(pos + 8 + length)) return CORRUPT;
    if (pos === 8) {
      if (type !== 'IHDR' || length !== 13) return CORRUPT;
      width = buf.readUInt32BE(pos + 8);
      height = buf.readUInt32BE(pos + 12);
      if (width === 0 || height === 0) return CORRUPT;
    }
    if (PNG_KEEP.has(type)) out.push(buf.subarray(pos, end));
    else removed.push(type);
    if (type === 'IDAT') sawData = true;
    pos = end;
    if (type === 'IEND') {
      if (pos < buf.length) removed.push('trailing-data');
      break;
    }
  }
  if (!sawData) return CORRUPT;
  return { ok: true, contentType: 'image/png', bytes: Buffer.concat(out), width, height, removed };
}

let crcTable: Uint32Array | undefined;

/** CRC-32 (ISO 3309), as PNG uses; zlib.crc32 needs Node 22. */
export function crc32(data: Uint8Array): number {
  if (!crcTable) {
    crcTable = new Uint32Array(256);
    for (let n = 0; n < 256; n++) {
      let c = n;
      for (let k = 0; k < 8; k++) c = c & 1 ? 0xedb88320 ^ (c >>> 1) : c >>> 1;
      crcTable[n] = c >>> 0;
    }
  }
  let c = 0xffffffff;
  for (let i = 0; i < data.length; i++) c = crcTable[(c ^ data[i]!) & 0xff]! ^ (c >>> 8);
  return (c ^ 0xffffffff) >>> 0;
}
