// The dashboard's view of AmoHub's HTTP API. Every request carries the API key kept in this browser, when there
// is one (X-Api-Key); with no keys configured on the server the header is simply absent.

export type CheckType = "GET" | "POST" | "WEB" | "HOOK" | "DP";
export const checkTypes: CheckType[] = ["GET", "POST", "WEB", "HOOK", "DP"];
export type Status = "up" | "warning" | "down";

export interface CheckStatus {
  checkType: CheckType;
  status: Status;
  responseTime: number | null;
  lastCheck: string | null;
  httpStatus: number | null;
  reason: string | null;
  since: string | null;
}

export interface AccountStatus {
  account: string;
  sandbox: boolean;
  checks: CheckStatus[];
}

export interface Account {
  subdomain: string;
  baseUrl: string;
  sandbox: boolean;
  testLeadId: number | null;
  testContactId: number | null;
  source: "configuration" | "api";
}

export interface CheckStats {
  checkType: CheckType;
  totalChecks: number;
  uptime: number | null;
  successRate: number | null;
  failureCount: number;
  warningCount: number;
  avgResponseTime: number | null;
  minResponseTime: number | null;
  maxResponseTime: number | null;
  p50: number | null;
  p95: number | null;
  p99: number | null;
  incidentCount: number;
  totalDowntime: number;
  mttr: number | null;
  mtbf: number | null;
}

export interface StatsAnswer {
  account: string;
  from: string;
  to: string;
  checks: CheckStats[];
}

export interface RawResult {
  timestamp: string;
  status: Status;
  responseTime: number;
}

export interface RollupPoint {
  bucketStart: string;
  count: number;
  avg: number;
  p95: number;
  down: number;
}

export interface HistoryPage {
  resolution: string;
  from: string;
  to: string;
  results: RawResult[] | null;
  buckets: RollupPoint[] | null;
}

export interface Incident {
  id: number;
  checkType: CheckType;
  startTime: string;
  endTime: string | null;
  duration: number;
  open: boolean;
  errorCode: string | null;
  httpStatus: number | null;
  acknowledged: boolean;
  maintenance: boolean;
}

/** A maintenance window: one-off (from, to) or recurring (cron, timeZone, duration); account null covers every account. */
export interface MaintenanceWindow {
  id: string;
  account: string | null;
  from: string | null;
  to: string | null;
  cron: string | null;
  timeZone: string | null;
  duration: string | null;
  reason: string | null;
  createdAt: string;
}

/** How far the first import of an account's contacts or leads has come; eta is a TimeSpan such as "00:04:10". */
export interface ImportProgress {
  complete: boolean;
  read: number;
  estimatedTotal: number | null;
  perSecond: number | null;
  eta: string | null;
}

export interface CrmSummary {
  contacts: number;
  leads: number;
  webhookEventsLastHour: number;
  webhookDeliveriesLastHour: number;
  webhookDeliveriesPending: number;
  duplicatePhones: number;
  /** Create requests accepted (202) while amoCRM could not take them, and when the oldest of them came. */
  operations: { pending: number; oldestPendingSince: string | null } | null;
  sync: {
    requestsPerSecondLimit: number;
    requestsLastSecond: number;
    requestsTotal: number;
    rateLimitedTotal: number;
    webhooks: { subscribed: boolean };
    contactsImport: ImportProgress | null;
    leadsImport: ImportProgress | null;
  };
}

export interface StreamStatusUpdate {
  type: "status_update";
  checkType: CheckType;
  account: string;
  data: Omit<CheckStatus, "checkType">;
  timestamp: string;
}

/** A failed request: the HTTP status (0 when the server could not be reached) and the problem's words. */
export class ApiError extends Error {
  constructor(
    readonly status: number,
    message: string,
    readonly errors: Record<string, string[]> = {},
  ) {
    super(message);
  }

  get needsKey(): boolean {
    return this.status === 401 || this.status === 403;
  }
}

const keyStorage = "amohub.apiKey";

/** Dispatched on window when the server refuses a request for want of a (valid) API key. */
export const unauthorizedEvent = "amohub:unauthorized";

export function apiKey(): string | null {
  return localStorage.getItem(keyStorage);
}

export function setApiKey(key: string): void {
  if (key.trim()) {
    localStorage.setItem(keyStorage, key.trim());
  } else {
    localStorage.removeItem(keyStorage);
  }
}

export function headers(extra: Record<string, string> = {}): Headers {
  const result = new Headers(extra);
  const key = apiKey();
  if (key) {
    result.set("X-Api-Key", key);
  }
  return result;
}

export interface Answer<T> {
  body: T;
  response: Response;
}

export async function request<T>(method: string, path: string, body?: unknown, signal?: AbortSignal): Promise<Answer<T>> {
  let response: Response;
  try {
    response = await fetch(path, {
      method,
      headers: headers(body === undefined ? { Accept: "application/json" } : { Accept: "application/json", "Content-Type": "application/json" }),
      body: body === undefined ? null : JSON.stringify(body),
      signal: signal ?? null,
    });
  } catch (error) {
    if (error instanceof DOMException && error.name === "AbortError") {
      throw error;
    }
    throw new ApiError(0, "network");
  }
  if (!response.ok) {
    let problem: { title?: string; detail?: string; errors?: Record<string, string[]> } = {};
    try {
      problem = await response.json();
    } catch {
      // Not a problem document: the status says enough.
    }
    if (response.status === 401 || response.status === 403) {
      window.dispatchEvent(new CustomEvent(unauthorizedEvent));
    }
    throw new ApiError(response.status, problem.detail ?? problem.title ?? `HTTP ${response.status}`, problem.errors ?? {});
  }
  const text = await response.text();
  return { body: (text ? JSON.parse(text) : undefined) as T, response };
}

export async function get<T>(path: string, signal?: AbortSignal): Promise<T> {
  return (await request<T>("GET", path, undefined, signal)).body;
}

export function query(path: string, params: Record<string, string | number | undefined>): string {
  const search = new URLSearchParams();
  for (const [name, value] of Object.entries(params)) {
    if (value !== undefined) {
      search.set(name, String(value));
    }
  }
  return `${path}?${search}`;
}

/** The URL of rel="next" in a Link header, if any. */
export function nextLink(response: Response): string | null {
  const link = response.headers.get("Link");
  const match = link?.match(/<([^>]+)>\s*;\s*rel="next"/);
  return match ? match[1]! : null;
}
