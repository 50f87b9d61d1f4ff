import type { CrmSummary } from "./api";
import { el, number } from "./format";
import { t } from "./i18n";

/** The CRM sync card: what AmoHub keeps, what webhooks brought, and how much of the amoCRM budget is in use. */
export function renderCrm(summary: CrmSummary): Node[] {
  const { sync } = summary;
  const share = sync.requestsPerSecondLimit > 0 ? Math.min(1, sync.requestsLastSecond / sync.requestsPerSecondLimit) : 0;
  const bar = el("div", "budget-bar", el("div", `budget-fill${share >= 0.85 ? " budget-high" : ""}`));
  (bar.firstElementChild as HTMLElement).style.width = `${Math.round(share * 100)}%`;
  bar.setAttribute("role", "meter");
  bar.setAttribute("aria-valuemin", "0");
  bar.setAttribute("aria-valuemax", String(sync.requestsPerSecondLimit));
  bar.setAttribute("aria-valuenow", String(sync.requestsLastSecond));
  return [
    el(
      "div",
      "crm-figures",
      figure(t("contacts"), number(summary.contacts), "contacts"),
      figure(t("leads"), number(summary.leads), "leads"),
      figure(t("webhooksLastHour"), number(summary.webhookDeliveriesLastHour), "webhooks", t("webhookEvents", { n: number(summary.webhookEventsLastHour) })),
      figure(t("webhooksPending"), number(summary.webhookDeliveriesPending), "pending"),
      figure(t("duplicatePhones"), number(summary.duplicatePhones), "duplicates"),
    ),
    el(
      "div",
      "budget",
      el("div", "budget-head", el("span", undefined, t("budget")), el("strong", undefined, t("budgetNow", { used: sync.requestsLastSecond, limit: sync.requestsPerSecondLimit }))),
      bar,
      el("p", "hint", `${t("requestsTotal")}: ${number(sync.requestsTotal)} · ${t("rateLimited")}: ${number(sync.rateLimitedTotal)}`),
    ),
    el("p", `webhook-state ${sync.webhooks.subscribed ? "ok" : "off"}`, sync.webhooks.subscribed ? t("webhooksSubscribed") : t("webhooksNotSubscribed")),
  ];
}

function figure(label: string, value: string, name: string, note?: string): HTMLElement {
  const element = el("div", "figure", el("strong", undefined, value), el("span", undefined, label), note ? el("small", undefined, note) : null);
  element.dataset.figure = name;
  return element;
}
