import { describe, expect, it } from 'vitest';
import { crc32, exifOrientation, sanitizeImage } from './image.js';
import { exifApp1, jpegWithExif, pngWithText, syntheticJpeg } from '../../test/portal/images.js';

describe('sanitizeImage', () => {
  it('drops EXIF, XMP, comments and trailing data from a JPEG, keeping only the orientation', () => {
    const r = sanitizeImage(jpegWithExif());
    if (!r.ok) throw new Error(r.reason);
    expect(r.contentType).toBe('image/jpeg');
    expect({ width: r.width, height: r.height }).toEqual({ width: 4, height: 3 });
    expect(r.removed).toEqual(['EXIF', 'XMP', 'COM', 'trailing-data']);
    for (const secret of ['GPS', 'Canon', 'Rahasia', 'xmpmeta', 'SEFT']) expect(r.bytes.includes(Buffer.from(secret))).toBe(false);
    const app1 = r.bytes.indexOf(Buffer.from('Exif\0\0'));
    expect(app1).toBeGreaterThan(0);
    expect(exifOrientation(r.bytes.subarray(app1 + 6))).toBe(6);
    // The image data itself is untouched: the original without metadata is a byte-for-byte prefix-and-suffix match.
    const plain = syntheticJpeg();
    expect(r.bytes.subarray(r.bytes.length - 20).equals(plain.subarray(plain.length - 20))).toBe(true);
  });

  it('leaves a JPEG without metadata byte-identical', () => {
    const plain = syntheticJpeg();
    const r = sanitizeImage(plain);
    expect(r.ok && r.bytes.equals(plain)).toBe(true);
  });

  it('keeps only drawing chunks of a PNG and checks every CRC', () => {
    const png = pngWithText();
    const r = sanitizeImage(png);
    if (!r.ok) throw new Error(r.reason);
    expect(r.contentType).toBe('image/png');
    expect(r.removed).toEqual(['tEXt', 'tIME', 'eXIf', 'iTXt']);
    expect(r.bytes.includes(Buffer.from('Rahasia'))).toBe(false);
    expect({ width: r.width, height: r.height }).toEqual({ width: 2, height: 2 });
    const broken = Buffer.from(png);
    broken[40] = broken[40]! ^ 0xff;
    expect(sanitizeImage(broken)).toEqual({ ok: false, reason: 'corrupt' });
  });

  it('recognises files by their bytes and bounds size and pixels', () => {
    expect(sanitizeImage(Buffer.from('GIF89a……'))).toEqual({ ok: false, reason: 'unsupported_type' });
    expect(sanitizeImage(Buffer.from('<svg onload=alert(1)>'))).toEqual({ ok: false, reason: 'unsupported_type' });
    expect(sanitizeImage(new Uint8Array(0))).toEqual({ ok: false, reason: 'empty' });
    expect(sanitizeImage(syntheticJpeg(), { maxBytes: 10, maxPixels: 1e6 })).toEqual({ ok: false, reason: 'too_large' });
    expect(sanitizeImage(syntheticJpeg(), { maxBytes: 1e6, maxPixels: 11 })).toEqual({ ok: false, reason: 'too_many_pixels' });
    expect(sanitizeImage(syntheticJpeg().subarray(0, 60))).toEqual({ ok: false, reason: 'corrupt' });
    expect(sanitizeImage(Buffer.concat([Buffer.from([0xff, 0xd8]), exifApp1()]))).toEqual({ ok: false, reason: 'corrupt' });
  });

  it('computes the PNG CRC-32', () => {
    expect(crc32(Buffer.from('IEND'))).toBe(0xae426082);
    expect(crc32(Buffer.from('123456789'))).toBe(0xcbf43926);
  });
});
