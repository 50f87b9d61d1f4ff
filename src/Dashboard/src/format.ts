import { lang, t } from "./i18n";

/** Creates an element with a class, text and children; no innerHTML anywhere, so server text is never markup. */
export function el<K extends keyof HTMLElementTagNameMap>(
  tag: K,
  className?: string,
  ...children: (Node | string | null | undefined)[]
): HTMLElementTagNameMap[K] {
  const element = document.createElement(tag);
  if (className) {
    element.className = className;
  }
  for (const child of children) {
    if (child !== null && child !== undefined) {
      element.append(child);
    }
  }
  return element;
}

export function byId<T extends HTMLElement = HTMLElement>(id: string): T {
  const element = document.getElementById(id);
  if (!element) {
    throw new Error(`#${id} is missing from index.html`);
  }
  return element as T;
}

export function ms(value: number | null | undefined): string {
  if (value === null || value === undefined) {
    return t("none");
  }
  return value >= 10_000 ? t("s", { n: number(value / 1000, 1) }) : t("ms", { n: number(Math.round(value), 0) });
}

export function percent(value: number | null | undefined): string {
  if (value === null || value === undefined) {
    return t("none");
  }
  const digits = value >= 99.995 || value === 0 ? 0 : value >= 99 ? 2 : 1;
  return `${number(value, digits)}%`;
}

/** The locale numbers and times are written in, after the page's language. */
function locale(): string {
  return lang() === "ru" ? "ru-RU" : "en-GB";
}

export function number(value: number, digits = 0): string {
  return value.toLocaleString(locale(), { minimumFractionDigits: digits, maximumFractionDigits: digits });
}

/** A duration in words a person reads at a glance: 42 s, 5 min, 3 h 20 min, 2 d 4 h. */
export function duration(milliseconds: number): string {
  const seconds = Math.max(0, Math.floor(milliseconds / 1000));
  if (seconds < 60) {
    return t("s", { n: seconds });
  }
  const minutes = Math.floor(seconds / 60);
  if (minutes < 60) {
    return t("min", { n: minutes });
  }
  const hours = Math.floor(minutes / 60);
  if (hours < 48) {
    return minutes % 60 === 0 ? t("h", { n: hours }) : `${t("h", { n: hours })} ${t("min", { n: minutes % 60 })}`;
  }
  const days = Math.floor(hours / 24);
  return hours % 24 === 0 ? t("d", { n: days }) : `${t("d", { n: days })} ${t("h", { n: hours % 24 })}`;
}

/** The milliseconds of a .NET TimeSpan as JSON carries it ("00:04:10", "1.02:00:00"); null for anything else. */
export function timeSpan(text: string): number | null {
  const match = /^(?:(\d+)\.)?(\d+):(\d+):(\d+(?:\.\d+)?)$/.exec(text);
  if (!match) {
    return null;
  }
  const [, days = "0", hours, minutes, seconds] = match;
  return (((Number(days) * 24 + Number(hours)) * 60 + Number(minutes)) * 60 + Number(seconds)) * 1000;
}

export function dateTime(iso: string): string {
  return new Date(iso).toLocaleString(locale(), {
    day: "2-digit",
    month: "short",
    hour: "2-digit",
    minute: "2-digit",
    second: "2-digit",
  });
}

/** A time of day, 14:05, with the day before it when that is not today: 7 дек., 14:05. */
export function clock(iso: string, now: number): string {
  const at = new Date(iso);
  const today = at.toDateString() === new Date(now).toDateString();
  return at.toLocaleString(
    locale(),
    today ? { hour: "2-digit", minute: "2-digit" } : { day: "numeric", month: "short", hour: "2-digit", minute: "2-digit" },
  );
}

export function since(iso: string | null | undefined, now: number): string | null {
  return iso ? duration(now - Date.parse(iso)) : null;
}
