import { get, type Incident, nextLink, query, request } from "./api";
import { dateTime, duration, el } from "./format";
import { t } from "./i18n";
import { Panel } from "./panel";
import { reason } from "./reasons";

const pageSize = 20;

/** The incident history: open incidents on top, then the closed ones newest first, paged with the Link header. */
export class IncidentsPanel {
  private readonly panel: Panel;
  private open: Incident[] = [];
  private closed: Incident[] = [];
  private next: string | null = null;
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
      const [open, page] = await Promise.all([
        get<Incident[]>(query("/api/incidents", { account, open: "true", limit: 100 })),
        request<Incident[]>("GET", query("/api/incidents", { account, limit: pageSize })),
      ]);
      if (generation !== this.generation) {
        return;
      }
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

  render(): void {
    if (this.open.length === 0 && this.closed.length === 0) {
      this.panel.empty(t("noIncidents"));
      return;
    }
    const now = Date.now();
    const list = el("ol", "incident-list");
    for (const incident of [...this.open, ...this.closed]) {
      list.append(row(incident, now));
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

  /** Open incidents' durations grow every second. */
  tick(now: number): void {
    for (const element of this.panel.root.querySelectorAll<HTMLElement>("[data-started]")) {
      element.textContent = duration(now - Date.parse(element.dataset.started!));
    }
  }
}

function row(incident: Incident, now: number): HTMLElement {
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
    el("span", "incident-details", reason(incident.errorCode, incident.httpStatus), incident.acknowledged ? el("span", "badge", t("acknowledged")) : null),
  );
  item.dataset.testid = "incident";
  item.dataset.open = String(incident.open);
  item.dataset.check = incident.checkType;
  return item;
}
