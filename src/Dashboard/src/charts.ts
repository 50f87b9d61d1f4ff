import uPlot from "uplot";
import type { CheckStats, CheckType, HistoryPage } from "./api";
import { el, ms, number } from "./format";
import { lang, t } from "./i18n";

/** What one check's chart shows: times (unix seconds), response times, the buckets' p95 and the failures. */
export interface Series {
  from: number;
  to: number;
  x: number[];
  value: number[];
  bucketP95: (number | null)[] | null;
  down: (number | null)[];
}

export function seriesFrom(page: HistoryPage): Series {
  const from = Date.parse(page.from) / 1000;
  const to = Date.parse(page.to) / 1000;
  if (page.results) {
    const results = [...page.results].reverse();
    return {
      from,
      to,
      x: results.map((r) => Date.parse(r.timestamp) / 1000),
      value: results.map((r) => r.responseTime),
      bucketP95: null,
      down: results.map((r) => (r.status === "down" ? r.responseTime : null)),
    };
  }
  const buckets = [...(page.buckets ?? [])].reverse();
  return {
    from,
    to,
    x: buckets.map((b) => Date.parse(b.bucketStart) / 1000),
    value: buckets.map((b) => Math.round(b.avg)),
    bucketP95: buckets.map((b) => b.p95),
    down: buckets.map((b) => (b.down > 0 ? Math.round(b.avg) : null)),
  };
}

function cssVar(name: string): string {
  return getComputedStyle(document.documentElement).getPropertyValue(name).trim();
}

/** One check's response-time chart (uPlot), with the range's p95 and p99 as dashed lines. */
export class CheckChart {
  readonly card: HTMLElement;
  private readonly plotHost: HTMLElement;
  private readonly summary: HTMLElement;
  private plot: uPlot | null = null;
  private series: Series = { from: 0, to: 0, x: [], value: [], bucketP95: null, down: [] };
  private readonly legend: HTMLElement;
  private stats: CheckStats | undefined;
  private readonly resize = new ResizeObserver(() => this.fit());

  constructor(readonly checkType: CheckType) {
    this.summary = el("span", "chart-summary");
    this.plotHost = el("div", "chart-plot");
    this.legend = el("div", "chart-legend");
    this.card = el(
      "article",
      "card chart-card",
      el("header", "chart-head", el("h3", undefined, `${checkType} · ${t(`check.${checkType}`)}`), this.summary),
      this.plotHost,
      this.legend,
    );
    this.card.dataset.check = checkType;
    this.card.dataset.testid = "chart";
    this.resize.observe(this.plotHost);
  }

  update(series: Series, stats: CheckStats | undefined): void {
    this.series = series;
    this.stats = stats;
    this.draw();
  }

  /** Adds one live result to a raw chart, dropping points older than the range. */
  append(timestamp: number, value: number, down: boolean, windowSeconds: number): void {
    if (this.series.bucketP95 !== null) {
      return;
    }
    const { x, value: values, down: downs } = this.series;
    if (x.length > 0 && timestamp <= x[x.length - 1]!) {
      return;
    }
    x.push(timestamp);
    values.push(value);
    downs.push(down ? value : null);
    this.series.to = Math.max(this.series.to, timestamp);
    this.series.from = this.series.to - windowSeconds;
    while (x.length > 0 && x[0]! < this.series.from) {
      x.shift();
      values.shift();
      downs.shift();
    }
    this.card.dataset.points = String(x.length);
    if (this.plot) {
      this.plot.setData(this.data());
    } else {
      this.draw();
    }
  }

  private data(): uPlot.AlignedData {
    return [this.series.x, this.series.value, this.series.bucketP95 ?? this.series.x.map(() => null), this.series.down];
  }

  /** Draws from scratch: after new data, a theme change or a language change. */
  draw(): void {
    const points = this.series.x.length;
    this.card.dataset.points = String(points);
    this.summary.textContent = this.stats ? `p95 ${ms(this.stats.p95)} · p99 ${ms(this.stats.p99)}` : "";
    this.plot?.destroy();
    this.plot = null;
    if (points === 0) {
      this.legend.replaceChildren();
      this.plotHost.replaceChildren(el("p", "state state-empty", t("noChartData")));
      return;
    }
    const rollups = this.series.bucketP95 !== null;
    const keys = [key("line", rollups ? t("avgPerBucket") : t("responseTime"))];
    if (rollups) {
      keys.push(key("line-thin", t("p95PerBucket")));
    }
    keys.push(key("dashed", `p95 ${t("ofRange")}`), key("dotted", `p99 ${t("ofRange")}`), key("dot", t("down")));
    this.legend.replaceChildren(...keys);
    this.plotHost.replaceChildren();
    const accent = cssVar("--accent");
    const text = cssVar("--muted");
    const grid = cssVar("--grid");
    const warn = cssVar("--warning");
    const bad = cssVar("--down");
    const p95 = this.stats?.p95 ?? null;
    const p99 = this.stats?.p99 ?? null;
    const axis = { stroke: text, grid: { stroke: grid, width: 1 }, ticks: { stroke: grid, width: 1 } };
    // The range's p95 and p99 span the whole plot as dashed lines, whatever part of the range has data.
    const reference = (u: uPlot, value: number | null, color: string, dash: number[]) => {
      if (value === null) {
        return;
      }
      const y = Math.round(u.valToPos(value, "y", true));
      const context = u.ctx;
      context.save();
      context.strokeStyle = color;
      context.lineWidth = 1.25 * devicePixelRatio;
      context.setLineDash(dash.map((d) => d * devicePixelRatio));
      context.beginPath();
      context.moveTo(u.bbox.left, y);
      context.lineTo(u.bbox.left + u.bbox.width, y);
      context.stroke();
      context.restore();
    };
    this.plot = new uPlot(
      {
        width: Math.max(this.plotHost.clientWidth, 200),
        height: 190,
        cursor: { drag: { x: false, y: false } },
        legend: { show: false },
        scales: {
          x: { time: true, range: () => [this.series.from, this.series.to] },
          y: { range: (_u, _min, max) => [0, Math.max(10, max, p99 ?? 0, p95 ?? 0) * 1.15] },
        },
        axes: [
          { ...axis, values: (_u, values) => values.map((v) => tickTime(v, this.series.to - this.series.from)) },
          { ...axis, size: 58, values: (_u, values) => values.map((v) => tickMs(v)) },
        ],
        series: [
          {},
          { label: t("responseTime"), stroke: accent, width: 1.5, fill: `${accent}22`, points: { show: points < 3, size: 5, fill: accent } },
          { label: t("p95PerBucket"), stroke: warn, width: 1, show: rollups, points: { show: false } },
          { label: t("down"), stroke: bad, paths: () => null, points: { show: true, size: 7, fill: bad, stroke: bad } },
        ],
        hooks: {
          draw: [
            (u) => {
              reference(u, p95, warn, [6, 4]);
              reference(u, p99, bad, [2, 4]);
            },
          ],
        },
      },
      this.data(),
      this.plotHost,
    );
  }

  private fit(): void {
    if (this.plot && this.plotHost.clientWidth > 0 && Math.abs(this.plot.width - this.plotHost.clientWidth) > 2) {
      this.plot.setSize({ width: this.plotHost.clientWidth, height: 190 });
    }
  }

  dispose(): void {
    this.resize.disconnect();
    this.plot?.destroy();
  }
}

function key(kind: string, label: string): HTMLElement {
  return el("span", "legend-key", el("span", `swatch swatch-${kind}`), label);
}

/** Axis times: hours and minutes within a day, the date beyond. */
function tickTime(seconds: number, span: number): string {
  const date = new Date(seconds * 1000);
  const locale = lang() === "ru" ? "ru-RU" : "en-GB";
  return span <= 26 * 3600
    ? date.toLocaleTimeString(locale, { hour: "2-digit", minute: "2-digit" })
    : date.toLocaleDateString(locale, { day: "numeric", month: "short" });
}

/** Axis response times, short: 250 ms, 1.5 s. */
function tickMs(value: number): string {
  return value >= 1000 ? t("s", { n: number(value / 1000, value % 1000 === 0 ? 0 : 1) }) : t("ms", { n: Math.round(value) });
}
