import { get, type Incident, type MaintenanceWindow, nextLink, query, request } from "./api";
import { dateTime, duration, el } from "./format";
import { t } from "./i18n";
import { Panel } from "./panel";
import { reason } from "./reasons";

const pageSize = 20;
const muteLength = 60 * 60 * 1000;

/**
 * The incident history: open incidents on top, then the closed ones newest first, paged with the Link header. An open
 * incident offers "mute 1 h", which makes a one-hour maintenance window for the account; while one-off windows cover
 * now, open incidents say until when alerts are muted instead.
 */
export class IncidentsPanel {
  private readonly panel: Panel;
  private open: Incident[] = [];
  private closed: Incident[] = [];
  private next: string | null = null;
  private mutedUntil: number | null = null;
  private account = "";
  private generation = 0;

  constructor(root: HTMLElement) {
    this.panel = new Panel(root, () => void this.load(this.account));
  }

  async load(account: string): Promise<void> {
    const generation = ++this.generation;
    if (account !== this.account) {
      this.account = account;
      this.panel.reset();
    }
    try {
      const [open, page, maintenance] = await Promise.all([
        get<Incident[]>(query("/api/incidents", { account, open: "true", limit: 100 })),
        request<Incident[]>("GET", query("/api/incidents", { account, limit: pageSize })),
        get<{ windows: MaintenanceWindow[] }>(query("/api/maintenance", { account })),
      ]);
      if (generation !== this.generation) {
        return;
      }
      this.mutedUntil = mutedUntil(maintenance.windows, Date.now());
      this.open = open;
      this.closed = page.body.filter((incident) => !incident.open);
      this.next = nextLink(page.response);
      this.panel.fresh();
      this.render();
    } catch (error) {
      this.panel.failed(error);
    }
  }

  /** The check types with an open incident, as last loaded. */
  openChecks(): Set<string> {
    return new Set(this.open.map((incident) => incident.checkType));
  }

  private async more(button: HTMLButtonElement): Promise<void> {
    if (!this.next) {
      return;
    }
    button.disabled = true;
    try {
      const page = await request<Incident[]>("GET", this.next);
      this.closed.push(...page.body.filter((incident) => !incident.open && !this.closed.some((known) => known.id === incident.id)));
      this.next = nextLink(page.response);
      this.render();
    } catch (error) {
      button.disabled = false;
      this.panel.failed(error);
    }
  }

  /** Makes a one-hour maintenance window for the account, from now. */
  private async mute(button: HTMLButtonElement): Promise<void> {
    button.disabled = true;
    const from = Date.now();
    try {
      await request("POST", "/api/maintenance", {
        account: this.account,
        from: new Date(from).toISOString(),
        to: new Date(from + muteLength).toISOString(),
        reason: t("mutedFromDashboard"),
      });
      this.mutedUntil = Math.max(this.mutedUntil ?? 0, from + muteLength);
      this.render();
    } catch (error) {
      button.disabled = false;
      this.panel.failed(error);
    }
  }

  render(): void {
    if (this.open.length === 0 && this.closed.length === 0) {
      this.panel.empty(t("noIncidents"));
      return;
    }
    const now = Date.now();
    const list = el("ol", "incident-list");
    for (const incident of [...this.open, ...this.closed]) {
      list.append(row(incident, now, incident.open ? this.muteControl() : null));
    }
    const content: Node[] = [list];
    if (this.next) {
      const button = el("button", "button more", t("loadMore"));
      button.type = "button";
      button.dataset.testid = "more-incidents";
      button.addEventListener("click", () => void this.more(button));
      content.push(button);
    }
    this.panel.show(...content);
  }

  /** What an open incident offers: the mute button, or until when alerts are muted. */
  private muteControl(): HTMLElement {
    if (this.mutedUntil !== null && this.mutedUntil > Date.now()) {
      const muted = el("span", "badge badge-muted", `${t("mutedUntil")} ${dateTime(new Date(this.mutedUntil).toISOString())}`);
      muted.dataset.testid = "muted";
      return muted;
    }
    const button = el("button", "button small", t("mute1h"));
    button.type = "button";
    button.dataset.testid = "mute-incident";
    button.addEventListener("click", () => void this.mute(button));
    return button;
  }

  /** Open incidents' durations grow every second. */
  tick(now: number): void {
    for (const element of this.panel.root.querySelectorAll<HTMLElement>("[data-started]")) {
      element.textContent = duration(now - Date.parse(element.dataset.started!));
    }
  }
}

/** The latest end of the one-off windows covering now, or null; recurring windows are left to the server. */
function mutedUntil(windows: MaintenanceWindow[], now: number): number | null {
  const ends = windows
    .filter((window) => window.from !== null && window.to !== null && Date.parse(window.from) <= now && Date.parse(window.to) > now)
    .map((window) => Date.parse(window.to!));
  return ends.length === 0 ? null : Math.max(...ends);
}

function row(incident: Incident, now: number, mute: HTMLElement | null): HTMLElement {
  const length = el("span", "incident-duration", duration(incident.open ? now - Date.parse(incident.startTime) : incident.duration));
  if (incident.open) {
    length.dataset.started = incident.startTime;
  }
  const state = incident.open
    ? el("span", "pill pill-down", el("span", "pill-dot"), t("ongoing"))
    : el("span", "pill pill-closed", incident.endTime ? dateTime(incident.endTime) : "");
  const item = el(
    "li",
    `incident${incident.open ? " incident-open" : ""}`,
    el("span", "incident-check", incident.checkType),
    el("span", "incident-when", el("span", "incident-name", t(`check.${incident.checkType}`)), el("time", "incident-start", dateTime(incident.startTime))),
    state,
    length,
    el(
      "span",
      "incident-details",
      el("span", "incident-reason", reason(incident.errorCode, incident.httpStatus)),
      incident.acknowledged ? el("span", "badge", t("acknowledged")) : null,
      incident.maintenance ? el("span", "badge badge-maintenance", t("maintenance")) : null,
      mute,
    ),
  );
  item.dataset.testid = "incident";
  item.dataset.open = String(incident.open);
  item.dataset.check = incident.checkType;
  return item;
}
