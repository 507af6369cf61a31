/**
 * Server-side HTML without a template engine: a tagged template that escapes every
 * interpolated value unless it is already `Html`. Pages are small strings; there is
 * no client-side rendering.
 */

/** Markup that is known to be safe (built by `html` or `raw`). */
export class Html {
  constructor(readonly value: string) {}
  toString(): string {
    return this.value;
  }
}

type Part = Html | string | number | boolean | null | undefined | readonly Part[];

const ESCAPES: Record<string, string> = { '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&#39;' };

/**
 * @example escapeHtml('<b>"x"</b>') === '&lt;b&gt;&quot;x&quot;&lt;/b&gt;'
 */
export function escapeHtml(text: string): string {
  return text.replace(/[&<>"']/g, (c) => ESCAPES[c]!);
}

function render(part: Part): string {
  if (part === null || part === undefined || part === false) return '';
  if (part instanceof Html) return part.value;
  if (Array.isArray(part)) return (part as readonly Part[]).map(render).join('');
  return escapeHtml(String(part));
}

/**
 * @example html`<p>${userInput}</p>` // userInput is escaped
 */
export function html(strings: TemplateStringsArray, ...values: Part[]): Html {
  let out = strings[0]!;
  for (let i = 0; i < values.length; i++) out += render(values[i]) + strings[i + 1]!;
  return new Html(out);
}

/** Trusted markup as is (constants only, never user input). */
export function raw(markup: string): Html {
  return new Html(markup);
}

/**
 * Pads a page to a fixed byte length with an HTML comment before `</body>`, so that
 * answers that must not be told apart (found / not found) have the same size.
 * Pages longer than `size` are padded to the next multiple of `size`.
 * @example padHtml('<html><body>x</body></html>', 1024).length === 1024
 */
export function padHtml(page: string, size: number): string {
  const length = Buffer.byteLength(page);
  const target = Math.max(size, Math.ceil((length + 9) / size) * size);
  const fill = target - length - 9; // '<!--' + ' ' + … + '-->' + '\n'
  const comment = `<!--${' '.repeat(fill + 1)}-->\n`;
  const at = page.lastIndexOf('</body>');
  return at === -1 ? page + comment : page.slice(0, at) + comment + page.slice(at);
}

/** Pads a JSON text with trailing spaces (still valid JSON) to a multiple of `size` bytes. */
export function padJson(text: string, size: number): string {
  const length = Buffer.byteLength(text);
  const target = Math.max(size, Math.ceil(length / size) * size);
  return text + ' '.repeat(target - length);
}
