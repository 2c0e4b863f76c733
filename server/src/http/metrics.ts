import type { IncomingMessage, ServerResponse } from 'node:http';
import type { RequestHandler } from 'express';
import { Counter, collectDefaultMetrics, Gauge, Histogram, Registry } from 'prom-client';

export interface QueueDepthSource {
  depth(): Promise<Record<string, { waiting: number; active: number; delayed: number; failed: number }>>;
}

/** The server's metrics (prom-client), one registry per server so tests can run several. */
export class Metrics {
  readonly registry = new Registry();
  readonly httpDuration = new Histogram({
    name: 'portico_http_request_duration_seconds',
    help: 'HTTP request duration by method, route and status',
    labelNames: ['method', 'route', 'status'] as const,
    buckets: [0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5],
    registers: [this.registry],
  });
  readonly auditEvents = new Counter({
    name: 'portico_audit_events_total',
    help: 'Audit events written, by action',
    labelNames: ['action'] as const,
    registers: [this.registry],
  });

  readonly accountSignIns = new Counter({
    name: 'portico_account_sign_ins_total',
    help: 'Sign-ins to the account pages (/t/T/account) at their callback, by outcome',
    labelNames: ['outcome'] as const,
    registers: [this.registry],
  });

  readonly factorVerifications = new Counter({
    name: 'portico_mfa_verifications_total',
    help: 'Second-factor and passkey verifications, by factor and outcome',
    labelNames: ['factor', 'outcome'] as const,
    registers: [this.registry],
  });

  readonly messages = new Counter({
    name: 'portico_messages_total',
    help: 'Email and SMS delivery attempts, by channel, provider and outcome (sent, failed, dead, duplicate)',
    labelNames: ['channel', 'provider', 'outcome'] as const,
    registers: [this.registry],
  });

  constructor() {
    collectDefaultMetrics({ register: this.registry, prefix: 'portico_' });
  }

  /** `portico_redis_up`: 1 when the request-path connection is ready, 0 when down; read when scraped. */
  watchRedis(probe: () => 'up' | 'down' | 'absent'): void {
    new Gauge({
      name: 'portico_redis_up',
      help: 'Request-path Redis connection: 1 ready, 0 down',
      registers: [this.registry],
      collect() {
        this.set(probe() === 'up' ? 1 : 0);
      },
    });
  }

  /** Queue depth is read from the queue when scraped, never polled. */
  watchQueueDepth(source: QueueDepthSource): void {
    new Gauge({
      name: 'portico_queue_jobs',
      help: 'Jobs per queue and state',
      labelNames: ['queue', 'state'] as const,
      registers: [this.registry],
      async collect() {
        const depths = await source.depth().catch(() => ({}));
        for (const [queue, counts] of Object.entries(depths)) {
          for (const [state, value] of Object.entries(counts)) this.set({ queue, state }, value);
        }
      },
    });
  }

  /** Observes every request once it finishes; the route label is the matched pattern, never the raw URL. */
  httpMiddleware(): RequestHandler {
    return (req, res, next) => {
      this.observeRequest(req, res, () =>
        req.route?.path
          ? `${req.baseUrl}${String(req.route.path)}`
          : (res.locals.metricsRoute ?? 'unmatched'),
      );
      next();
    };
  }

  /** Starts timing one request; the route label is read when it finishes. */
  observeRequest(req: IncomingMessage, res: ServerResponse, route: () => string): void {
    const end = this.httpDuration.startTimer();
    res.once('finish', () => {
      end({ method: req.method, route: route(), status: String(res.statusCode) });
    });
  }
}
