import { type CheckType, headers, type StreamStatusUpdate } from "./api";
import { byId, clock, el, number } from "./format";
import { lang, t } from "./i18n";

/** An outage of amoCRM itself under way, as GET /api/outages tells it: a check failing on many accounts at once. */
export interface Outage {
  checkType: CheckType;
  id: number;
  since: string;
  affected: number;
  total: number;
  peak: number;
  accounts: string[];
}

const pollMs = 30_000;
// A probe pushes a status change before its incident reaches the notifiers, and they tell the outage tracker.
const settleMs = 2_000;

/**
 * The banner of amoCRM's own outages above every page, one line per outage, hidden while there is none. It reads
 * /api/outages every 30 s while the tab is visible, when the tab comes back, and shortly after a pushed result
 * changes a check's status. A refused key or a lost connection leaves it as it was: the page's other banner speaks
 * of those, and this one does not ask for a key.
 */
export class OutageBanner {
  private readonly root = byId("outages");
  private outages: Outage[] = [];
  private readonly statuses = new Map<string, string>();
  private soonTimer: number | undefined;
  private generation = 0;
  private shown = "";

  start(): void {
    const visible = () => document.visibilityState === "visible";
    window.setInterval(() => visible() && this.refresh(), pollMs);
    document.addEventListener("visibilitychange", () => visible() && this.refresh());
    this.refresh();
  }

  /** Reads the outages again now. */
  refresh(): void {
    void this.load();
  }

  /** Reads the outages again shortly, once what caused the call has reached the server's outage tracker. */
  private refreshSoon(): void {
    window.clearTimeout(this.soonTimer);
    this.soonTimer = window.setTimeout(() => this.refresh(), settleMs);
  }

  /** A pushed result: a check that changed status may have begun or ended an outage. */
  onUpdate(update: StreamStatusUpdate): void {
    const key = `${update.account}/${update.checkType}`;
    const previous = this.statuses.get(key);
    this.statuses.set(key, update.data.status);
    if (previous !== undefined && previous !== update.data.status) {
      this.refreshSoon();
    }
  }

  /** Writes the lines in the current language; unchanged lines are left alone, so a screen reader hears them once. */
  render(): void {
    const now = Date.now();
    const lines = this.outages.map((outage) => {
      const line = el("p", "outage", el("span", "outage-dot"), text(outage, now));
      line.dataset.testid = "outage";
      line.dataset.check = outage.checkType;
      line.title = outage.accounts.join(", ");
      return line;
    });
    const shown = lines.map((line) => `${line.textContent}|${line.title}`).join("\n");
    if (shown === this.shown) {
      return;
    }
    this.shown = shown;
    this.root.replaceChildren(...lines);
    this.root.hidden = lines.length === 0;
  }

  private async load(): Promise<void> {
    const generation = ++this.generation;
    let outages: Outage[];
    try {
      const response = await fetch("/api/outages", { headers: headers({ Accept: "application/json" }), cache: "no-store" });
      if (!response.ok) {
        return;
      }
      outages = (await response.json()) as Outage[];
    } catch {
      // No connection: the banner stays as it was until a later read.
      return;
    }
    // A slower, older read must not undo a newer one.
    if (generation === this.generation) {
      this.outages = outages;
      this.render();
    }
  }
}

function text(outage: Outage, now: number): string {
  return t("outage", {
    check: outage.checkType,
    name: t(`check.${outage.checkType}`),
    affected: number(outage.affected),
    total: number(outage.total),
    accounts: t(ofOne(outage.total) ? "ofAccounts.one" : "ofAccounts.many"),
    since: clock(outage.since, now),
  });
}

/** Whether "of N accounts" takes the singular: 1 in English; 1, 21, 31… (not 11) in Russian's genitive. */
function ofOne(total: number): boolean {
  return lang() === "ru" ? total % 10 === 1 && total % 100 !== 11 : total === 1;
}
