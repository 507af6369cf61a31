/** Number, money and date formatting in the console's language. */
import type { Lang } from './i18n';

const locale = (lang: Lang) => (lang === 'en' ? 'en-GB' : 'id-ID');

export function fmtNumber(lang: Lang, n: number | null | undefined, digits = 0): string {
  if (n === null || n === undefined || Number.isNaN(n)) return '–';
  return new Intl.NumberFormat(locale(lang), { maximumFractionDigits: digits, minimumFractionDigits: digits }).format(n);
}

/** Integer rupiah, e.g. "Rp 1.200.000". */
export function fmtRupiah(lang: Lang, n: number | null | undefined): string {
  if (n === null || n === undefined) return '–';
  return `Rp ${fmtNumber(lang, Math.round(n))}`;
}

/** Large sums in short form: "Rp 1,2 M" (miliar) / "Rp 3,4 T" (triliun). */
export function fmtRupiahShort(lang: Lang, n: number): string {
  const units: Array<[number, string, string]> = [[1e12, 'T', 'tn'], [1e9, 'M', 'bn'], [1e6, 'jt', 'm']];
  for (const [v, id, en] of units) if (Math.abs(n) >= v) return `Rp ${fmtNumber(lang, n / v, 1)} ${lang === 'en' ? en : id}`;
  return fmtRupiah(lang, n);
}

export function fmtPercent(lang: Lang, part: number, whole: number): string {
  if (!whole) return '–';
  return `${fmtNumber(lang, (100 * part) / whole, 1)}%`;
}

export function fmtDate(lang: Lang, iso: string | null | undefined): string {
  if (!iso) return '–';
  const d = new Date(iso.length === 10 ? `${iso}T00:00:00` : iso);
  if (Number.isNaN(d.getTime())) return iso;
  return new Intl.DateTimeFormat(locale(lang), { day: 'numeric', month: 'short', year: 'numeric' }).format(d);
}

export function fmtDateTime(lang: Lang, iso: string | null | undefined): string {
  if (!iso) return '–';
  const d = new Date(iso);
  if (Number.isNaN(d.getTime())) return iso;
  return new Intl.DateTimeFormat(locale(lang), { day: 'numeric', month: 'short', year: 'numeric', hour: '2-digit', minute: '2-digit' }).format(d);
}

/** "2 h 15 m" style duration for SLA timers (absolute value). */
export function fmtDuration(lang: Lang, ms: number): string {
  const total = Math.floor(Math.abs(ms) / 60_000);
  const days = Math.floor(total / 1440);
  const hours = Math.floor((total % 1440) / 60);
  const minutes = total % 60;
  const u = lang === 'en' ? { d: 'd', h: 'h', m: 'min' } : { d: 'hr', h: 'j', m: 'mnt' };
  if (days > 0) return `${days} ${u.d} ${hours} ${u.h}`;
  if (hours > 0) return `${hours} ${u.h} ${minutes} ${u.m}`;
  return `${minutes} ${u.m}`;
}
