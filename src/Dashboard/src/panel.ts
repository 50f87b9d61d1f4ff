import { ApiError } from "./api";
import { el } from "./format";
import { t } from "./i18n";

/**
 * A card's loading, error and content states. The first load shows "loading"; a failed load says what went
 * wrong and what to do, with a retry button; a later failed refresh keeps the last content and only marks it stale.
 */
export class Panel {
  private loaded = false;

  constructor(
    readonly root: HTMLElement,
    private readonly reload: () => void,
  ) {}

  loading(): void {
    if (!this.loaded) {
      this.root.dataset.state = "loading";
      this.root.replaceChildren(el("p", "state state-loading", el("span", "spinner"), t("loading")));
    }
  }

  reset(): void {
    this.loaded = false;
    this.loading();
  }

  show(...content: Node[]): void {
    this.loaded = true;
    this.root.dataset.state = "ready";
    this.root.replaceChildren(...content);
  }

  empty(message: string): void {
    this.show(el("p", "state state-empty", message));
    this.root.dataset.state = "empty";
  }

  failed(error: unknown): void {
    if (error instanceof DOMException && error.name === "AbortError") {
      return;
    }
    if (this.loaded) {
      this.root.dataset.stale = "true";
      return;
    }
    const retry = el("button", "button", t("retry"));
    retry.type = "button";
    retry.addEventListener("click", () => this.reload());
    this.root.dataset.state = "error";
    this.root.replaceChildren(el("div", "state state-error", el("p", undefined, describe(error)), retry));
  }

  fresh(): void {
    delete this.root.dataset.stale;
  }
}

export function describe(error: unknown): string {
  if (error instanceof ApiError) {
    if (error.needsKey) {
      return t("unauthorized");
    }
    return t("loadFailed", { reason: error.status === 0 ? "no connection" : `${error.status}: ${error.message}` });
  }
  return t("loadFailed", { reason: String(error) });
}
