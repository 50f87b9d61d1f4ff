// Reads /api/stream with fetch() and a ReadableStream rather than EventSource, so the X-Api-Key header can be sent.
// One connection at a time; when it drops it comes back after 1 s, doubling up to 30 s (with jitter so many open
// dashboards do not reconnect in step), and the wait starts over once a connection has delivered its first message.

import { headers, unauthorizedEvent } from "./api";

export type LinkState = "connecting" | "live" | "reconnecting";

export interface StreamHandlers {
  message(data: unknown): void;
  state(state: LinkState, retryInMs?: number): void;
}

const firstRetryMs = 1_000;
const maxRetryMs = 30_000;
// The server sends a comment every 15 s; nothing for this long means the connection is dead.
const silenceMs = 45_000;

export class LiveStream {
  private controller: AbortController | null = null;
  private retryTimer: number | undefined;
  private retryMs = firstRetryMs;
  private stopped = true;

  constructor(private readonly handlers: StreamHandlers) {}

  start(url: string): void {
    this.stop();
    this.stopped = false;
    this.retryMs = firstRetryMs;
    this.handlers.state("connecting");
    void this.run(url);
  }

  stop(): void {
    this.stopped = true;
    window.clearTimeout(this.retryTimer);
    this.controller?.abort();
    this.controller = null;
  }

  private async run(url: string): Promise<void> {
    const controller = new AbortController();
    this.controller = controller;
    let watchdog: number | undefined;
    const feed = () => {
      window.clearTimeout(watchdog);
      watchdog = window.setTimeout(() => controller.abort(), silenceMs);
    };
    try {
      feed();
      const response = await fetch(url, { headers: headers({ Accept: "text/event-stream" }), signal: controller.signal, cache: "no-store" });
      if (response.status === 401 || response.status === 403) {
        window.dispatchEvent(new CustomEvent(unauthorizedEvent));
      }
      if (!response.ok || !response.body) {
        throw new Error(`HTTP ${response.status}`);
      }
      const reader = response.body.pipeThrough(new TextDecoderStream()).getReader();
      let buffer = "";
      let data: string[] = [];
      for (;;) {
        const { value, done } = await reader.read();
        if (done) {
          break;
        }
        feed();
        buffer += value;
        let newline: number;
        while ((newline = buffer.indexOf("\n")) >= 0) {
          const line = buffer.slice(0, newline).replace(/\r$/, "");
          buffer = buffer.slice(newline + 1);
          if (line === "") {
            if (data.length > 0) {
              this.deliver(data.join("\n"));
              data = [];
            }
          } else if (line.startsWith("data:")) {
            data.push(line.slice(line.startsWith("data: ") ? 6 : 5));
          }
        }
      }
    } catch {
      // A dropped or refused connection: reconnect below.
    } finally {
      window.clearTimeout(watchdog);
    }
    if (this.stopped || this.controller !== controller) {
      return;
    }
    const wait = this.retryMs * (0.8 + Math.random() * 0.4);
    this.retryMs = Math.min(this.retryMs * 2, maxRetryMs);
    this.handlers.state("reconnecting", wait);
    this.retryTimer = window.setTimeout(() => void this.run(url), wait);
  }

  private deliver(text: string): void {
    let message: unknown;
    try {
      message = JSON.parse(text);
    } catch {
      return;
    }
    if ((message as { type?: string }).type === "connected") {
      this.retryMs = firstRetryMs;
      this.handlers.state("live");
    }
    this.handlers.message(message);
  }
}
