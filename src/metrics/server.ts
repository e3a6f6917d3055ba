// The /metrics HTTP endpoint. Scrapes run concurrently up to a limit (beyond:
// 503), so a scrape storm cannot pile work onto the event loop that drains the ring.
import { createServer, type Server } from "node:http";
import { log } from "../log/logger.js";

export interface MetricsServerOptions {
  host: string;
  port: number;
  render: () => Promise<string>;
  maxConcurrent?: number;
}

export const CONTENT_TYPE = "text/plain; version=0.0.4; charset=utf-8";

export class MetricsServer {
  private server: Server | undefined;
  private inFlight = 0;
  rejected = 0;

  constructor(private readonly opts: MetricsServerOptions) {}

  /** Resolves once listening; rejects with the bind error (EADDRINUSE, EADDRNOTAVAIL...). */
  listen(): Promise<{ host: string; port: number }> {
    const max = this.opts.maxConcurrent ?? 2;
    const server = createServer((req, res) => {
      const path = (req.url ?? "/").split("?")[0];
      if (req.method !== "GET" && req.method !== "HEAD") {
        res.writeHead(405, { allow: "GET, HEAD" }).end();
        return;
      }
      if (path === "/") {
        res.writeHead(200, { "content-type": "text/html; charset=utf-8" }).end('<html><body><a href="/metrics">metrics</a></body></html>\n');
        return;
      }
      if (path !== "/metrics") {
        res.writeHead(404).end("not found\n");
        return;
      }
      if (this.inFlight >= max) {
        this.rejected++;
        res.writeHead(503, { "retry-after": "1" }).end("too many concurrent scrapes\n");
        return;
      }
      this.inFlight++;
      this.opts
        .render()
        .then((body) => {
          res.writeHead(200, { "content-type": CONTENT_TYPE }).end(req.method === "HEAD" ? undefined : body);
        })
        .catch((e: unknown) => {
          log.error("metrics render failed", { error: e instanceof Error ? e.message : String(e) });
          res.writeHead(500).end("metrics render failed\n");
        })
        .finally(() => this.inFlight--);
    });
    server.keepAliveTimeout = 30_000;
    this.server = server;
    return new Promise((resolve, reject) => {
      server.once("error", reject);
      server.listen(this.opts.port, this.opts.host, () => {
        server.off("error", reject);
        const addr = server.address();
        if (addr && typeof addr === "object") resolve({ host: addr.address, port: addr.port });
        else resolve({ host: this.opts.host, port: this.opts.port });
      });
    });
  }

  close(): Promise<void> {
    const s = this.server;
    this.server = undefined;
    if (!s) return Promise.resolve();
    return new Promise((resolve) => {
      s.close(() => resolve());
      s.closeAllConnections();
    });
  }
}
