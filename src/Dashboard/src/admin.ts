import { type Account, ApiError, apiKey, get, request, setApiKey } from "./api";
import { byId, el } from "./format";
import { t } from "./i18n";
import { describe, Panel } from "./panel";

const fields = ["subdomain", "baseUrl", "testLeadId", "testContactId", "accessToken", "clientId", "clientSecret", "redirectUri", "refreshToken", "authorizationCode"] as const;

/** The accounts page: list, add, edit and remove amoCRM accounts, and the API key this browser sends. */
export class Admin {
  private readonly list: Panel;
  private readonly form = byId<HTMLFormElement>("account-form");
  private readonly editor = byId("account-editor");
  private editing: Account | null = null;

  constructor(private readonly changed: () => void) {
    this.list = new Panel(byId("account-list"), () => void this.load());
    byId("add-account").addEventListener("click", () => this.open(null));
    byId("cancel-account").addEventListener("click", () => this.close());
    this.form.addEventListener("submit", (event) => {
      event.preventDefault();
      void this.save();
    });
    this.form.addEventListener("change", () => this.showAuth());
    const keyForm = byId<HTMLFormElement>("key-form");
    const keyInput = byId<HTMLInputElement>("api-key");
    keyInput.value = apiKey() ?? "";
    keyForm.addEventListener("submit", (event) => {
      event.preventDefault();
      setApiKey(keyInput.value);
      byId("key-saved").hidden = false;
      this.changed();
    });
  }

  async load(): Promise<void> {
    this.list.loading();
    try {
      this.render(await get<Account[]>("/api/accounts"));
    } catch (error) {
      this.list.failed(error);
    }
  }

  private render(accounts: Account[]): void {
    if (accounts.length === 0) {
      this.list.empty(t("noAccounts"));
      return;
    }
    const rows = accounts.map((account) => {
      const locked = account.source === "configuration";
      const actions = el("span", "row-actions");
      const edit = el("button", "button small", t("edit"));
      edit.type = "button";
      edit.addEventListener("click", () => this.open(account));
      const remove = el("button", "button small danger", t("remove"));
      remove.type = "button";
      remove.addEventListener("click", () => void this.remove(account));
      for (const button of [edit, remove]) {
        button.disabled = locked;
        if (locked) {
          button.title = t("configurationLocked");
        }
      }
      actions.append(edit, remove);
      const item = el(
        "li",
        "account-row",
        el("span", "account-name", el("strong", undefined, account.subdomain), account.sandbox ? el("span", "badge badge-sandbox", t("sandbox")) : null),
        el("span", "account-url", account.baseUrl),
        el("span", "account-source", locked ? t("fromConfiguration") : t("fromApi")),
        actions,
      );
      item.dataset.account = account.subdomain;
      item.dataset.testid = "account-row";
      return item;
    });
    this.list.show(el("ul", "account-rows", ...rows));
  }

  private open(account: Account | null): void {
    this.editing = account;
    this.form.reset();
    this.clearErrors();
    byId("form-title").textContent = account ? `${t("editAccount")}: ${account.subdomain}` : t("addAccount");
    const input = (name: string) => this.form.elements.namedItem(name) as HTMLInputElement;
    input("subdomain").disabled = account !== null;
    if (account) {
      input("subdomain").value = account.subdomain;
      input("baseUrl").value = account.baseUrl;
      input("testLeadId").value = account.testLeadId?.toString() ?? "";
      input("testContactId").value = account.testContactId?.toString() ?? "";
      (this.form.querySelector<HTMLInputElement>('input[name="auth"][value="keep"]'))!.checked = true;
    }
    for (const element of this.form.querySelectorAll<HTMLElement>("[data-edit-only]")) {
      element.hidden = account === null;
    }
    this.showAuth();
    this.editor.hidden = false;
    input(account ? "baseUrl" : "subdomain").focus();
  }

  private close(): void {
    this.editor.hidden = true;
    this.editing = null;
  }

  private showAuth(): void {
    const mode = (this.form.querySelector<HTMLInputElement>('input[name="auth"]:checked'))?.value ?? "token";
    for (const element of this.form.querySelectorAll<HTMLElement>("[data-auth]")) {
      element.hidden = element.dataset.auth !== mode;
    }
  }

  private async save(): Promise<void> {
    this.clearErrors();
    const data = new FormData(this.form);
    const mode = data.get("auth");
    const text = (name: string) => {
      const value = String(data.get(name) ?? "").trim();
      return value === "" ? undefined : value;
    };
    const body: Record<string, string | number | undefined> = {
      subdomain: this.editing ? undefined : text("subdomain"),
      baseUrl: text("baseUrl"),
      testLeadId: text("testLeadId") === undefined ? undefined : Number(text("testLeadId")),
      testContactId: text("testContactId") === undefined ? undefined : Number(text("testContactId")),
    };
    if (mode === "token") {
      body.accessToken = text("accessToken") ?? "";
    } else if (mode === "oauth") {
      for (const name of ["clientId", "clientSecret", "redirectUri", "refreshToken", "authorizationCode"]) {
        body[name] = text(name);
      }
    }
    for (const name of ["testLeadId", "testContactId"]) {
      if (Number.isNaN(body[name])) {
        this.fieldError(name, t("mustBeNumber"));
        return;
      }
    }
    const submit = this.form.querySelector<HTMLButtonElement>('button[type="submit"]')!;
    submit.disabled = true;
    try {
      if (this.editing) {
        await request("PATCH", `/api/accounts/${encodeURIComponent(this.editing.subdomain)}`, body);
      } else {
        await request("POST", "/api/accounts", body);
      }
      this.close();
      await this.load();
      this.changed();
    } catch (error) {
      if (error instanceof ApiError && Object.keys(error.errors).length > 0) {
        for (const [name, messages] of Object.entries(error.errors)) {
          this.fieldError(name, messages.join(" "));
        }
      } else {
        this.fieldError("form", error instanceof ApiError && error.status === 409 ? error.message : describe(error));
      }
    } finally {
      submit.disabled = false;
    }
  }

  private async remove(account: Account): Promise<void> {
    if (!window.confirm(t("confirmRemove", { account: account.subdomain }))) {
      return;
    }
    try {
      await request("DELETE", `/api/accounts/${encodeURIComponent(account.subdomain)}`);
      await this.load();
      this.changed();
    } catch (error) {
      window.alert(describe(error));
    }
  }

  private fieldError(name: string, message: string): void {
    const known = (fields as readonly string[]).includes(name) ? name : "form";
    const target = this.form.querySelector<HTMLElement>(`[data-error="${known}"]`)!;
    target.textContent = known === name ? message : `${name}: ${message}`;
    this.form.querySelector<HTMLElement>(`[name="${known}"]`)?.setAttribute("aria-invalid", "true");
  }

  private clearErrors(): void {
    for (const element of this.form.querySelectorAll<HTMLElement>("[data-error]")) {
      element.textContent = "";
    }
    for (const element of this.form.querySelectorAll<HTMLElement>("[aria-invalid]")) {
      element.removeAttribute("aria-invalid");
    }
  }
}
