import {
  type AccountStatus,
  type CheckStats,
  type CheckStatus,
  type CheckType,
  checkTypes,
  type CrmSummary,
  get,
  type HistoryPage,
  query,
  type StatsAnswer,
  type StreamStatusUpdate,
} from "./api";
import { CheckChart, seriesFrom } from "./charts";
import { renderCrm } from "./crm";
import { byId, duration, el, ms, number, percent } from "./format";
import { t } from "./i18n";
import { IncidentsPanel } from "./incidents";
import { Panel } from "./panel";
import { orderChecks, renderTile, tick, tileStatus } from "./tiles";

export type Range = "1h" | "24h" | "7d" | "30d";
export const ranges: Range[] = ["1h", "24h", "7d", "30d"];

// Each range is read at a resolution that gives a smooth chart of at most 1,440 points per check:
// raw results for an hour, minute rollups for a day, hour rollups for a week or a month.
const plans: Record<Range, { hours: number; resolution: string }> = {
  "1h": { hours: 1, resolution: "raw" },
  "24h": { hours: 24, resolution: "minute" },
  "7d": { hours: 168, resolution: "hour" },
  "30d": { hours: 720, resolution: "hour" },
};

// Stats, charts and incidents are re-read calmly; tiles change with every pushed result.
const refreshMs = 60_000;
const crmRefreshMs = 10_000;

/** The monitoring page of one account: tiles, stats, charts, incidents and the CRM sync card. */
export class Monitor {
  private account = "";
  private range: Range = "24h";
  private status = new Map<CheckType, CheckStatus>();
  private uptime24h = new Map<CheckType, number | null>();
  private rangeStats = new Map<CheckType, CheckStats>();
  private charts = new Map<CheckType, CheckChart>();
  private readonly tilesPanel: Panel;
  private readonly statsPanel: Panel;
  private readonly crmPanel: Panel;
  private readonly incidents: IncidentsPanel;
  private readonly chartsRoot = byId("charts");
  private refreshTimer: number | undefined;
  private crmTimer: number | undefined;
  private incidentsTimer: number | undefined;
  private generation = 0;

  constructor() {
    this.tilesPanel = new Panel(byId("tiles"), () => void this.loadStatus());
    this.statsPanel = new Panel(byId("stats"), () => void this.loadRange());
    this.crmPanel = new Panel(byId("crm"), () => void this.loadCrm());
    this.incidents = new IncidentsPanel(byId("incidents"));
    window.setInterval(() => {
      const now = Date.now();
      tick(this.tilesPanel.root, now);
      this.incidents.tick(now);
    }, 1_000);
    document.addEventListener("visibilitychange", () => {
      if (document.visibilityState === "visible" && this.account) {
        this.refresh();
      }
    });
  }

  /** Shows an account over a range; everything is re-read. */
  show(account: string, range: Range): void {
    const accountChanged = account !== this.account;
    this.account = account;
    this.range = range;
    this.generation++;
    if (accountChanged) {
      this.status.clear();
      this.uptime24h.clear();
      this.tilesPanel.reset();
      this.crmPanel.reset();
    }
    this.rangeStats.clear();
    this.statsPanel.reset();
    this.resetCharts();
    void this.loadStatus();
    void this.loadRange();
    void this.loadCrm();
    void this.incidents.load(account);
    this.schedule();
  }

  /** Re-reads everything once, e.g. after the live stream came back: what it missed is in the answers. */
  refresh(): void {
    void this.loadStatus();
    void this.loadRange();
    void this.loadCrm();
    void this.incidents.load(this.account);
    this.schedule();
  }

  stop(): void {
    window.clearInterval(this.refreshTimer);
    window.clearInterval(this.crmTimer);
    window.clearTimeout(this.incidentsTimer);
    this.account = "";
  }

  /** A pushed check result: the tile changes at once; a changed status also brings the incidents up to date. */
  onUpdate(update: StreamStatusUpdate): void {
    if (update.account !== this.account) {
      return;
    }
    const previous = this.status.get(update.checkType);
    const check: CheckStatus = { checkType: update.checkType, ...update.data };
    this.status.set(update.checkType, check);
    this.renderTiles(update.checkType);
    if (this.range === "1h" && update.data.lastCheck && update.data.responseTime !== null) {
      this.charts.get(update.checkType)?.append(Date.parse(update.data.lastCheck) / 1000, update.data.responseTime, update.data.status === "down", 3600);
    }
    if (!previous || previous.status !== check.status) {
      this.followIncidents(0);
    }
  }

  // A probe pushes its status before it writes the incident it opens or closes, so a list read at once may trail the
  // tiles: it is read again, later each time, until a down check has an open incident and an up check has none.
  private followIncidents(attempt: number): void {
    window.clearTimeout(this.incidentsTimer);
    const account = this.account;
    this.incidentsTimer = window.setTimeout(() => {
      void this.incidents.load(account).then(() => {
        if (account === this.account && attempt < 4 && !this.incidentsMatchTiles()) {
          this.followIncidents(attempt + 1);
        }
      });
    }, 1_500 * 2 ** attempt);
  }

  private incidentsMatchTiles(): boolean {
    const open = this.incidents.openChecks();
    for (const check of this.status.values()) {
      if (check.status === "down" && !open.has(check.checkType)) {
        return false;
      }
      if (check.status === "up" && open.has(check.checkType)) {
        return false;
      }
    }
    return true;
  }

  /** Redraws what depends on the language or the theme. */
  redraw(): void {
    this.renderTiles();
    this.renderStats();
    this.incidents.render();
    this.resetCharts();
    void this.loadRange();
    void this.loadCrm();
  }

  private schedule(): void {
    window.clearInterval(this.refreshTimer);
    window.clearInterval(this.crmTimer);
    const visible = () => document.visibilityState === "visible";
    this.refreshTimer = window.setInterval(() => {
      if (visible()) {
        void this.loadUptime();
        void this.loadRange();
        void this.incidents.load(this.account);
      }
    }, refreshMs);
    this.crmTimer = window.setInterval(() => visible() && void this.loadCrm(), crmRefreshMs);
  }

  private async loadStatus(): Promise<void> {
    const generation = this.generation;
    this.tilesPanel.loading();
    try {
      const [status, stats] = await Promise.all([
        get<AccountStatus>(query("/api/status", { account: this.account })),
        get<StatsAnswer>(query("/api/stats", { account: this.account, hours: 24 })),
      ]);
      if (generation !== this.generation) {
        return;
      }
      for (const check of status.checks) {
        this.status.set(check.checkType, check);
      }
      for (const check of stats.checks) {
        this.uptime24h.set(check.checkType, check.uptime);
      }
      this.tilesPanel.fresh();
      this.renderTiles();
    } catch (error) {
      this.tilesPanel.failed(error);
    }
  }

  /** The tiles' 24 h uptime, which no pushed result carries. */
  private async loadUptime(): Promise<void> {
    const generation = this.generation;
    try {
      const stats = await get<StatsAnswer>(query("/api/stats", { account: this.account, hours: 24 }));
      if (generation !== this.generation) {
        return;
      }
      for (const check of stats.checks) {
        this.uptime24h.set(check.checkType, check.uptime);
      }
      this.renderTiles();
    } catch (error) {
      this.tilesPanel.failed(error);
    }
  }

  private async loadRange(): Promise<void> {
    const generation = this.generation;
    const plan = plans[this.range];
    try {
      const statsRequest = get<StatsAnswer>(query("/api/stats", { account: this.account, hours: plan.hours }));
      const pages = Promise.all(
        checkTypes.map((checkType) =>
          get<HistoryPage>(query("/api/history", { account: this.account, hours: plan.hours, checkType, resolution: plan.resolution, pageSize: 5000 })),
        ),
      );
      const [stats, histories] = await Promise.all([statsRequest, pages]);
      if (generation !== this.generation) {
        return;
      }
      this.rangeStats = new Map(stats.checks.map((check) => [check.checkType, check]));
      this.statsPanel.fresh();
      this.renderStats();
      const shown = checkTypes.filter((checkType, index) => this.status.has(checkType) || histories[index]!.results?.length || histories[index]!.buckets?.length);
      checkTypes.forEach((checkType, index) => {
        if (!shown.includes(checkType)) {
          return;
        }
        let chart = this.charts.get(checkType);
        if (!chart) {
          chart = new CheckChart(checkType);
          this.charts.set(checkType, chart);
          this.chartsRoot.append(chart.card);
        }
        chart.update(seriesFrom(histories[index]!), this.rangeStats.get(checkType));
      });
      this.chartsRoot.dataset.shownRange = this.range;
    } catch (error) {
      this.statsPanel.failed(error);
    }
  }

  private async loadCrm(): Promise<void> {
    const generation = this.generation;
    try {
      const summary = await get<CrmSummary>(query("/api/amocrm/status", { account: this.account }));
      if (generation !== this.generation) {
        return;
      }
      this.crmPanel.fresh();
      this.crmPanel.show(...renderCrm(summary));
    } catch (error) {
      this.crmPanel.failed(error);
    }
  }

  private resetCharts(): void {
    for (const chart of this.charts.values()) {
      chart.dispose();
    }
    this.charts.clear();
    this.chartsRoot.replaceChildren();
  }

  private renderTiles(only?: CheckType): void {
    const root = this.tilesPanel.root;
    const checks = orderChecks([...this.status.values()], checkTypes);
    if (checks.length === 0) {
      this.tilesPanel.empty(t("noChecksYet"));
      return;
    }
    const now = Date.now();
    const existing = only ? root.querySelector<HTMLElement>(`.tile[data-check="${only}"]`) : null;
    if (only && existing) {
      const check = this.status.get(only)!;
      const tile = renderTile(check, this.uptime24h.get(only), now);
      if (existing.dataset.status !== tileStatus(check)) {
        tile.classList.add("tile-changed");
      } else {
        tile.classList.add("tile-pulse");
      }
      existing.replaceWith(tile);
      root.dataset.summary = summary(this.status);
      return;
    }
    this.tilesPanel.show(...checks.map((check) => renderTile(check, this.uptime24h.get(check.checkType), now)));
    root.dataset.summary = summary(this.status);
  }

  private renderStats(): void {
    if (this.rangeStats.size === 0) {
      return;
    }
    const rows = checkTypes.map((checkType) => this.rangeStats.get(checkType)).filter((row): row is CheckStats => row !== undefined);
    if (rows.every((row) => row.totalChecks === 0)) {
      this.statsPanel.empty(t("noStats"));
      return;
    }
    const head = el(
      "tr",
      undefined,
      ...[t("check"), t("uptime"), t("avg"), t("p50"), t("p95"), t("p99"), t("checksCount"), t("incidentsCount"), t("downtime"), t("mttr")].map((label) => el("th", undefined, label)),
    );
    const body = rows.map((row) => {
      const tr = el(
        "tr",
        undefined,
        el("th", undefined, el("span", "tile-code", row.checkType), " ", el("span", "stats-name", t(`check.${row.checkType}`))),
        el("td", uptimeClass(row.uptime), percent(row.uptime)),
        el("td", undefined, ms(row.avgResponseTime)),
        el("td", undefined, ms(row.p50)),
        el("td", undefined, ms(row.p95)),
        el("td", undefined, ms(row.p99)),
        el("td", undefined, number(row.totalChecks)),
        el("td", undefined, number(row.incidentCount)),
        el("td", undefined, row.totalDowntime > 0 ? duration(row.totalDowntime) : t("none")),
        el("td", undefined, row.mttr !== null ? duration(row.mttr) : t("none")),
      );
      tr.dataset.check = row.checkType;
      return tr;
    });
    this.statsPanel.show(el("div", "table-scroll", el("table", "stats-table", el("thead", undefined, head), el("tbody", undefined, ...body))));
  }
}

function uptimeClass(uptime: number | null): string {
  if (uptime === null) {
    return "";
  }
  return uptime >= 99.9 ? "good" : uptime >= 99 ? "fair" : "bad";
}

function summary(status: Map<CheckType, CheckStatus>): string {
  return [...status.values()].map((check) => `${check.checkType}:${tileStatus(check)}`).join(" ");
}
