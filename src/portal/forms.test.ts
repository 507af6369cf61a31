import { describe, expect, it } from 'vitest';
import { multipartBoundary, parseMultipart, parseUrlEncoded } from './forms.js';

const B = 'XyZ123';
const body = (parts: string[]) => Buffer.from(parts.map((p) => `--${B}\r\n${p}\r\n`).join('') + `--${B}--\r\n`, 'latin1');

describe('form bodies', () => {
  it('parses URL-encoded fields, first value wins', () => {
    expect(parseUrlEncoded('nama=Budi+Santoso&desa=32.01.01.2001&nama=x').fields).toEqual({ nama: 'Budi Santoso', desa: '32.01.01.2001' });
  });

  it('parses multipart fields and one file, and skips an empty file input', () => {
    const r = parseMultipart(body([
      'Content-Disposition: form-data; name="nama"\r\n\r\nSiti Aminah',
      'Content-Disposition: form-data; name="foto"; filename="rumah.jpg"\r\nContent-Type: image/jpeg\r\n\r\n\xff\xd8\r\n\xff\xd9',
    ]), B);
    expect(r.ok && r.form.fields).toEqual({ nama: 'Siti Aminah' });
    expect(r.ok && r.form.files.map((f) => [f.field, f.filename, f.contentType, [...f.data]])).toEqual([['foto', 'rumah.jpg', 'image/jpeg', [0xff, 0xd8, 0x0d, 0x0a, 0xff, 0xd9]]]);
    const empty = parseMultipart(body(['Content-Disposition: form-data; name="foto"; filename=""\r\nContent-Type: application/octet-stream\r\n\r\n']), B);
    expect(empty.ok && empty.form.files).toEqual([]);
  });

  it('enforces its limits and refuses malformed bodies', () => {
    const two = body(['Content-Disposition: form-data; name="a"; filename="1"\r\n\r\nx', 'Content-Disposition: form-data; name="b"; filename="2"\r\n\r\ny']);
    expect(parseMultipart(two, B)).toEqual({ ok: false, reason: 'too_many_files' });
    const big = body([`Content-Disposition: form-data; name="a"\r\n\r\n${'x'.repeat(9000)}`]);
    expect(parseMultipart(big, B)).toEqual({ ok: false, reason: 'field_too_long' });
    expect(parseMultipart(Buffer.from('garbage'), B)).toEqual({ ok: false, reason: 'malformed' });
    expect(parseMultipart(Buffer.from(`--${B}\r\nContent-Disposition: form-data; name="a"\r\n\r\nno end`), B)).toEqual({ ok: false, reason: 'malformed' });
    expect(multipartBoundary('multipart/form-data; boundary="a b"')).toBe('a b');
    expect(multipartBoundary('multipart/form-data; boundary=----WebKit123')).toBe('----WebKit123');
    expect(multipartBoundary('multipart/form-data')).toBeUndefined();
  });
});
