/**
 * Streaming RFC 4180 CSV reader for the dedup command: comma-separated, fields
 * optionally in double quotes ("" inside for a quote, line breaks allowed), CRLF or LF,
 * a UTF-8 byte-order mark ignored, empty lines skipped. Several times faster than a
 * general-purpose parser on a million rows: a line without quotes is split with
 * `indexOf`, only quoted records are scanned character by character.
 */
import { StringDecoder } from 'node:string_decoder';

/** Malformed CSV (an unclosed quote, text after a closing quote), with the line it starts on. */
export class CsvSyntaxError extends Error {
  constructor(readonly line: number, readonly detail: string) {
    super(`baris ${line}: ${detail}`);
    this.name = 'CsvSyntaxError';
  }
}

/**
 * Read CSV records from a stream of chunks, calling `onRow(fields, line)` with the
 * 1-based line each record starts on (`firstLine` for the first, when the stream starts
 * inside a file). Throws {@link CsvSyntaxError}.
 *
 * @example
 * await readCsvRows(createReadStream('in.csv'), (fields, line) => { … });
 */
export async function readCsvRows(
  source: AsyncIterable<Buffer | string> | Iterable<Buffer | string>,
  onRow: (fields: string[], line: number) => void,
  firstLine = 1,
): Promise<void> {
  const decoder = new StringDecoder('utf8');
  const state = { line: firstLine, first: true };
  let pending = '';
  for await (const chunk of source) {
    let text = pending + (typeof chunk === 'string' ? chunk : decoder.write(chunk));
    if (state.first && text.length > 0) {
      if (text.charCodeAt(0) === 0xfeff) text = text.slice(1);
      state.first = false;
    }
    pending = parseText(text, false, state, onRow);
  }
  const rest = pending + decoder.end();
  if (rest.length > 0) parseText(rest, true, state, onRow);
}

/**
 * Parse complete records of `text`; returns the unparsed tail (an incomplete record),
 * or parses everything when `final`.
 */
function parseText(text: string, final: boolean, state: { line: number }, onRow: (fields: string[], line: number) => void): string {
  let pos = 0;
  const len = text.length;
  while (pos < len) {
    const nl = text.indexOf('\n', pos);
    if (nl < 0 && !final) return text.slice(pos);
    const end = nl < 0 ? len : nl;
    const quote = text.indexOf('"', pos);
    if (quote < 0 || quote > end) {
      // Plain line: no quotes.
      let lineEnd = end;
      if (lineEnd > pos && text.charCodeAt(lineEnd - 1) === 13) lineEnd--;
      if (lineEnd > pos) onRow(text.slice(pos, lineEnd).split(','), state.line);
      state.line++;
      pos = end + 1;
      continue;
    }
    // Quoted record: scan characters; it may span lines.
    const start = state.line;
    const fields: string[] = [];
    let field = '';
    let k = pos;
    let lines = 0;
    let complete = false;
    for (;;) {
      if (k >= len) break;
      const c = text.charCodeAt(k);
      if (c === 34 && field === '' && (k === pos || text.charCodeAt(k - 1) === 44)) {
        // Quoted field.
        let q = k + 1;
        let value = '';
        let closed = false;
        while (q < len) {
          const e = text.indexOf('"', q);
          if (e < 0) break;
          value += text.slice(q, e);
          if (e + 1 < len && text.charCodeAt(e + 1) === 34) {
            value += '"';
            q = e + 2;
            continue;
          }
          if (e + 1 >= len && !final) break;
          q = e + 1;
          closed = true;
          break;
        }
        if (!closed) {
          if (final) throw new CsvSyntaxError(start, 'tanda kutip (") tidak ditutup');
          return text.slice(pos);
        }
        for (let x = k; x < q; x++) if (text.charCodeAt(x) === 10) lines++;
        const after = q < len ? text.charCodeAt(q) : -1;
        if (after !== 44 && after !== 10 && after !== 13 && after !== -1) {
          throw new CsvSyntaxError(start, 'teks sesudah tanda kutip penutup');
        }
        field = value;
        k = q;
        if (after === 44) {
          fields.push(field);
          field = '';
          k++;
          if (k >= len && !final) return text.slice(pos);
          if (k >= len) { fields.push(''); complete = true; break; }
        }
        continue;
      }
      if (c === 44) {
        fields.push(field);
        field = '';
        k++;
        continue;
      }
      if (c === 10 || c === 13) {
        fields.push(field);
        k = c === 13 && k + 1 < len && text.charCodeAt(k + 1) === 10 ? k + 2 : k + 1;
        if (c === 13 && k >= len && !final) return text.slice(pos);
        complete = true;
        break;
      }
      // Unquoted text up to the next delimiter.
      let e = k;
      while (e < len) {
        const d = text.charCodeAt(e);
        if (d === 44 || d === 10 || d === 13) break;
        e++;
      }
      field += text.slice(k, e);
      k = e;
    }
    if (!complete) {
      if (!final) return text.slice(pos);
      fields.push(field);
    }
    onRow(fields, start);
    state.line = start + lines + 1;
    pos = k;
  }
  return '';
}
