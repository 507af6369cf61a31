/**
 * A tile cartogram of the 38 provinces (our own grid from /api/v1/dashboard/provinces.json):
 * one equal square per province, coloured by the chosen indicator. Plain SVG, keyboard
 * reachable (each tile is a link), exportable as PNG through a canvas.
 */
import { useI18n } from '../i18n';

export interface ProvinceTile { code: string; name: string; row: number; col: number }

const CELL = 56;
const GAP = 4;

/** Five light-to-dark blues; the text colour keeps WCAG AA contrast on each. */
export const SCALE = ['#e3eef9', '#b5d0ee', '#6fa3d8', '#2f6fb3', '#123f73'];
export const TEXT_ON = ['#0b2540', '#0b2540', '#0b2540', '#ffffff', '#ffffff'];

export function bucketOf(value: number | undefined, min: number, max: number): number {
  if (value === undefined || Number.isNaN(value)) return -1;
  if (max <= min) return SCALE.length - 1;
  return Math.min(SCALE.length - 1, Math.floor(((value - min) / (max - min)) * SCALE.length));
}

export function Cartogram({ tiles, values, format, onPick, svgId, label }: {
  tiles: ProvinceTile[]; values: Map<string, number>; format(v: number): string; onPick(code: string): void; svgId: string; label: string;
}) {
  const { t } = useI18n();
  const rows = Math.max(0, ...tiles.map((x) => x.row)) + 1;
  const cols = Math.max(0, ...tiles.map((x) => x.col)) + 1;
  const present = [...values.values()];
  const min = present.length ? Math.min(...present) : 0;
  const max = present.length ? Math.max(...present) : 0;
  const width = cols * (CELL + GAP);
  const height = rows * (CELL + GAP) + 30;
  return (
    <div className="cartogram">
      <svg id={svgId} xmlns="http://www.w3.org/2000/svg" viewBox={`0 0 ${width} ${height}`} role="group" aria-label={label}
        style={{ width: '100%', maxWidth: width * 1.4, height: 'auto' }}>
        <rect x={0} y={0} width={width} height={height} fill="#ffffff" />
        {tiles.map((tile) => {
          const v = values.get(tile.code);
          const b = bucketOf(v, min, max);
          const x = tile.col * (CELL + GAP);
          const y = tile.row * (CELL + GAP);
          const short = tile.name.replace(/^(PROVINSI|PROV\.)\s+/i, '');
          return (
            <a key={tile.code} href={`#/dasbor?wilayah=${tile.code}`} onClick={(e) => { e.preventDefault(); onPick(tile.code); }}
              aria-label={`${tile.name}: ${v === undefined ? '–' : format(v)}`} data-code={tile.code}>
              <title>{`${tile.name}: ${v === undefined ? '–' : format(v)}`}</title>
              <rect x={x} y={y} width={CELL} height={CELL} rx={4} fill={b < 0 ? '#eeeeee' : SCALE[b]} stroke="#ffffff" className="tile" />
              <text x={x + CELL / 2} y={y + 22} textAnchor="middle" fontSize={13} fontWeight={700} fill={b < 0 ? '#333333' : TEXT_ON[b]}>{tile.code}</text>
              <text x={x + CELL / 2} y={y + 40} textAnchor="middle" fontSize={9} fill={b < 0 ? '#333333' : TEXT_ON[b]}>{short.length > 11 ? `${short.slice(0, 10)}…` : short}</text>
            </a>
          );
        })}
        <g transform={`translate(0 ${rows * (CELL + GAP) + 6})`} aria-hidden="true">
          {SCALE.map((c, i) => (
            <g key={c} transform={`translate(${i * 90} 0)`}>
              <rect width={16} height={16} fill={c} stroke="#999999" />
              <text x={20} y={13} fontSize={11} fill="#222222">
                {format(min + ((max - min) * i) / SCALE.length)}+
              </text>
            </g>
          ))}
        </g>
      </svg>
      <p className="hint">{t('dash.mapHint')}</p>
    </div>
  );
}

/** An SVG element as a PNG data URL (drawn on a canvas through a blob: image). */
export async function svgToPng(svg: SVGSVGElement, scale = 2): Promise<string> {
  const box = svg.viewBox.baseVal;
  const xml = new XMLSerializer().serializeToString(svg);
  const url = URL.createObjectURL(new Blob([xml], { type: 'image/svg+xml;charset=utf-8' }));
  try {
    const img = new Image();
    await new Promise<void>((resolve, reject) => { img.onload = () => resolve(); img.onerror = () => reject(new Error('svg')); img.src = url; });
    const canvas = document.createElement('canvas');
    canvas.width = box.width * scale;
    canvas.height = box.height * scale;
    const ctx = canvas.getContext('2d')!;
    ctx.fillStyle = '#ffffff';
    ctx.fillRect(0, 0, canvas.width, canvas.height);
    ctx.drawImage(img, 0, 0, canvas.width, canvas.height);
    return canvas.toDataURL('image/png');
  } finally {
    URL.revokeObjectURL(url);
  }
}
