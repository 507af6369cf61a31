/**
 * A one-line progress bar for long jobs on a terminal: share done, rows, rows/s.
 * Silent when the stream is not a TTY (CI logs, pipes), so output stays parseable.
 */
export interface ProgressBar {
  update(p: { done: number; fraction?: number; label?: string }): void;
  finish(): void;
}

const nf = new Intl.NumberFormat('id-ID');

export function progressBar(stream: NodeJS.WriteStream | NodeJS.WritableStream, unit = 'baris'): ProgressBar {
  const tty = 'isTTY' in stream && stream.isTTY === true;
  const started = Date.now();
  let last = 0;
  let drawn = false;
  return {
    update({ done, fraction, label }) {
      if (!tty) return;
      const now = Date.now();
      if (now - last < 100) return;
      last = now;
      const perSecond = done / Math.max((now - started) / 1000, 0.001);
      const width = 24;
      const f = Math.min(Math.max(fraction ?? 0, 0), 1);
      const bar = fraction === undefined ? '' : `[${'█'.repeat(Math.round(f * width)).padEnd(width, '░')}] ${Math.round(f * 100)}% `;
      stream.write(`\r${label ? label + ' ' : ''}${bar}${nf.format(done)} ${unit} · ${nf.format(Math.round(perSecond))} ${unit}/dtk\u001b[K`);
      drawn = true;
    },
    finish() {
      if (tty && drawn) stream.write('\n');
    },
  };
}
