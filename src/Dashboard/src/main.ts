import "uplot/dist/uPlot.min.css";
import "./styles.css";
import { type Account, get, setApiKey, type StreamStatusUpdate, unauthorizedEvent } from "./api";
import { Admin } from "./admin";
import { byId } from "./format";
import { applyStatic, lang, setLang, t } from "./i18n";
import { Monitor, type Range, ranges } from "./monitor";
import { OutageBanner } from "./outages";
import { describe } from "./panel";
import { type LinkState, LiveStream } from "./stream";

// The view lives in the URL (?account=acme&range=7d, ?view=admin) so a view can be shared and survives a reload.
interface View {
  page: "monitor" | "admin";
  account: string | null;
  range: Range;
}

function readView(): View {
  const params = new URLSearchParams(location.search);
  const range = params.get("range") as Range | null;
  return {
    page: params.get("view") === "admin" ? "admin" : "monitor",
    account: params.get("account"),
    range: range && ranges.includes(range) ? range : "24h",
  };
}

function writeView(view: View, push: boolean): void {
  const params = new URLSearchParams();
  if (view.page === "admin") {
    params.set("view", "admin");
  }
  if (view.account) {
    params.set("account", view.account);
  }
  if (view.page === "monitor" && view.range !== "24h") {
    params.set("range", view.range);
  }
  const url = params.size > 0 ? `?${params}` : location.pathname;
  if (push) {
    history.pushState(null, "", url);
  } else {
    history.replaceState(null, "", url);
  }
}

const themeKey = "amohub.theme";

function applyTheme(theme: string | null): void {
  const dark = theme ? theme === "dark" : window.matchMedia("(prefers-color-scheme: dark)").matches;
  document.documentElement.dataset.theme = dark ? "dark" : "light";
}

class App {
  private view = readView();
  private accounts: Account[] = [];
  private readonly monitor = new Monitor();
  private readonly outages = new OutageBanner();
  // A key saved on the accounts page may let this page read what it could not.
  private readonly admin = new Admin(() => {
    this.outages.refresh();
    void this.loadAccounts();
  });
  private readonly stream = new LiveStream({
    message: (message) => this.onMessage(message),
    state: (state) => this.onLink(state),
  });
  private wasLive = false;
  private streamAccount: string | null = null;
  private keyPrompted = false;

  start(): void {
    applyTheme(localStorage.getItem(themeKey));
    applyStatic();
    this.labelStatic();
    byId<HTMLSelectElement>("account").addEventListener("change", (event) => {
      this.view.account = (event.target as HTMLSelectElement).value;
      writeView(this.view, true);
      this.route();
    });
    for (const button of document.querySelectorAll<HTMLButtonElement>("[data-range]")) {
      button.addEventListener("click", () => {
        this.view.range = button.dataset.range as Range;
        writeView(this.view, true);
        this.route();
      });
    }
    byId("lang").addEventListener("click", () => {
      setLang(lang() === "ru" ? "en" : "ru");
      this.labelStatic();
      this.fillSwitcher();
      this.monitor.redraw();
      this.outages.render();
      if (this.view.page === "admin") {
        void this.admin.load();
      }
    });
    byId("theme").addEventListener("click", () => {
      const next = document.documentElement.dataset.theme === "dark" ? "light" : "dark";
      localStorage.setItem(themeKey, next);
      applyTheme(next);
      this.monitor.redraw();
    });
    for (const link of document.querySelectorAll<HTMLAnchorElement>("[data-nav]")) {
      link.addEventListener("click", (event) => {
        event.preventDefault();
        this.view.page = link.dataset.nav === "admin" ? "admin" : "monitor";
        writeView(this.view, true);
        this.route();
      });
    }
    window.addEventListener("popstate", () => {
      this.view = readView();
      this.route();
    });
    window.addEventListener(unauthorizedEvent, () => this.askForKey());
    this.outages.start();
    void this.loadAccounts();
  }

  private labelStatic(): void {
    const labels: Record<Range, string> = { "1h": t("h", { n: 1 }), "24h": t("h", { n: 24 }), "7d": t("d", { n: 7 }), "30d": t("d", { n: 30 }) };
    for (const button of document.querySelectorAll<HTMLButtonElement>("[data-range]")) {
      button.textContent = labels[button.dataset.range as Range];
    }
    byId("lang").textContent = lang() === "ru" ? "EN" : "RU";
    byId("sandbox-badge").title = t("sandboxTitle");
    this.onLink((byId("live").dataset.state as LinkState) ?? "connecting");
  }

  private async loadAccounts(): Promise<void> {
    try {
      this.accounts = await get<Account[]>("/api/accounts");
      this.banner(null);
    } catch (error) {
      this.banner(describe(error));
      window.setTimeout(() => void this.loadAccounts(), 10_000);
      return;
    }
    this.fillSwitcher();
    this.route();
  }

  private fillSwitcher(): void {
    const select = byId<HTMLSelectElement>("account");
    select.replaceChildren(...this.accounts.map((account) => new Option(account.sandbox ? `${account.subdomain} (${t("sandbox")})` : account.subdomain, account.subdomain)));
    if (this.view.account) {
      select.value = this.view.account;
    }
  }

  private route(): void {
    const admin = this.view.page === "admin";
    byId("monitor").hidden = admin;
    byId("admin").hidden = !admin;
    byId("admin-link").classList.toggle("active", admin);
    if (admin) {
      void this.admin.load();
    }
    if (this.accounts.length === 0) {
      this.monitor.stop();
      this.stream.stop();
      this.streamAccount = null;
      if (!admin) {
        this.banner(t("noAccounts"), true);
      }
      return;
    }
    let account = this.accounts.find((known) => known.subdomain === this.view.account);
    if (!account) {
      if (this.view.account) {
        this.banner(t("unknownAccount", { account: this.view.account }));
      }
      account = this.accounts.find((known) => known.sandbox) ?? this.accounts[0]!;
      this.view.account = account.subdomain;
      writeView(this.view, false);
    }
    byId<HTMLSelectElement>("account").value = account.subdomain;
    byId("sandbox-badge").hidden = !account.sandbox;
    for (const button of document.querySelectorAll<HTMLButtonElement>("[data-range]")) {
      button.setAttribute("aria-pressed", String(button.dataset.range === this.view.range));
    }
    if (!admin) {
      this.monitor.show(account.subdomain, this.view.range);
    }
    if (this.streamAccount !== account.subdomain) {
      this.streamAccount = account.subdomain;
      this.wasLive = false;
      this.stream.start(`/api/stream?account=${encodeURIComponent(account.subdomain)}`);
    }
  }

  private onMessage(message: unknown): void {
    if ((message as { type?: string }).type === "status_update") {
      this.monitor.onUpdate(message as StreamStatusUpdate);
      this.outages.onUpdate(message as StreamStatusUpdate);
    }
  }

  private onLink(state: LinkState): void {
    const live = byId("live");
    live.dataset.state = state;
    live.querySelector(".live-text")!.textContent = t(state);
    if (state === "live") {
      if (this.wasLive) {
        this.monitor.refresh();
        this.outages.refresh();
      }
      this.wasLive = true;
    }
  }

  private askForKey(): void {
    if (this.keyPrompted) {
      return;
    }
    this.keyPrompted = true;
    const key = window.prompt(t("enterKey"));
    if (key) {
      setApiKey(key);
      this.keyPrompted = false;
      this.streamAccount = null;
      this.outages.refresh();
      void this.loadAccounts();
    }
  }

  private banner(message: string | null, withLink = false): void {
    const banner = byId("banner");
    banner.hidden = message === null;
    banner.replaceChildren(message ?? "");
    if (message && withLink) {
      const link = document.createElement("a");
      link.href = "?view=admin";
      link.textContent = ` ${t("admin")} →`;
      banner.append(link);
    }
  }
}

new App().start();
