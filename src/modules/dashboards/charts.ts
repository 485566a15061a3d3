import { html, type SafeHtml } from '../../platform/views/html.js';

/**
 * Server-rendered SVG charts (issue 5 item 8): bars, columns and lines drawn here, without a charting library and
 * without JavaScript. Every chart is `<svg role="img" aria-labelledby="… …">` named by its <title> and described
 * by its <desc>; the page puts the same numbers in a data table beside it, so nothing is only in the picture.
 *
 * - Every label is text escaped by `html` (queue names come from the database).
 * - Colors are USWDS tokens set with presentation attributes (fill=, stroke=), never style= (the CSP has no
 *   'unsafe-inline'). Marks reach at least 3:1 against white (WCAG 1.4.11), text at least 4.5:1; a second series is
 *   also dashed with square markers, so color is never the only difference (WCAG 1.4.1).
 * - Numbers come formatted by the caller (Intl.NumberFormat of the page's language).
 */

/** USWDS design tokens (hex values of USWDS 3). */
export const CHART_COLORS = {
  /** ink: text, 16.1:1 on white */
  ink: '#1b1b1b',
  /** base: axis lines, 4.8:1 */
  axis: '#71767a',
  /** base-lighter: grid lines (decorative) */
  grid: '#dfe1e2',
  /** primary (blue-60v), 7.1:1; secondary-dark (red-vivid-60 #b50909), 6.4:1; accent-warm-darker (#775540), 6.6:1 */
  series: ['#005ea2', '#b50909', '#775540'] as const,
} as const;

const FONT = 'Source Sans Pro Web, Helvetica Neue, Helvetica, Roboto, Arial, sans-serif';
const WIDTH = 640;

export interface ChartBase {
  /** Unique on the page: the ids of <title> and <desc> derive from it. */
  id: string;
  title: string;
  /** The text alternative: what the chart shows, in a sentence or two. */
  desc: string;
  /** Formats a value for value labels and ticks (Intl.NumberFormat of the page's language). */
  format: (value: number) => string;
}

export interface BarDatum {
  label: string;
  value: number;
}

/** Rounds a coordinate to one decimal, to keep the markup small. */
const r1 = (n: number): number => Math.round(n * 10) / 10;

/** A rough width of a text in pixels at a font size (for the room left to labels; no font metrics on the server). */
export function textWidth(text: string, fontSize: number): number {
  return [...text].length * fontSize * 0.56;
}

/**
 * An axis from 0 to a "nice" maximum at or above `max` with 2 to 5 steps of 1, 2 or 5 times a power of ten
 * (integers only when `integers`). Zero or no data still gets an axis (0 to 1, or to 100 when fixed).
 */
export function niceScale(
  max: number,
  opts: { integers?: boolean; fixedMax?: number } = {},
): { max: number; ticks: number[] } {
  let top: number;
  let step: number;
  if (opts.fixedMax !== undefined) {
    top = opts.fixedMax;
    step = top / 4;
  } else {
    const m = Number.isFinite(max) && max > 0 ? max : 1;
    const raw = m / 4;
    const magnitude = 10 ** Math.floor(Math.log10(raw));
    const residual = raw / magnitude;
    step = (residual <= 1 ? 1 : residual <= 2 ? 2 : residual <= 5 ? 5 : 10) * magnitude;
    if (opts.integers) step = Math.max(1, Math.round(step));
    top = Math.ceil(m / step - 1e-9) * step;
  }
  const ticks: number[] = [];
  for (let i = 0; i <= Math.round(top / step); i++) ticks.push(r1(i * step * 1e6) / 1e6);
  return { max: top, ticks };
}

function frame(base: ChartBase, height: number, body: SafeHtml): SafeHtml {
  const titleId = `${base.id}-title`;
  const descId = `${base.id}-desc`;
  return html`<svg xmlns="http://www.w3.org/2000/svg" id="${base.id}" class="casedesk-chart" role="img" aria-labelledby="${titleId} ${descId}" viewBox="0 0 ${WIDTH} ${height}" width="100%" focusable="false" font-family="${FONT}" font-size="14" fill="${CHART_COLORS.ink}">
<title id="${titleId}">${base.title}</title>
<desc id="${descId}">${base.desc}</desc>
${body}
</svg>`;
}

/** Horizontal bars, one per label, the value at the end of each bar; for categories with long names (channels, queues). */
export function barChart(
  p: ChartBase & { data: readonly BarDatum[]; axisLabel: string; integers?: boolean },
): SafeHtml {
  const rowHeight = 32;
  const barHeight = 20;
  const top = 8;
  const labelRoom = Math.min(260, Math.max(80, Math.max(0, ...p.data.map((d) => textWidth(d.label, 14))) + 12));
  const valueRoom = 72;
  const plotWidth = WIDTH - labelRoom - valueRoom;
  const scale = niceScale(Math.max(0, ...p.data.map((d) => d.value)), { integers: p.integers });
  const x = (v: number) => labelRoom + (Math.max(0, v) / scale.max) * plotWidth;
  const plotBottom = top + Math.max(1, p.data.length) * rowHeight;
  const height = plotBottom + 52;
  const body = html`<g>${scale.ticks.map(
    (
      tick,
    ) => html`<line x1="${r1(x(tick))}" y1="${top}" x2="${r1(x(tick))}" y2="${plotBottom}" stroke="${CHART_COLORS.grid}" stroke-width="1"/>
<text x="${r1(x(tick))}" y="${plotBottom + 18}" text-anchor="middle" font-size="12">${p.format(tick)}</text>`,
  )}</g>
<g>${p.data.map((d, i) => {
    const y = top + i * rowHeight + (rowHeight - barHeight) / 2;
    const end = x(d.value);
    return html`<text x="${r1(labelRoom - 8)}" y="${r1(y + barHeight / 2)}" text-anchor="end" dominant-baseline="central">${d.label}</text>
<rect x="${labelRoom}" y="${r1(y)}" width="${r1(end - labelRoom)}" height="${barHeight}" fill="${CHART_COLORS.series[0]}"/>
<text x="${r1(end + 6)}" y="${r1(y + barHeight / 2)}" dominant-baseline="central" font-weight="bold">${p.format(d.value)}</text>`;
  })}</g>
<line x1="${labelRoom}" y1="${top}" x2="${labelRoom}" y2="${plotBottom}" stroke="${CHART_COLORS.axis}" stroke-width="1"/>
<line x1="${labelRoom}" y1="${plotBottom}" x2="${r1(labelRoom + plotWidth)}" y2="${plotBottom}" stroke="${CHART_COLORS.axis}" stroke-width="1"/>
<text x="${r1(labelRoom + plotWidth / 2)}" y="${plotBottom + 42}" text-anchor="middle">${p.axisLabel}</text>`;
  return frame(p, height, body);
}

/** The frame of the vertical charts: plot area, y grid, ticks and axis titles. */
interface VerticalFrame {
  left: number;
  top: number;
  plotWidth: number;
  plotHeight: number;
  y: (v: number) => number;
  /** The x of the middle of category i of n. */
  cx: (i: number) => number;
  band: number;
}

const PLOT_HEIGHT = 200;

function verticalFrame(
  p: ChartBase & { categories: readonly string[]; xAxisLabel: string; yAxisLabel: string },
  scale: { max: number; ticks: number[] },
  legendRoom: number,
  marks: (f: VerticalFrame) => SafeHtml,
  legend: SafeHtml | string,
): SafeHtml {
  const left = Math.max(48, Math.max(...scale.ticks.map((t) => textWidth(p.format(t), 12))) + 34);
  const top = 24 + legendRoom;
  const plotWidth = WIDTH - left - 16;
  const plotHeight = PLOT_HEIGHT;
  const n = Math.max(1, p.categories.length);
  const band = plotWidth / n;
  const f: VerticalFrame = {
    left,
    top,
    plotWidth,
    plotHeight,
    band,
    y: (v) => top + plotHeight - (Math.max(0, Math.min(v, scale.max)) / scale.max) * plotHeight,
    cx: (i) => left + band * i + band / 2,
  };
  // Category labels: every one when they fit, else every k-th (the table has them all).
  const every = Math.max(1, Math.ceil(Math.max(0, ...p.categories.map((c) => textWidth(c, 12))) / (band - 4)));
  const bottom = top + plotHeight;
  const height = bottom + 56;
  const body = html`${legend}
<g>${scale.ticks.map(
    (
      tick,
    ) => html`<line x1="${r1(left)}" y1="${r1(f.y(tick))}" x2="${r1(left + plotWidth)}" y2="${r1(f.y(tick))}" stroke="${CHART_COLORS.grid}" stroke-width="1"/>
<text x="${r1(left - 6)}" y="${r1(f.y(tick))}" text-anchor="end" dominant-baseline="central" font-size="12">${p.format(tick)}</text>`,
  )}</g>
${marks(f)}
<line x1="${r1(left)}" y1="${top}" x2="${r1(left)}" y2="${bottom}" stroke="${CHART_COLORS.axis}" stroke-width="1"/>
<line x1="${r1(left)}" y1="${bottom}" x2="${r1(left + plotWidth)}" y2="${bottom}" stroke="${CHART_COLORS.axis}" stroke-width="1"/>
<g>${p.categories.map((c, i) => ((p.categories.length - 1 - i) % every === 0 ? html`<text x="${r1(f.cx(i))}" y="${bottom + 18}" text-anchor="middle" font-size="12">${c}</text>` : ''))}</g>
<text x="${r1(left + plotWidth / 2)}" y="${bottom + 44}" text-anchor="middle">${p.xAxisLabel}</text>
<text x="0" y="0" transform="translate(14 ${r1(top + plotHeight / 2)}) rotate(-90)" text-anchor="middle">${p.yAxisLabel}</text>`;
  return frame(p, height, body);
}

/** Vertical columns over categories (weekdays, weeks), the value above each column. */
export function columnChart(
  p: ChartBase & { data: readonly BarDatum[]; xAxisLabel: string; yAxisLabel: string; integers?: boolean },
): SafeHtml {
  const scale = niceScale(Math.max(0, ...p.data.map((d) => d.value)), { integers: p.integers });
  const categories = p.data.map((d) => d.label);
  return verticalFrame(
    { ...p, categories },
    scale,
    0,
    (f) => {
      const width = Math.min(56, f.band * 0.6);
      const bottom = f.top + f.plotHeight;
      const labels = p.data.every((d) => textWidth(p.format(d.value), 12) <= f.band - 2);
      return html`<g>${p.data.map((d, i) => {
        const y = f.y(d.value);
        return html`<rect x="${r1(f.cx(i) - width / 2)}" y="${r1(y)}" width="${r1(width)}" height="${r1(bottom - y)}" fill="${CHART_COLORS.series[0]}"/>
${labels ? html`<text x="${r1(f.cx(i))}" y="${r1(y - 6)}" text-anchor="middle" font-size="12" font-weight="bold">${p.format(d.value)}</text>` : ''}`;
      })}</g>`;
    },
    '',
  );
}

export interface LineSeries {
  name: string;
  /** One value per category; null where there is nothing to show (the line breaks there). */
  values: readonly (number | null)[];
}

function marker(kind: number, x: number, y: number, color: string): SafeHtml {
  if (kind === 1) return html`<rect x="${r1(x - 4)}" y="${r1(y - 4)}" width="8" height="8" fill="${color}"/>`;
  if (kind === 2)
    return html`<path d="M${r1(x)} ${r1(y - 5)}L${r1(x + 5)} ${r1(y)}L${r1(x)} ${r1(y + 5)}L${r1(x - 5)} ${r1(y)}Z" fill="${color}"/>`;
  return html`<circle cx="${r1(x)}" cy="${r1(y)}" r="4" fill="${color}"/>`;
}

/** Lines over categories (weeks), one per series, with a legend when there are several and value labels at the points. */
export function lineChart(
  p: ChartBase & {
    categories: readonly string[];
    series: readonly LineSeries[];
    xAxisLabel: string;
    yAxisLabel: string;
    fixedMax?: number;
    integers?: boolean;
  },
): SafeHtml {
  const values = p.series.flatMap((s) => s.values.filter((v): v is number => v !== null));
  const scale = niceScale(Math.max(0, ...values), { fixedMax: p.fixedMax, integers: p.integers });
  const several = p.series.length > 1;
  const legend = several
    ? html`<g>${p.series.map((s, k) => {
        const x = 60 + k * 220;
        const color = CHART_COLORS.series[k % CHART_COLORS.series.length]!;
        return html`<line x1="${x}" y1="12" x2="${x + 28}" y2="12" stroke="${color}" stroke-width="2.5"${k % 2 ? html` stroke-dasharray="6 4"` : ''}/>${marker(k % 3, x + 14, 12, color)}<text x="${x + 36}" y="12" dominant-baseline="central">${s.name}</text>`;
      })}</g>`
    : '';
  return verticalFrame(
    p,
    scale,
    several ? 24 : 0,
    (f) => {
      const labels = p.categories.length <= 16;
      return html`${p.series.map((s, k) => {
        const color = CHART_COLORS.series[k % CHART_COLORS.series.length]!;
        // Runs of consecutive values: a null breaks the line.
        const runs: { i: number; v: number }[][] = [];
        let run: { i: number; v: number }[] = [];
        s.values.forEach((v, i) => {
          if (v === null) {
            if (run.length) runs.push(run);
            run = [];
          } else run.push({ i, v });
        });
        if (run.length) runs.push(run);
        return html`<g>${runs.map((points) =>
          points.length > 1
            ? html`<polyline points="${points.map((pt) => `${r1(f.cx(pt.i))},${r1(f.y(pt.v))}`).join(' ')}" fill="none" stroke="${color}" stroke-width="2.5" stroke-linejoin="round"${k % 2 ? html` stroke-dasharray="6 4"` : ''}/>`
            : '',
        )}
${runs
  .flat()
  .map(
    (pt) =>
      html`${marker(k % 3, f.cx(pt.i), f.y(pt.v), color)}${labels ? html`<text x="${r1(f.cx(pt.i))}" y="${r1(f.y(pt.v) + (k % 2 ? 18 : -9))}" text-anchor="middle" font-size="12" fill="${color}">${p.format(pt.v)}</text>` : ''}`,
  )}</g>`;
      })}`;
    },
    legend,
  );
}
