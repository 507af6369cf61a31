/**
 * Test images made by code: a JPEG marker stream (or a real JPEG from the browser)
 * with camera data, orientation and GPS in EXIF, XMP and a comment; and a real PNG
 * with text chunks. The sanitizer must remove all of it.
 */
import { deflateSync } from 'node:zlib';
import { crc32 } from '../../src/portal/image.js';

function segment(marker: number, payload: Buffer): Buffer {
  const head = Buffer.alloc(4);
  head.writeUInt16BE(0xff00 | marker, 0);
  head.writeUInt16BE(payload.length + 2, 2);
  return Buffer.concat([head, payload]);
}

/** EXIF (big-endian TIFF): Make "Canon", Orientation 6, and a GPS IFD with a latitude. */
export function exifApp1(): Buffer {
  const t = Buffer.alloc(110);
  t.write('MM', 0, 'latin1');
  t.writeUInt16BE(42, 2);
  t.writeUInt32BE(8, 4);
  t.writeUInt16BE(3, 8);
  const entry = (at: number, tag: number, type: number, count: number, value: number) => {
    t.writeUInt16BE(tag, at); t.writeUInt16BE(type, at + 2); t.writeUInt32BE(count, at + 4); t.writeUInt32BE(value, at + 8);
  };
  entry(10, 0x010f, 2, 6, 50); // Make -> offset 50
  entry(22, 0x0112, 3, 1, 0); t.writeUInt16BE(6, 30); // Orientation 6 (rotate 90°)
  entry(34, 0x8825, 4, 1, 56); // GPS IFD at 56
  t.writeUInt32BE(0, 46);
  t.write('Canon\0', 50, 'latin1');
  t.writeUInt16BE(2, 56);
  entry(58, 0x0001, 2, 2, 0); t.write('S\0', 66, 'latin1');
  entry(70, 0x0002, 5, 3, 86);
  for (let i = 0; i < 3; i++) { t.writeUInt32BE([6, 35, 1234][i]!, 86 + i * 8); t.writeUInt32BE([1, 1, 100][i]!, 90 + i * 8); }
  t.writeUInt32BE(0, 82);
  return segment(0xe1, Buffer.concat([Buffer.from('Exif\0\0', 'latin1'), t]));
}

function xmpApp1(): Buffer {
  return segment(0xe1, Buffer.from('http://ns.adobe.com/xap/1.0/\0<x:xmpmeta><exif:GPSLatitude>6,12.34S</exif:GPSLatitude></x:xmpmeta>', 'latin1'));
}

/** Puts EXIF, XMP and a GPS comment right after SOI (and APP0) of a JPEG, and junk after EOI. */
export function withExif(jpeg: Buffer): Buffer {
  let at = 2;
  if (jpeg[2] === 0xff && jpeg[3] === 0xe0) at = 4 + jpeg.readUInt16BE(4);
  return Buffer.concat([
    jpeg.subarray(0, at), exifApp1(), xmpApp1(), segment(0xfe, Buffer.from('GPS -6.2057 106.8226 Jl. Rahasia')), jpeg.subarray(at),
    Buffer.from('SEFT trailer with GPS'),
  ]);
}

/** A JPEG marker stream (not decodable pixels): enough for the marker parser. */
export function syntheticJpeg(): Buffer {
  const sof = Buffer.from([8, 0, 3, 0, 4, 1, 1, 0x11, 0]); // 8-bit, 3 x 4, one component
  return Buffer.concat([
    Buffer.from([0xff, 0xd8]),
    segment(0xe0, Buffer.from('JFIF\0\x01\x01\0\0\x01\0\x01\0\0', 'latin1')),
    segment(0xdb, Buffer.alloc(65, 1)),
    segment(0xc0, sof),
    segment(0xc4, Buffer.alloc(30, 2)),
    segment(0xda, Buffer.from([1, 1, 0, 0, 63, 0])),
    Buffer.from([0x12, 0xff, 0x00, 0x34, 0xff, 0xd0, 0x56]), // stuffed byte and a restart marker inside the scan
    Buffer.from([0xff, 0xd9]),
  ]);
}

export function jpegWithExif(): Buffer {
  return withExif(syntheticJpeg());
}

function chunk(type: string, data: Buffer): Buffer {
  const head = Buffer.alloc(8);
  head.writeUInt32BE(data.length, 0);
  head.write(type, 4, 'latin1');
  const crc = Buffer.alloc(4);
  crc.writeUInt32BE(crc32(Buffer.concat([head.subarray(4), data])), 0);
  return Buffer.concat([head, data, crc]);
}

/** A real 2 × 2 RGB PNG with tEXt, iTXt, tIME and eXIf chunks. */
export function pngWithText(): Buffer {
  const ihdr = Buffer.alloc(13);
  ihdr.writeUInt32BE(2, 0); ihdr.writeUInt32BE(2, 4); ihdr[8] = 8; ihdr[9] = 2;
  const rows = Buffer.from([0, 255, 0, 0, 0, 255, 0, 0, 0, 0, 255, 255, 255, 255]);
  return Buffer.concat([
    Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]),
    chunk('IHDR', ihdr),
    chunk('tEXt', Buffer.from('Comment\0Jl. Rahasia No. 1, GPS -6.2 106.8', 'latin1')),
    chunk('tIME', Buffer.from([7, 233, 1, 2, 3, 4, 5])),
    chunk('eXIf', exifApp1().subarray(10)),
    chunk('IDAT', deflateSync(rows)),
    chunk('iTXt', Buffer.from('Author\0\0\0\0\0Budi', 'latin1')),
    chunk('IEND', Buffer.alloc(0)),
  ]);
}
