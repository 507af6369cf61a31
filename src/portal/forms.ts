/**
 * Request bodies of the portal's HTML forms: `application/x-www-form-urlencoded` and
 * `multipart/form-data` (the usul photo), parsed here to avoid another dependency.
 * Limits are strict: few parts, short fields, at most one file.
 */

export interface UploadedFile {
  readonly field: string;
  readonly filename: string;
  readonly contentType: string;
  readonly data: Buffer;
}

export interface FormData {
  readonly fields: Record<string, string>;
  readonly files: UploadedFile[];
}

export interface MultipartLimits {
  readonly maxParts: number;
  readonly maxFieldBytes: number;
  readonly maxFiles: number;
  readonly maxFileBytes: number;
}

export const DEFAULT_MULTIPART_LIMITS: MultipartLimits = { maxParts: 30, maxFieldBytes: 8 * 1024, maxFiles: 1, maxFileBytes: 5 * 1024 * 1024 };

export type ParsedForm = { ok: true; form: FormData } | { ok: false; reason: 'malformed' | 'too_many_parts' | 'field_too_long' | 'too_many_files' | 'file_too_large' };

/**
 * @example parseUrlEncoded(Buffer.from('nama=Budi+Santoso&desa=32.01.01.2001')).fields.nama === 'Budi Santoso'
 */
export function parseUrlEncoded(body: Buffer | string): FormData {
  const fields: Record<string, string> = Object.create(null) as Record<string, string>;
  for (const [k, v] of new URLSearchParams(typeof body === 'string' ? body : body.toString('utf8'))) {
    if (!(k in fields)) fields[k] = v;
  }
  return { fields, files: [] };
}

/** The boundary of a multipart content type, if well-formed (RFC 2046: 1–70 characters). */
export function multipartBoundary(contentType: string): string | undefined {
  const m = /boundary=(?:"([^"]{1,70})"|([^;\s]{1,70}))/i.exec(contentType);
  return m ? (m[1] ?? m[2]) : undefined;
}

function headerParam(header: string, name: string): string | undefined {
  const m = new RegExp(`;\\s*${name}="([^"]*)"`, 'i').exec(header) ?? new RegExp(`;\\s*${name}=([^;\\s]*)`, 'i').exec(header);
  return m ? m[1] : undefined;
}

/**
 * @example
 * const r = parseMultipart(body, multipartBoundary(request.headers['content-type'])!);
 * if (r.ok) r.form.files[0]?.data
 */
export function parseMultipart(body: Buffer, boundary: string, limits: MultipartLimits = DEFAULT_MULTIPART_LIMITS): ParsedForm {
  const delimiter = Buffer.from(`--${boundary}`);
  const fields: Record<string, string> = Object.create(null) as Record<string, string>;
  const files: UploadedFile[] = [];
  let pos = body.indexOf(delimiter);
  if (pos === -1) return { ok: false, reason: 'malformed' };
  let parts = 0;
  for (;;) {
    pos += delimiter.length;
    if (body[pos] === 0x2d && body[pos + 1] === 0x2d) break; // closing "--"
    if (body[pos] !== 0x0d || body[pos + 1] !== 0x0a) return { ok: false, reason: 'malformed' };
    pos += 2;
    if (++parts > limits.maxParts) return { ok: false, reason: 'too_many_parts' };
    const headerEnd = body.indexOf('\r\n\r\n', pos);
    if (headerEnd === -1 || headerEnd - pos > 2048) return { ok: false, reason: 'malformed' };
    const headers = body.subarray(pos, headerEnd).toString('utf8').split('\r\n');
    const next = body.indexOf(Buffer.concat([Buffer.from('\r\n'), delimiter]), headerEnd + 4);
    if (next === -1) return { ok: false, reason: 'malformed' };
    const data = body.subarray(headerEnd + 4, next);
    let disposition = '';
    let contentType = 'text/plain';
    for (const h of headers) {
      const [name, ...rest] = h.split(':');
      const value = rest.join(':').trim();
      if (name?.toLowerCase() === 'content-disposition') disposition = value;
      else if (name?.toLowerCase() === 'content-type') contentType = value.toLowerCase();
    }
    const field = headerParam(disposition, 'name');
    if (!/^form-data/i.test(disposition) || field === undefined) return { ok: false, reason: 'malformed' };
    const filename = headerParam(disposition, 'filename');
    if (filename !== undefined) {
      // A file input left empty still sends a part with an empty name and no bytes.
      if (filename !== '' || data.length > 0) {
        if (files.length >= limits.maxFiles) return { ok: false, reason: 'too_many_files' };
        if (data.length > limits.maxFileBytes) return { ok: false, reason: 'file_too_large' };
        files.push({ field, filename, contentType, data: Buffer.from(data) });
      }
    } else {
      if (data.length > limits.maxFieldBytes) return { ok: false, reason: 'field_too_long' };
      if (!(field in fields)) fields[field] = data.toString('utf8');
    }
    pos = next + 2;
  }
  return { ok: true, form: { fields, files } };
}
