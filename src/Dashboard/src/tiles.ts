import type { CheckStatus, CheckType } from "./api";
import { el, ms, percent, since } from "./format";
import { t } from "./i18n";
import { reason } from "./reasons";

export type TileStatus = CheckStatus["status"] | "unknown";

export function tileStatus(check: CheckStatus): TileStatus {
  return check.lastCheck ? check.status : "unknown";
}

/** One check's tile: status, last response time, 24 h uptime, time in the current status, last error. */
export function renderTile(check: CheckStatus, uptime24h: number | null | undefined, now: number): HTMLElement {
  const status = tileStatus(check);
  const tile = el("article", "tile");
  tile.dataset.check = check.checkType;
  tile.dataset.status = status;
  tile.dataset.testid = "tile";
  tile.append(
    el("header", "tile-head", el("span", "tile-code", check.checkType), el("span", `pill pill-${status}`, el("span", "pill-dot"), t(`status.${status}`))),
    el("h3", "tile-name", t(`check.${check.checkType}`)),
    el(
      "dl",
      "tile-metrics",
      metric(t("lastResponse"), ms(check.responseTime), "response"),
      metric(t("uptime24h"), percent(uptime24h), "uptime"),
      metric(t("inStatusFor"), since(check.since, now) ?? t("none"), "since", check.since),
    ),
    el(
      "p",
      "tile-foot",
      check.lastCheck ? relative(t("checkedAgo", { ago: "{ago}" }), check.lastCheck, now) : t("notCheckedYet"),
    ),
  );
  if (status !== "up" && status !== "unknown") {
    const error = el("p", "tile-error", [check.httpStatus ? `HTTP ${check.httpStatus}` : null, reason(check.reason, check.httpStatus)].filter(Boolean).join(" · "));
    error.title = error.textContent ?? "";
    error.dataset.reason = check.reason ?? "";
    tile.append(error);
  }
  return tile;
}

function metric(label: string, value: string, name: string, ticking?: string | null): DocumentFragment {
  const dd = el("dd", undefined, value);
  dd.dataset.metric = name;
  if (ticking) {
    dd.dataset.since = ticking;
  }
  const pair = document.createDocumentFragment();
  pair.append(el("dt", undefined, label), dd);
  return pair;
}

function relative(template: string, iso: string, now: number): HTMLElement {
  const span = el("span", undefined, template.replace("{ago}", since(iso, now) ?? ""));
  span.dataset.since = iso;
  span.dataset.template = template;
  return span;
}

/** Refreshes the "… ago" texts of every tile once a second, with no request. */
export function tick(root: HTMLElement, now: number): void {
  for (const element of root.querySelectorAll<HTMLElement>("[data-since]")) {
    const text = since(element.dataset.since, now) ?? "";
    element.textContent = element.dataset.template ? element.dataset.template.replace("{ago}", text) : text;
  }
}

export function orderChecks(checks: CheckStatus[], order: CheckType[]): CheckStatus[] {
  return [...checks].sort((a, b) => order.indexOf(a.checkType) - order.indexOf(b.checkType));
}
