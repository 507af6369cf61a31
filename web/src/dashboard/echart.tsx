/**
 * ECharts, tree-shaken to the charts the dashboard uses, wrapped for React, with CSV
 * (built here from the chart's own rows) and PNG (getDataURL) downloads and a data table.
 */
import { forwardRef, useEffect, useImperativeHandle, useRef, type ReactNode } from 'react';
import * as echarts from 'echarts/core';
import { BarChart, TreemapChart } from 'echarts/charts';
import { AriaComponent, GridComponent, LegendComponent, TooltipComponent } from 'echarts/components';
import { CanvasRenderer } from 'echarts/renderers';
import type { ComposeOption } from 'echarts/core';
import type { BarSeriesOption, TreemapSeriesOption } from 'echarts/charts';
import type { GridComponentOption, LegendComponentOption, TooltipComponentOption, AriaComponentOption } from 'echarts/components';
import { useI18n } from '../i18n';
import { downloadBlob, downloadDataUrl, toCsv } from '../ui';

echarts.use([BarChart, TreemapChart, GridComponent, TooltipComponent, LegendComponent, AriaComponent, CanvasRenderer]);

export type ChartOption = ComposeOption<BarSeriesOption | TreemapSeriesOption | GridComponentOption | LegendComponentOption | TooltipComponentOption | AriaComponentOption>;

export interface ChartHandle {
  png(): string | undefined;
}

interface EChartProps {
  option: ChartOption;
  height?: number;
  label: string;
  onClick?(params: { data?: unknown; name?: string }): void;
}

export const EChart = forwardRef<ChartHandle, EChartProps>(function EChart({ option, height = 300, label, onClick }, ref) {
  const el = useRef<HTMLDivElement>(null);
  const chart = useRef<echarts.ECharts | undefined>(undefined);
  const click = useRef(onClick);
  click.current = onClick;

  useEffect(() => {
    const c = echarts.init(el.current!, undefined, { renderer: 'canvas' });
    chart.current = c;
    c.on('click', (p) => click.current?.(p as { data?: unknown; name?: string }));
    const ro = new ResizeObserver(() => c.resize());
    ro.observe(el.current!);
    return () => { ro.disconnect(); c.dispose(); chart.current = undefined; };
  }, []);

  useEffect(() => {
    chart.current?.setOption({ aria: { enabled: true }, animationDuration: 300, ...option }, { notMerge: true });
  }, [option]);

  useImperativeHandle(ref, () => ({
    png: () => chart.current?.getDataURL({ type: 'png', pixelRatio: 2, backgroundColor: '#ffffff' }),
  }), []);

  return <div ref={el} className="echart" style={{ height }} role="img" aria-label={label} />;
});

export type Rows = Array<Array<string | number | null>>;

/** A chart card: title, the chart, CSV/PNG downloads and the same data as a table. */
export function ChartCard({ id, title, rows, fileName, children, png }: {
  id: string; title: string; rows: Rows; fileName: string; children: ReactNode; png(): string | undefined | Promise<string | undefined>;
}) {
  const { t } = useI18n();
  const [head, ...body] = rows;
  return (
    <section className="card chart-card" aria-labelledby={`${id}-h`} data-chart={id}>
      <div className="chart-head">
        <h2 id={`${id}-h`}>{title}</h2>
        <div className="actions">
          <button type="button" className="btn btn-small" data-download="csv"
            onClick={() => downloadBlob(`${fileName}.csv`, new Blob([toCsv(rows)], { type: 'text/csv;charset=utf-8' }))}>{t('common.downloadCsv')}</button>
          <button type="button" className="btn btn-small" data-download="png"
            onClick={async () => { const url = await png(); if (url) downloadDataUrl(`${fileName}.png`, url); }}>{t('common.downloadPng')}</button>
        </div>
      </div>
      {children}
      <details>
        <summary>{t('dash.table')}</summary>
        <div className="table-wrap">
          <table className="table table-compact">
            <thead><tr>{head?.map((h, i) => <th key={i} scope="col">{h}</th>)}</tr></thead>
            <tbody>{body.map((r, i) => <tr key={i}>{r.map((c, j) => (j === 0 ? <th key={j} scope="row">{c}</th> : <td key={j}>{c}</td>))}</tr>)}</tbody>
          </table>
        </div>
      </details>
    </section>
  );
}
