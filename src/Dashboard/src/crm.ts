import type { CrmSummary, ImportProgress } from "./api";
import { duration, el, number, percent, timeSpan } from "./format";
import { t } from "./i18n";

/**
 * The CRM sync card: what AmoHub keeps, how far the first import of contacts and leads has come while it runs, what
 * webhooks brought, the creates waiting for amoCRM, and how much of the amoCRM budget is in use.
 */
export function renderCrm(summary: CrmSummary): Node[] {
  const { sync } = summary;
  const high = sync.requestsPerSecondLimit > 0 && sync.requestsLastSecond / sync.requestsPerSecondLimit >= 0.85;
  return [
    el(
      "div",
      "crm-figures",
      figure(t("contacts"), number(summary.contacts), "contacts"),
      figure(t("leads"), number(summary.leads), "leads"),
      figure(t("webhooksLastHour"), number(summary.webhookDeliveriesLastHour), "webhooks", t("webhookEvents", { n: number(summary.webhookEventsLastHour) })),
      figure(t("webhooksPending"), number(summary.webhookDeliveriesPending), "pending"),
      figure(t("duplicatePhones"), number(summary.duplicatePhones), "duplicates"),
      backlog(summary.operations),
    ),
    importGauge("contacts", sync.contactsImport),
    importGauge("leads", sync.leadsImport),
    gauge(
      t("budget"),
      t("budgetNow", { used: sync.requestsLastSecond, limit: sync.requestsPerSecondLimit }),
      bar("meter", t("budget"), sync.requestsLastSecond, sync.requestsPerSecondLimit, high),
      `${t("requestsTotal")}: ${number(sync.requestsTotal)} · ${t("rateLimited")}: ${number(sync.rateLimitedTotal)}`,
    ),
    el("p", `webhook-state ${sync.webhooks.subscribed ? "ok" : "off"}`, sync.webhooks.subscribed ? t("webhooksSubscribed") : t("webhooksNotSubscribed")),
  ].filter((node) => node !== null);
}

/**
 * A first import under way: read of the estimated total (approximate, so "~"), its rate and the time left; only the
 * read count while the total is unknown. Nothing once the import has ended.
 */
function importGauge(kind: "contacts" | "leads", progress: ImportProgress | null): HTMLElement | null {
  if (!progress || progress.complete) {
    return null;
  }
  const { read, estimatedTotal: total, perSecond, eta } = progress;
  const label = t(`import.${kind}`);
  const value =
    total !== null && total > 0
      ? t("importOf", { read: number(read), total: number(total), percent: percent(Math.min(100, (read / total) * 100)) })
      : read > 0
        ? t("importRead", { read: number(read) })
        : t("importWaiting");
  const left = eta === null ? null : timeSpan(eta);
  const hint = [
    perSecond === null ? null : t("importRate", { n: number(perSecond, perSecond < 10 ? 1 : 0) }),
    left === null ? null : t("importLeft", { left: duration(left) }),
  ].filter((part) => part !== null);
  const element = gauge(label, value, bar("progressbar", label, total !== null && total > 0 ? read : null, total), hint.join(" · "));
  element.dataset.import = kind;
  return element;
}

/** A labelled bar with its value on the right of the label and a hint under it. */
function gauge(label: string, value: string, meter: HTMLElement, hint: string): HTMLElement {
  return el(
    "div",
    "budget",
    el("div", "budget-head", el("span", undefined, label), el("strong", undefined, value)),
    meter,
    hint ? el("p", "hint", hint) : null,
  );
}

/**
 * A bar screen readers read as a meter or a progress bar: filled to now of max; with no now it only shows its track
 * (a progress bar then says it is indeterminate by having no value).
 */
function bar(role: "meter" | "progressbar", label: string, now: number | null, max: number | null, high = false): HTMLElement {
  const fill = el("div", `budget-fill${high ? " budget-high" : ""}`);
  const element = el("div", "budget-bar", fill);
  element.setAttribute("role", role);
  element.setAttribute("aria-label", label);
  if (now !== null && max !== null) {
    fill.style.width = `${Math.round((max > 0 ? Math.min(1, now / max) : 0) * 100)}%`;
    element.setAttribute("aria-valuemin", "0");
    element.setAttribute("aria-valuemax", String(max));
    element.setAttribute("aria-valuenow", String(now));
  }
  return element;
}

/**
 * Creates accepted while amoCRM could not take them: how many wait and for how long the oldest has; marked as a
 * warning while any wait.
 */
function backlog(operations: CrmSummary["operations"]): HTMLElement {
  const pending = operations?.pending ?? 0;
  const since = operations?.oldestPendingSince ? Date.parse(operations.oldestPendingSince) : NaN;
  const note = pending > 0 && !Number.isNaN(since) ? t("backlogOldest", { age: duration(Date.now() - since) }) : undefined;
  const element = figure(t("backlog"), number(pending), "backlog", note);
  element.classList.toggle("figure-warning", pending > 0);
  return element;
}

function figure(label: string, value: string, name: string, note?: string): HTMLElement {
  const element = el("div", "figure", el("strong", undefined, value), el("span", undefined, label), note ? el("small", undefined, note) : null);
  element.dataset.figure = name;
  return element;
}
