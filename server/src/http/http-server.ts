import { createServer, type RequestListener, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';

/**
 * A listening HTTP server with graceful close: stop accepting, let in-flight requests finish (idle
 * keep-alive sockets are closed at once), and cut what is still open after the grace period.
 */
export class HttpServer {
  private readonly server: Server;
  private closing = false;

  constructor(listener: RequestListener) {
    this.server = createServer(listener);
    // While draining, a keep-alive socket is closed as soon as its last response is written.
    this.server.on('request', (_req, res) => {
      res.once('finish', () => {
        if (this.closing) setImmediate(() => this.server.closeIdleConnections());
      });
    });
    this.server.keepAliveTimeout = 65_000; // longer than common load balancer idle timeouts
    this.server.headersTimeout = 66_000;
  }

  listen(port: number, host: string): Promise<AddressInfo> {
    return new Promise((resolve, reject) => {
      this.server.once('error', reject);
      this.server.listen(port, host, () => {
        this.server.off('error', reject);
        resolve(this.server.address() as AddressInfo);
      });
    });
  }

  async close(graceMs = 10_000): Promise<void> {
    if (!this.server.listening) return;
    this.closing = true;
    const closed = new Promise<void>((resolve) => this.server.close(() => resolve()));
    this.server.closeIdleConnections();
    const timer = setTimeout(() => this.server.closeAllConnections(), graceMs);
    timer.unref();
    await closed;
    clearTimeout(timer);
  }
}
